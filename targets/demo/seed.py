"""Demonstration accounts, indicators and reports, for a development machine only. Every demo
indicator is flagged ``is_demo`` and labelled 演示数据 wherever it shows; every demo note says so in
its text and is written by the inactive account ``demo_data`` (演示数据). Nothing here is official."""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from targets.audit import trail
from targets.demo import bulk_insert, demo_problems, province_work, synthetic_divisions
from targets.demo import countyplans as demo_countyplans
from targets.demo import units as demo_units
from targets.demo.orders import seed_demo_orders
from targets.models import (
    AccountSecurity,
    County,
    CountyDepartment,
    Department,
    Exemption,
    Indicator,
    IndicatorValue,
    Measure,
    NoteVersion,
    Period,
    Plan,
    Practice,
    Prefecture,
    ProgressNote,
    Role,
    State,
    StatusOption,
    changes,
)
from targets.plan.indicator_targets import set_target
from targets.supervision import lights

DEMO_PASSWORD = "Sichuan-2027"

# username, full name, role kind, scope (county or prefecture code)
ACCOUNTS = [
    ("admin", "系统管理员(演示)", Role.Kind.SYSTEM_ADMIN, None),
    ("security", "安全管理员(演示)", Role.Kind.SECURITY_ADMIN, None),
    ("auditor", "审计管理员(演示)", Role.Kind.AUDIT_ADMIN, None),
    ("province", "省级审核员(演示)", Role.Kind.PROVINCIAL_REVIEWER, None),
    ("chengdu", "成都市审核员(演示)", Role.Kind.PREFECTURE_REVIEWER, "510100"),
    ("jinjiang", "锦江区填报员(演示)", Role.Kind.COUNTY_REPORTER, "510104"),
    ("huili", "会理市填报员(演示)", Role.Kind.COUNTY_REPORTER, "513402"),
    # A provincial department that leads several measures, and two that cooperate on one of them
    # (T1.1) and on others (targets/data/demo_units.toml); a department of each demo county (county code/its code).
    ("fagai", "省发展改革委(演示)", Role.Kind.DEPARTMENT, "fagai"),
    ("zhujian", "省住房城乡建设厅(演示)", Role.Kind.DEPARTMENT, "zhujian"),
    ("caizheng", "省财政厅(演示)", Role.Kind.DEPARTMENT, "caizheng"),
    ("jinjiang_fgj", "锦江区发展和改革局(演示)", Role.Kind.COUNTY_DEPARTMENT, "510104/fgj"),
    ("huili_fgj", "会理市发展和改革局(演示)", Role.Kind.COUNTY_DEPARTMENT, "513402/fgj"),
]

# code, name, name_en, unit, direction, level, baseline year and value, range, targets
INDICATORS = [
    (
        "D01",
        "常住人口城镇化率",
        "Urbanisation rate of the resident population",
        "%",
        "higher",
        "county",
        2023,
        "59.49",
        ("0", "100"),
        {2027: "63", 2035: "70"},
    ),
    (
        "D02",
        "城乡居民人均可支配收入比",
        "Urban-rural per-capita disposable income ratio",
        "倍",
        "lower",
        "province",
        2023,
        "2.26",
        ("1", "5"),
        {2027: "2.15", 2035: "2.0"},
    ),
    (
        "D03",
        "农村卫生厕所普及率",
        "Rural sanitary toilet coverage",
        "%",
        "higher",
        "county",
        2023,
        "88",
        ("0", "100"),
        {2027: "93", 2035: "98"},
    ),
    (
        "D04",
        "县域内义务教育学校标准化建设达标率",
        "Standard-compliant compulsory schools in county",
        "%",
        "higher",
        "county",
        2023,
        "85",
        ("0", "100"),
        {2027: "92", 2035: "100"},
    ),
]

UNITS_EN = {"%": "%", "倍": "times"}


