"""The review queue in a real browser: one box ticks the whole page for a bulk decision, the
decision sits above the list, a resubmission shows what changed, and on a phone (375 px) the
queue turns into cards that fit, with nothing scrolling sideways; axe-core finds no serious
violation at either width."""

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from targets.models import County, Measure, Period, ProgressNote, State, StatusOption
from targets.reporting.evidence_files import check_upload
from targets.reporting.workflow import NoteInput, review, save_note
from targets.supervision.periods import current_period
from tests.e2e.conftest import PHONE, off_a_phone
from tests.e2e.test_accessibility import violations

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MEASURES = ["T1.1", "T1.2", "T2.1"]


def submitted(measure: str, *, percent=30, version=None, files=()) -> ProgressNote:
    """锦江区's note on the measure in the current round, submitted through the workflow."""
    uploads = [SimpleUploadedFile(name, PDF, content_type="application/pdf") for name in files]
    return save_note(
        user=get_user_model().objects.get(username="jinjiang"),
        county=County.objects.get(code="510104"),
        measure=Measure.objects.get(code=measure),
        period=Period.objects.get(code=current_period(timezone.localdate()).code),
        data=NoteInput(
            StatusOption.objects.get(code="on_schedule"), percent, "进展顺利。", None, ""
        ),
        started_from=version,
        submit=True,
        files=[check_upload(upload, max_bytes=10**6) for upload in uploads],
        uploads=uploads,
    )


def a_round_with_a_resubmission() -> None:
    """Three notes waiting; the first was returned once and sent again with a new percent and a
    file."""
    first = submitted(MEASURES[0])
    review(
        user=get_user_model().objects.get(username="chengdu"),
        items=[first],
        approve=False,
        comment="请补充验收材料",
    )
    first.refresh_from_db()
    submitted(MEASURES[0], percent=60, version=first.version, files=["验收材料.pdf"])
    for measure in MEASURES[1:]:
        submitted(measure)


def test_one_box_ticks_the_page_for_a_bulk_return(
    app_data, live_server, page, login, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    a_round_with_a_resubmission()
    login("chengdu")
    page.goto(f"{live_server.url}/review/")
    queue = page.locator("#queue")
    items = queue.locator('input[name="items"]')
    everything = queue.get_by_label("全选本页")
    count = queue.locator("[data-selected-count]")
    expect(items).to_have_count(3)
    resubmitted = queue.locator(".resubmission")
    expect(resubmitted).to_have_count(1)
    expect(resubmitted).to_contain_text("请补充验收材料")
    expect(resubmitted).to_contain_text("30% → 60%")
    expect(resubmitted.get_by_role("link", name="验收材料.pdf")).to_be_visible()

    # The decision is above the list: on screen without scrolling past the items.
    comment = queue.get_by_label("审核意见")
    assert comment.bounding_box()["y"] < items.first.bounding_box()["y"]
    assert violations(page) == []

    everything.check()
    for index in range(3):
        expect(items.nth(index)).to_be_checked()
    expect(count).to_have_text("已勾选 3 条")
    items.nth(1).uncheck()
    expect(count).to_have_text("已勾选 2 条")
    assert everything.evaluate("box => box.indeterminate")
    expect(everything).not_to_be_checked()
    everything.check()
    expect(count).to_have_text("已勾选 3 条")
    everything.uncheck()
    for index in range(3):
        expect(items.nth(index)).not_to_be_checked()
    expect(count).to_have_text("")

    everything.check()
    comment.fill("本页统一退回:请补充佐证材料")
    queue.get_by_role("button", name="退回修改").click()
    expect(queue.get_by_role("status").filter(has_text="已退回 3 条。")).to_be_visible()
    expect(items).to_have_count(0)
    screenshot("returned")
    notes = ProgressNote.objects.filter(county__code="510104")
    assert sorted(notes.values_list("state", flat=True)) == [State.RETURNED] * 3
    assert set(notes.values_list("review_comment", flat=True)) == {"本页统一退回:请补充佐证材料"}


def test_the_queue_fits_a_phone(app_data, live_server, page, login, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    a_round_with_a_resubmission()
    page.set_viewport_size(PHONE)
    login("chengdu")
    page.goto(f"{live_server.url}/review/")
    queue = page.locator("#queue")
    expect(queue.locator('input[name="items"]')).to_have_count(3)
    misfits = off_a_phone(
        page,
        "the review queue",
        page.get_by_label("填报周期"),
        page.get_by_role("button", name="筛选"),
        queue.get_by_label("全选本页"),
        queue.get_by_label("审核意见"),
        queue.get_by_role("button", name="审核通过"),
        queue.get_by_role("button", name="退回修改"),
        queue.locator('input[name="items"]'),
        queue.locator(".resubmission"),
        queue.get_by_role("link", name="验收材料.pdf"),
        queue.locator(".queue-table tbody tr"),
    )
    screenshot("phone")
    assert misfits == [], "the queue does not fit a phone"
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
