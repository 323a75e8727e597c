"""Good practice in a real browser: a prefecture reviewer marks an approved note as a case from its
timeline, through the form prefilled from the note, and the province's briefing shows it first
among the highlights, saying 典型经验."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from targets.models import State
from targets.supervision.periods import reviewed_round
from tests.notes import saved_note

NARRATIVE = "推行“一窗通办”,企业开办时间压缩到一天。"


def test_a_curated_case_leads_the_briefing_highlights(app_data, live_server, page, login):
    code = reviewed_round(timezone.localdate()).code
    author = get_user_model().objects.get(username="jinjiang")
    saved_note(
        "510104",
        "T1.1",
        State.APPROVED,
        percent=40,
        narrative=NARRATIVE,
        author=author,
        period=code,
    )
    # Notes further along, which the automatic picks would put first.
    for measure in ("T1.2", "T2.1"):
        saved_note(
            "510104",
            measure,
            State.APPROVED,
            percent=100,
            status="completed",
            narrative="自动选出的亮点",
            author=author,
            period=code,
        )

    login("chengdu")
    page.goto(f"{live_server.url}/counties/510104/measures/T1.1/")
    page.get_by_role("link", name="标为典型经验").click()
    expect(page.get_by_label("经验做法")).to_have_value(NARRATIVE)
    page.get_by_label("标题").fill("锦江区一窗通办")
    page.get_by_role("button", name="选编为典型经验").click()
    expect(page.get_by_role("link", name="修改典型经验")).to_be_visible()

    page.context.clear_cookies()
    login("province")
    page.goto(f"{live_server.url}/province/briefing/?period={code}")
    highlights = page.locator("section.briefing__part", has_text="五、工作亮点").locator(
        "blockquote"
    )
    expect(highlights.first).to_contain_text("锦江区一窗通办")
    expect(highlights.first).to_contain_text("典型经验")
    expect(highlights.nth(1)).to_contain_text("自动选出的亮点")