@transaction.atomic
def seed_demo(*, reports: bool = True) -> list[str]:
    """Create the demo accounts and indicators, and with ``reports`` a round of demo notes and
    values (again: idempotent); returns the usernames."""
    User = get_user_model()
    demo_units.seed_units()
    for username, full_name, kind, scope in ACCOUNTS:
        user, _created = User.objects.get_or_create(username=username)
        user.first_name = full_name
        user.set_password(DEMO_PASSWORD)
        user.save()
        scope_fields: dict[str, Any] = {}
        if kind == Role.Kind.COUNTY_REPORTER:
            scope_fields["county"] = County.objects.get(code=scope)
        elif kind == Role.Kind.PREFECTURE_REVIEWER:
            scope_fields["prefecture"] = Prefecture.objects.get(code=scope)
        elif kind == Role.Kind.DEPARTMENT:
            scope_fields["department"] = Department.objects.get(code=scope)
        elif kind == Role.Kind.COUNTY_DEPARTMENT:
            county, code = str(scope).split("/")
            scope_fields["county_department"] = CountyDepartment.objects.get(
                county__code=county, code=code
            )
        Role.objects.get_or_create(user=user, kind=kind, **scope_fields)
        # Demo accounts keep their published password, so that the demo works as documented.
        AccountSecurity.objects.update_or_create(
            user=user, defaults={"password_expiry_exempt": True, "must_change_password": False}
        )

    plan = Plan.objects.order_by("id").first()
    if plan is not None:
        for code, name, name_en, unit, direction, level, year, base, (
            low,
            high,
        ), targets in INDICATORS:
            indicator, _created = Indicator.objects.update_or_create(
                plan=plan,
                code=code,
                defaults={
                    "name": name,
                    "name_en": name_en,
                    "unit": unit,
                    "unit_en": UNITS_EN[unit],
                    "direction": direction,
                    "level": level,
                    "baseline_year": year,
                    "baseline_value": Decimal(base),
                    "minimum": Decimal(low),
                    "maximum": Decimal(high),
                    "is_demo": True,
                },
            )
            for horizon, value in targets.items():
                if indicator.target_in_force(horizon) is None:
                    set_target(indicator, horizon, Decimal(value), reason="演示数据")
    if plan is not None and reports:
        _demo_reports()
        _demo_practice()
        _demo_exemptions()
        demo_problems.seed_problems(DEMO_PERIOD, _demo_author())
        seed_demo_orders()
        departments = {
            role.department.code: role.user
            for role in Role.objects.filter(
                kind=Role.Kind.DEPARTMENT, user__username__in=[a[0] for a in ACCOUNTS]
            ).select_related("department", "user")
            if role.department is not None
        }
        reviewer = get_user_model().objects.get(username="province")
        province_work.seed_province_work(DEMO_PERIOD, departments, reviewer)
        demo_countyplans.seed_task_lists(
            _demo_author(), get_user_model().objects.get(username="chengdu")
        )
    trail.record("demo.seed", actor_name="system")
    return [username for username, *_rest in ACCOUNTS]


DEMO_PERIOD = "2026Q3"
DEMO_NARRATIVE = "【演示数据】本期推进情况为系统生成的演示内容,不是真实填报。"
DEMO_PROBLEMS = "【演示数据】项目用地指标尚未落实。\n【演示数据】配套资金到位率偏低。"
DEMO_NEXT_STEPS = "【演示数据】下一阶段将加快推进重点项目,按期完成年度任务。"
# The statuses whose demo notes name problems: the work that is behind names what holds it up.
DEMO_STATUSES_WITH_PROBLEMS = {"behind", "at_risk", "not_started"}


@dataclass(frozen=True)
class DemoProfile:
    """How one kind of demo county reports: counties differ, so that a round's lights are a mix
    as they would be, not every county alike."""

    share: float  # of the counties
    reported: float  # share of its measures submitted or approved
    statuses: dict[str, float]  # weights of the statuses it chooses


DEMO_PROFILES = [
    DemoProfile(
        0.5,
        0.98,
        {"on_schedule": 9, "completed": 2, "behind": 0.5, "at_risk": 0.2, "not_started": 0.1},
    ),
    DemoProfile(
        0.35,
        0.9,
        {"on_schedule": 7, "completed": 1, "behind": 1.5, "at_risk": 0.5, "not_started": 0.3},
    ),
    DemoProfile(
        0.15,
        0.65,
        {"on_schedule": 4, "completed": 0.5, "behind": 3, "at_risk": 1.5, "not_started": 1},
    ),
]
# Of what is reported, the share approved (the rest awaits review); of what is not, the shares
# returned and in draft (the rest has no note).
DEMO_APPROVED, DEMO_RETURNED, DEMO_DRAFT = 0.84, 0.3, 0.25


DEMO_PRACTICE = 3  # curated cases of the demo round


def _demo_practice() -> None:
    """A few of the demo round's approved notes curated as good practice (典型经验) by the demo
    provincial reviewer, labelled demo (again: idempotent)."""
    if Practice.objects.filter(is_demo=True).exists():
        return
    curator = get_user_model().objects.get(username="province")
    notes = (
        ProgressNote.objects.filter(
            period__code=DEMO_PERIOD, state=State.APPROVED, status__code="completed"
        )
        .select_related("county", "measure")
        .prefetch_related("measure__integrations")
        .order_by("-percent", "county__code", "measure__order")[:DEMO_PRACTICE]
    )
    for note in notes:
        case = Practice.objects.create(
            title=f"【演示数据】{note.county.name}:{note.measure.code}的做法",
            summary=DEMO_NARRATIVE,
            county=note.county,
            measure=note.measure,
            period_id=note.period_id,
            note=note,
            task_area_id=note.measure.task_area_id,
            county_type_id=note.county.county_type_id,
            is_demo=True,
            curated_by=curator,
            updated_by=curator,
        )
        case.integrations.set(note.measure.integrations.all())


