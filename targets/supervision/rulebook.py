"""The supervision rules in force (cadence, warning lights, reminders), read through a short cache
in each process so that every page does not ask the database. A change reaches every app process
within CACHE_SECONDS, and is announced (changes.rules_changed) with that reach."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from targets.models import StatusOption, SupervisionRules, changes

CACHE_KEY = "supervision-rules"
CACHE_SECONDS = 30
DEFAULT_RED_STATUSES = ["behind", "at_risk"]


@dataclass(frozen=True)
class Rules:
    cadence: str
    deadline_days: int
    red_status_ids: frozenset[int]
    red_points_behind: int
    yellow_days_before_deadline: int
    yellow_days_after_return: int
    county_red_measures: int
    county_yellow_measures: int
    county_red_on_bottom_line: bool
    reminder_days_before: tuple[int, ...]
    remind_every_days_after: int
    escalate_after_days: int
    stop_after_days: int
    evidence_quota_mb: int
    approval_waits_for_opinion: bool = False
    order_number_format: str = "〔{year}〕{number}号"
    order_sign_days: int = 3


def stored() -> SupervisionRules:
    """The row, made with the defaults on first use. The first rules replace none that a process
    holds, so they are not announced: the default red statuses are written without m2m_changed."""
    rules, created = SupervisionRules.objects.get_or_create(pk=1)
    if created:
        red = StatusOption.objects.filter(code__in=DEFAULT_RED_STATUSES)
        through = SupervisionRules.red_statuses.through
        through.objects.bulk_create(through(supervisionrules=rules, statusoption=s) for s in red)
    return rules


def current() -> Rules:
    rules: Rules | None = cache.get(CACHE_KEY)
    if rules is None:
        row = stored()
        rules = Rules(
            cadence=row.cadence,
            deadline_days=row.deadline_days,
            red_status_ids=frozenset(row.red_statuses.values_list("pk", flat=True)),
            red_points_behind=row.red_points_behind,
            yellow_days_before_deadline=row.yellow_days_before_deadline,
            yellow_days_after_return=row.yellow_days_after_return,
            county_red_measures=row.county_red_measures,
            county_yellow_measures=row.county_yellow_measures,
            county_red_on_bottom_line=row.county_red_on_bottom_line,
            reminder_days_before=tuple(row.reminder_days_before),
            remind_every_days_after=row.remind_every_days_after,
            escalate_after_days=row.escalate_after_days,
            stop_after_days=row.stop_after_days,
            evidence_quota_mb=row.evidence_quota_mb,
            approval_waits_for_opinion=row.approval_waits_for_opinion,
            order_number_format=row.order_number_format,
            order_sign_days=row.order_sign_days,
        )
        cache.set(CACHE_KEY, rules, CACHE_SECONDS)
    return rules


@receiver(post_save, sender=SupervisionRules)
@receiver(m2m_changed, sender=SupervisionRules.red_statuses.through)
def forget_cached_rules(action: str = "post_", created: bool = False, **kwargs: object) -> None:
    """This process's copy is forgotten; the others' expire within CACHE_SECONDS, as announced."""
    cache.delete(CACHE_KEY)
    if action.startswith("post_") and not created:  # m2m_changed also sends pre_add, pre_clear…
        changes.rules_changed.send(sender=__name__, reach_seconds=CACHE_SECONDS)
