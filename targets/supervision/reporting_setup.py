"""A new installation's reporting set-up: the periods of the chosen cadence (deadline 15 days
after the period by default), the default progress statuses and the supervision rules.
Idempotent, and never overwrites what admins changed."""

from django.db import transaction

from targets.models import StatusOption
from targets.supervision import rulebook
from targets.supervision.periods import ensure_periods

# code, name, English name, colour (each distinguishable, and always shown with its label)
DEFAULT_STATUSES = [
    ("not_started", "未启动", "Not started", "#6e7781"),
    ("on_schedule", "按计划推进", "On schedule", "#1a7f37"),
    ("behind", "滞后", "Behind", "#bf8700"),
    ("at_risk", "存在风险", "At risk", "#cf222e"),
    ("completed", "已完成", "Completed", "#0969da"),
]


@transaction.atomic
def setup_reporting() -> dict[str, int]:
    created = {"periods": 0, "statuses": 0}
    for order, (code, name, name_en, color) in enumerate(DEFAULT_STATUSES, start=1):
        _status, new = StatusOption.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "color": color, "order": order}
        )
        created["statuses"] += new
    rules = rulebook.stored()
    created["periods"] = ensure_periods(rules.cadence, rules.deadline_days)
    return created