# (county, measure, reason, approved): 锦江区, a central district, has no county seat (县城) to
# build; 青羊区's request waits for 成都's reviewer.
DEMO_EXEMPTIONS = [
    ("510104", "T1.2", "【演示数据】本区为中心城区,没有县城建设任务。", True),
    ("510105", "T1.2", "【演示数据】本区为中心城区,没有县城发展空间需要拓展。", False),
]


def _demo_exemptions() -> None:
    """Requests to declare a measure 不适用: one approved by 成都's demo reviewer and one
    waiting, labelled demo (again: idempotent)."""
    if Exemption.objects.filter(is_demo=True).exists():
        return
    reviewer = get_user_model().objects.get(username="chengdu")
    asker = _demo_author()
    now = timezone.now()
    for county, measure, reason, approved in DEMO_EXEMPTIONS:
        Exemption.objects.create(
            county=County.objects.get(code=county),
            measure=Measure.objects.get(code=measure),
            reason=reason,
            requested_by=asker,
            is_demo=True,
            **(
                {
                    "state": Exemption.State.APPROVED,
                    "decided_by": reviewer,
                    "decided_at": now,
                    "comment": "【演示数据】同意。",
                    "version": 2,
                }
                if approved
                else {}
            ),
        )


def _demo_author():
    author, created = get_user_model().objects.get_or_create(
        username="demo_data", defaults={"first_name": "演示数据"}
    )
    if created:
        author.set_unusable_password()
        author.is_active = False
        author.save()
    return author


def _demo_reports(period_codes: Sequence[str] = (DEMO_PERIOD,), counties=None) -> int:
    """Notes of every county (or of ``counties``) on every measure for the periods, in a realistic
    mix of states and statuses, written by a demo account and saying so in their text. Periods that
    already have notes are left alone. Bulk inserts; returns how many notes were made."""
    author = _demo_author()
    maker = _NoteMaker(author, get_user_model().objects.get(username="province"))
    counties = list(County.objects.all() if counties is None else counties)
    measures = list(Measure.objects.all())
    done = set(
        ProgressNote.objects.filter(period__code__in=period_codes, county__in=counties)
        .values_list("period__code", flat=True)
        .distinct()
    )
    made = 0
    periods = Period.objects.filter(code__in=period_codes).exclude(code__in=done)
    for period in periods.order_by("starts_on"):
        notes = [
            note
            for county in counties
            for measure in measures
            if (note := maker.note(county.pk, measure.pk, period.pk)) is not None
        ]
        ids = bulk_insert.insert(ProgressNote, notes)
        bulk_insert.insert(
            NoteVersion, [maker.version(note_id, n) for note_id, n in zip(ids, notes, strict=True)]
        )
        made += len(notes)
    if not IndicatorValue.objects.filter(indicator__is_demo=True).exists():
        _demo_values(author, maker.reviewer, maker.randomness, maker.now)
    changes.written_in_bulk.send(
        sender=__name__, models=[ProgressNote, NoteVersion, IndicatorValue]
    )
    return made


