"""Every main page, opened by a user allowed to see it, at desktop and at phone width, and on a
phone in English too: it answers 200 in the language asked for and shows its heading; on a phone
the page does not scroll sideways, its tables scroll in their own box without being squeezed
unreadable, and no button or field is cut off. A full-page screenshot of each is kept for people to
look at, as test-artifacts/screenshots/pages/<user>-<page>-<desktop|phone|phone-en>.png."""

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from targets.demo.seed import seed_demo
from targets.supervision.periods import current_period, reviewed_round
from targets.supervision.reminders import send_due_reminders
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, off_a_phone

# user: (name, path, what the h1 says in Chinese); {current} is the round being reported
# ({current_name} in words), {ended} the latest that has ended (the one the demo data fills).
PAGES = {
    "anonymous": [("login", "/login/", "登录")],
    "jinjiang": [
        ("home", "/", "锦江区"),
        ("report", "/counties/510104/report/{current}/", "锦江区 · {current_name} 进展填报"),
        ("note-form", "/counties/510104/report/{current}/measures/T1.1/", "T1.1"),
        ("value-form", "/counties/510104/report/{current}/indicators/D01/", "常住人口城镇化率"),
        ("timeline", "/counties/510104/measures/T1.1/", "T1.1"),
        ("values-import", "/values/import/", "从Excel导入指标值"),
        ("notifications", "/notifications/", "通知"),
        ("plan", "/plan/", "决定"),
        ("password", "/password/", "修改密码"),
    ],
    "province": [
        ("overview", "/province/?period={ended}", "全省概览"),
        ("county-grid", "/province/measures/T1.1/?period={ended}", "T1.1"),
        ("task-area-grid", "/province/task-areas/T1/?period={ended}", "T1"),
        ("indicator", "/province/indicators/D01/", "常住人口城镇化率"),
        ("notes", "/province/notes/?period={ended}", "填报记录"),
        ("goals", "/province/goals/", "目标与指标"),
        ("pace", "/province/pace/", "进度判断规则"),
        ("briefing", "/province/briefing/?period={ended}", "进展通报"),
        ("review-queue", "/review/", "待审核"),
        ("late", "/review/late/?period={ended}", "逾期与长期未报"),
        ("reminder-log", "/review/reminders/", "催办记录"),
        ("county", "/counties/510104/", "锦江区"),
    ],
    "admin": [("plan-import", "/plan/import/", "用Excel编辑决定")],
    "auditor": [("audit", "/audit/", "审计记录")],
}
# name: viewport, language. English runs longer than Chinese and does not break inside words.
VARIANTS = {
    "desktop": (DESKTOP, "zh-hans"),
    "phone": (PHONE, "zh-hans"),
    "phone-en": (PHONE, "en"),
}

# Screenshots stop this far down: the first screens are what people look at, and the whole length
# of a 183-row table at phone width (some 100,000 px) would only slow the run.
LONGEST = 8000


@pytest.mark.parametrize("username", list(PAGES))
def test_the_main_pages_answer_show_their_heading_and_fit_a_phone(
    app_data, live_server, page, login, username
):
    if username != "anonymous":
        seed_demo()  # a round of demo notes and values, so that the tables have rows
        send_due_reminders(timezone.localdate())  # and the notifications and the reminder log
        login(username)
    current = current_period(timezone.localdate())
    rounds = {
        "current": current.code,
        "current_name": str(current),  # the Chinese name
        "ended": reviewed_round(timezone.localdate()).code,
    }
    off_phone = []
    for variant, (viewport, language) in VARIANTS.items():
        page.set_viewport_size(viewport)
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        for name, path, heading in PAGES[username]:
            # Loaded at each width, as a phone would (charts size themselves on loading).
            response = page.goto(f"{live_server.url}{path.format(**rounds)}")
            assert response is not None, name
            assert response.status == 200, f"{name}: {response}"
            expect(page.locator("html")).to_have_attribute("lang", language)
            h1 = page.get_by_role("heading", level=1)
            expect(h1).to_have_count(1)
            expect(h1).to_be_visible()
            if language == "zh-hans":
                expect(h1).to_contain_text(heading.format(**rounds))
            if viewport == PHONE:
                off_phone += off_a_phone(page, f"{name} ({variant})", h1)
            shot = SCREENSHOTS / "pages" / f"{username}-{name}-{variant}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            height = min(page.evaluate("document.documentElement.scrollHeight"), LONGEST)
            clip = {"x": 0, "y": 0, "width": viewport["width"], "height": height}
            page.screenshot(path=str(shot), full_page=True, clip=clip)
    assert off_phone == [], "pages that do not fit a phone"
