"""Consequential actions ask first, and only when it matters: marking evidence superseded (which
cannot be undone) and closing a note form that holds unsaved text. Declining changes nothing;
agreeing goes ahead. And a request in flight shows that it is on its way, with the form's buttons
disabled so that it cannot be sent twice."""

import re

from playwright.sync_api import expect

from targets.models import Evidence, ProgressNote
from tests.e2e.test_reporting_cycle import JINJIANG, PDF, period_code, state_of, workflow_note

SUPERSEDING = "勾选的佐证材料将标记为已被替代,此操作不能撤销(文件仍会保留在历次进展中)。确定继续吗?"
UNSAVED = "您填写的内容尚未保存,关闭后将丢失。确定关闭吗?"


class Questions:
    """Every question the page asks, answered with ``answer`` ("accept" or "dismiss")."""

    def __init__(self, page, answer: str):
        self.answer = answer
        self.asked: list[str] = []
        page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog) -> None:
        self.asked.append(dialog.message)
        if self.answer == "accept":
            dialog.accept()
        else:
            dialog.dismiss()


def test_marking_evidence_superseded_asks_first_and_declining_keeps_it(
    app_data, live_server, page, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    evidence = tmp_path / "验收报告.pdf"
    evidence.write_bytes(PDF)
    workflow_note("jinjiang", "T1.2", "完成了第一批项目。", submit=False)
    login("jinjiang")
    page.goto(f"{live_server.url}/counties/{JINJIANG}/report/{period_code()}/")
    row = page.locator("#measure-T1-2")
    form = page.locator("#note-form-T1-2")

    # Adding a file supersedes nothing: no question.
    questions = Questions(page, "dismiss")
    row.get_by_role("link", name="修改").click()
    form.get_by_label("佐证材料").set_input_files(evidence)
    form.get_by_role("button", name="保存草稿").click()
    expect(form).to_have_count(0)
    expect(row).to_contain_text("1份佐证材料")
    assert questions.asked == []
    file = Evidence.objects.get(note__measure__code="T1.2")

    # Ticking it and saving asks; declining leaves the form open and the file as it was.
    row.get_by_role("link", name="修改").click()
    form.get_by_label("验收报告.pdf").check()
    form.get_by_role("button", name="保存草稿").click()
    expect(form.get_by_label("验收报告.pdf")).to_be_checked()
    assert questions.asked == [SUPERSEDING]
    file.refresh_from_db()
    assert not file.superseded
    versions = ProgressNote.objects.get(measure__code="T1.2").versions.count()

    # Agreeing saves, and the file is marked superseded (still listed, still downloadable).
    questions.answer = "accept"
    form.get_by_role("button", name="提交审核").click()
    expect(form).to_have_count(0)
    expect(state_of(row)).to_have_text("已提交")
    assert questions.asked == [SUPERSEDING, SUPERSEDING]
    file.refresh_from_db()
    assert file.superseded
    assert ProgressNote.objects.get(measure__code="T1.2").versions.count() == versions + 1


def test_closing_a_note_form_asks_only_when_it_holds_unsaved_text(
    app_data, live_server, page, login
):
    login("jinjiang")
    page.goto(f"{live_server.url}/counties/{JINJIANG}/report/{period_code()}/")
    row = page.locator("#measure-T1-3")
    form = page.locator("#note-form-T1-3")
    questions = Questions(page, "dismiss")

    # Opened and closed untouched: nothing to lose, no question.
    row.get_by_role("link", name="填写").click()
    form.get_by_role("button", name="取消").click()
    expect(form).to_have_count(0)
    assert questions.asked == []

    # With text typed, closing asks; declining keeps the form and the text.
    row.get_by_role("link", name="填写").click()
    form.get_by_label("进展情况").fill("写了一半的进展。")
    form.get_by_role("button", name="取消").click()
    expect(form.get_by_label("进展情况")).to_have_value("写了一半的进展。")
    assert questions.asked == [UNSAVED]

    questions.answer = "accept"
    form.get_by_role("button", name="取消").click()
    expect(form).to_have_count(0)
    assert questions.asked == [UNSAVED, UNSAVED]
    assert not ProgressNote.objects.filter(measure__code="T1.3").exists()


def test_a_save_in_flight_shows_it_is_saving_and_cannot_be_sent_twice(
    app_data, live_server, page, login
):
    login("jinjiang")
    page.goto(f"{live_server.url}/counties/{JINJIANG}/report/{period_code()}/")
    row = page.locator("#measure-T1-4")
    form = page.locator("#note-form-T1-4")
    row.get_by_role("link", name="填写").click()
    form.get_by_label("进展状态").select_option(label="按计划推进")
    form.get_by_label(re.compile("^完成进度")).fill("20")
    form.get_by_label("进展情况").fill("启动了试点。")

    # Hold the save on its way to the server until the page has been looked at.
    held = []
    # A lambda: Playwright cannot take a built-in method such as held.append for a handler.
    page.route(re.compile(r".*/measures/T1\.4/$"), lambda route: held.append(route))  # noqa: PLW0108
    saving = form.get_by_role("status").filter(has_text="正在保存……")
    expect(saving).to_be_hidden()
    form.get_by_role("button", name="保存草稿").click()
    expect(saving).to_be_visible()
    expect(form.get_by_role("button", name="保存草稿")).to_be_disabled()
    expect(form.get_by_role("button", name="提交审核")).to_be_disabled()
    form.get_by_role("button", name="保存草稿").click(force=True)  # a second click does nothing
    assert len(held) == 1

    held[0].fallback()
    expect(form).to_have_count(0)
    expect(state_of(row)).to_have_text("草稿")
    assert len(held) == 1
    note = ProgressNote.objects.get(measure__code="T1.4")
    assert note.narrative == "启动了试点。"
    assert note.versions.count() == 1


def test_a_filter_in_flight_shows_it_is_loading(app_data, live_server, page, login):
    login("province")
    page.goto(f"{live_server.url}/province/")
    held = []
    page.route(re.compile(r".*/province/\?.*"), lambda route: held.append(route))  # noqa: PLW0108
    loading = page.get_by_text("正在加载……")
    expect(loading).to_be_hidden()
    page.get_by_label("经济区", exact=True).select_option(index=1)
    expect(loading).to_be_visible()
    expect(page.get_by_role("button", name="筛选")).to_be_disabled()
    for _ in range(100):  # the route's handler runs when Playwright next has its turn
        if held:
            break
        page.wait_for_timeout(50)
    held[0].fallback()
    expect(loading).to_be_hidden()
    expect(page.get_by_role("button", name="筛选")).to_be_enabled()
    expect(page).to_have_url(re.compile(r"region="))