class _NoteMaker:
    """Demo notes as rows (column: value), drawn from one seeded random sequence. Each county
    reports as its profile does; a note's percent agrees with its status against 序时进度 at the
    round's deadline (on schedule near it, behind below it)."""

    def __init__(self, author, reviewer) -> None:
        self.author, self.reviewer = author, reviewer
        self.statuses = {s.code: s.pk for s in StatusOption.objects.all()}
        self.randomness = random.Random(2027)  # noqa: S311  (made-up figures, repeatable)
        self.now = timezone.now()
        self.profiles: dict[int, DemoProfile] = {}
        self.expected: dict[int, float] = {}

    def profile(self, county_id: int) -> DemoProfile:
        found = self.profiles.get(county_id)
        if found is None:
            shares = [p.share for p in DEMO_PROFILES]
            found = self.profiles[county_id] = self.randomness.choices(DEMO_PROFILES, shares)[0]
        return found

    def pace(self, period_id: int) -> float:
        found = self.expected.get(period_id)
        if found is None:
            period = Period.objects.get(pk=period_id)
            found = self.expected[period_id] = lights.expected_progress(period, period.deadline)
        return found

    def percent(self, code: str, period_id: int) -> int:
        expected, draw = self.pace(period_id), self.randomness.uniform
        offsets = {"on_schedule": (-3, 15), "behind": (-35, -5), "at_risk": (-45, -10)}
        if code not in offsets:
            return {"completed": 100}.get(code, 0)
        return max(0, min(100, round(expected + draw(*offsets[code]))))

    def note(self, county_id: int, measure_id: int, period_id: int) -> dict | None:
        randomness, profile = self.randomness, self.profile(county_id)
        roll = randomness.random()
        if roll < profile.reported:
            approved = roll < profile.reported * DEMO_APPROVED
            state = State.APPROVED if approved else State.SUBMITTED
        else:
            roll = (roll - profile.reported) / (1 - profile.reported)
            if roll < DEMO_RETURNED:
                state = State.RETURNED
            elif roll < DEMO_RETURNED + DEMO_DRAFT:
                state = State.DRAFT
            else:
                return None
        codes, weights = list(profile.statuses), list(profile.statuses.values())
        code = randomness.choices(codes, weights=weights)[0]
        percent = self.percent(code, period_id)
        reviewed = state in (State.APPROVED, State.RETURNED)
        rating = None
        if state == State.APPROVED and randomness.random() < 0.05:
            rating = self.statuses["behind" if code != "behind" else "on_schedule"]
        return {
            "county_id": county_id,
            "measure_id": measure_id,
            "period_id": period_id,
            "state": state,
            "version": 1,
            "updated_at": self.now,
            "updated_by_id": self.author.pk,
            "status_id": self.statuses[code],
            "percent": percent,
            "narrative": DEMO_NARRATIVE,
            "problems": DEMO_PROBLEMS if code in DEMO_STATUSES_WITH_PROBLEMS else "",
            "next_steps": DEMO_NEXT_STEPS,
            "risk_reason": "",
            "submitted_at": self.now if state != State.DRAFT else None,
            "reviewed_by_id": self.reviewer.pk if reviewed else None,
            "reviewed_at": self.now if reviewed else None,
            "review_comment": "【演示数据】请补充佐证材料。" if state == State.RETURNED else "",
            "reviewer_status_id": rating,
            "bottom_line_id": None,
            "is_demo": True,
        }

    def version(self, note_id: int, note: dict) -> dict:
        return {
            "note_id": note_id,
            "number": 1,
            "state": note["state"],
            "status_id": note["status_id"],
            "percent": note["percent"],
            "narrative": note["narrative"],
            "problems": note["problems"],
            "next_steps": note["next_steps"],
            "bottom_line_id": None,
            "risk_reason": "",
            # A returned note's one version is its return, so that its form shows the comment
            # and takes the county's reply as a real return's does.
            **(
                {"event": "return", "comment": note["review_comment"], "by_id": self.reviewer.pk}
                if note["state"] == State.RETURNED
                else {"event": "demo", "comment": "", "by_id": self.author.pk}
            ),
            "at": self.now,
        }


def seed_scale(scale: str) -> int:
    """``sichuan``: a round of demo notes for every period, 2024Q1 to 2035Q4 (about 175,000).
    ``national``: the same for the counties of 30 synthetic provinces as well (about 2,900 county
    units in all, about 2.8 million notes)."""
    periods = list(Period.objects.values_list("code", flat=True))
    if scale == "sichuan":
        made = _demo_reports(periods)
    elif scale == "national":
        made = _demo_reports(periods)  # Sichuan's own counties first, if not yet done
        made += _demo_reports(periods, counties=synthetic_divisions.make())
    else:
        raise ValueError(f"unknown scale {scale!r}")
    bulk_insert.refresh_statistics(ProgressNote, NoteVersion, County)
    return made


DEMO_VALUE_PERIODS = ["2024Q4", "2025Q4", "2026Q2", "2026Q3"]


def _demo_values(author, reviewer, randomness: random.Random, now) -> None:
    """Approved values of the demo county-level indicators for a few periods: each county drifts
    from the baseline towards (or, now and then, away from) the 2027 target."""
    periods = list(Period.objects.filter(code__in=DEMO_VALUE_PERIODS).order_by("starts_on"))
    values = []
    for indicator in Indicator.objects.filter(is_demo=True, level=Indicator.Level.COUNTY):
        target, target_2035 = indicator.target_in_force(2027), indicator.target_in_force(2035)
        base = float(indicator.baseline_value)
        step = (float(target.value) - base) / 8 if target else 0
        low, high = float(indicator.minimum or 0), float(indicator.maximum or base * 2)
        for county in County.objects.all():
            level = base * randomness.uniform(0.97, 1.03)
            pace = randomness.uniform(-0.5, 1.6)
            for period in periods:
                level = min(high, max(low, level + step * pace + randomness.uniform(-0.4, 0.4)))
                values.append(
                    IndicatorValue(
                        county=county,
                        indicator=indicator,
                        period=period,
                        state=State.APPROVED,
                        value=round(level, 2),
                        source="【演示数据】",
                        updated_by=author,
                        submitted_at=now,
                        reviewed_by=reviewer,
                        reviewed_at=now,
                        target_2027=target,
                        target_2035=target_2035,
                    )
                )
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
