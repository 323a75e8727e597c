"""The reporting periods (quarters 2024Q1 to 2035Q4, deadline 15 days after the quarter) and the
default progress statuses. Idempotent, and never overwrites what admins changed."""

import datetime

from django.db import transaction

from targets.models import Period, StatusOption

FIRST_YEAR, LAST_YEAR = 2024, 2035
DEADLINE_DAYS = 15
# code, name, English name, colour (each distinguishable, and always shown with its label)
DEFAULT_STATUSES = [
    ("not_started", "未启动", "Not started", "#6e7781"),
    ("on_schedule", "按计划推进", "On schedule", "#1a7f37"),
    ("behind", "滞后", "Behind", "#bf8700"),
    ("at_risk", "存在风险", "At risk", "#cf222e"),
    ("completed", "已完成", "Completed", "#0969da"),
]


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    following = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


@transaction.atomic
def setup_reporting() -> dict[str, int]:
    created = {"periods": 0, "statuses": 0}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for quarter in range(1, 5):
            start, end = quarter_bounds(year, quarter)
            _period, new = Period.objects.get_or_create(
                code=f"{year}Q{quarter}",
                defaults={
                    "cadence": Period.Cadence.QUARTER,
                    "starts_on": start,
                    "ends_on": end,
                    "deadline": end + datetime.timedelta(days=DEADLINE_DAYS),
                },
            )
            created["periods"] += new
    for order, (code, name, name_en, color) in enumerate(DEFAULT_STATUSES, start=1):
        _status, new = StatusOption.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "color": color, "order": order}
        )
        created["statuses"] += new
    return created


def current_period(today: datetime.date) -> Period | None:
    """The round being reported: the first period whose deadline has not passed (else the last)."""
    upcoming = Period.objects.filter(deadline__gte=today).order_by("deadline").first()
    return upcoming or Period.objects.order_by("-deadline").first()
