"""The main pages of the app, by the user who opens them, and the screens and languages the sweeps
open them in (tests/e2e/test_accessibility.py, test_page_width.py). {current} is the round being
reported, {ended} the latest that has ended (the one the demo data fills)."""

from django.conf import settings
from django.utils import timezone

from targets.demo.seed import seed_demo
from targets.supervision.periods import current_period, reviewed_round
from targets.supervision.reminders import send_due_reminders

MAIN_PAGES = {
    "anonymous": ["/login/"],
    "reporter": [
        "/",
        "/counties/510104/report/{ended}/",
        "/counties/510104/report/{current}/",
        "/counties/510104/report/{current}/measures/T1.1/",
        "/counties/510104/report/{current}/indicators/D01/",
        "/counties/510104/measures/T1.1/",
        "/counties/510104/",
        "/notifications/",
        "/plan/",
        "/values/import/",
    ],
    "reviewer": [
        "/province/?period={ended}",
        "/province/?period={ended}&prefecture=510100",
        "/province/measures/T1.1/?period={ended}",
        "/province/task-areas/T1/?period={ended}",
        "/province/notes/?period={ended}",
        "/province/indicators/D01/",
        "/province/goals/",
        "/province/pace/",
        "/province/briefing/?period={ended}",
        "/review/late/?period={ended}",
        "/review/reminders/",
        "/counties/510104/",
        "/notifications/",
    ],
    "queue": ["/review/"],
    "admin": ["/plan/import/"],
    "auditor": ["/audit/"],
}
# Who opens each group's pages.
USERS = {
    "anonymous": None,
    "reporter": "jinjiang",
    "reviewer": "province",
    "queue": "province",
    "admin": "admin",
    "auditor": "auditor",
}
DESKTOP_1366 = {"width": 1366, "height": 768}
PHONE_375 = {"width": 375, "height": 812}
LANGUAGES = ("zh-hans", "en")


def open_as(group: str, login) -> list[str]:
    """Fill a round with demo notes, values and reminders, sign in as the group's user, and give
    the group's paths with the rounds filled in."""
    if USERS[group] is not None:
        seed_demo()
        send_due_reminders(timezone.localdate())
        login(USERS[group])
    rounds = {
        "current": current_period(timezone.localdate()).code,
        "ended": reviewed_round(timezone.localdate()).code,
    }
    return [path.format(**rounds) for path in MAIN_PAGES[group]]


def in_language(page, live_server, language: str) -> None:
    """Pages from now on in the language, as chosen with the language switch (its cookie)."""
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
