"""Demonstration accounts and indicators, for a development machine only. Every demo indicator is
flagged ``is_demo`` and labelled 演示数据 wherever it shows; its figures are not official."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from targets.models import AccountSecurity, County, Indicator, Plan, Prefecture, Role
from targets.services import audit
from targets.services.targets import set_target

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


@transaction.atomic
def seed_demo() -> list[str]:
    """Create the demo accounts and indicators (again: idempotent); returns the usernames."""
    User = get_user_model()
    for username, full_name, kind, scope in ACCOUNTS:
        user, _created = User.objects.get_or_create(username=username)
        user.first_name = full_name
        user.set_password(DEMO_PASSWORD)
        user.save()
        scope_fields = {}
        if kind == Role.Kind.COUNTY_REPORTER:
            scope_fields["county"] = County.objects.get(code=scope)
        elif kind == Role.Kind.PREFECTURE_REVIEWER:
            scope_fields["prefecture"] = Prefecture.objects.get(code=scope)
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
    audit.record("demo.seed", actor_name="system")
    return [username for username, *_rest in ACCOUNTS]
