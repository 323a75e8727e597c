"""Shared fixtures: the Decision and the divisions loaded once per test database (one per process
of ``pytest -n``), and the personas every view test is checked with. A test that needs a component
missing here is skipped, or failed in CI (tests/components.py)."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.backends.postgresql.operations import DatabaseOperations
from django.test import override_settings
from django.utils import timezone, translation

from targets.demo.seed import seed_demo
from targets.geography.loader import load_divisions
from targets.models import (
    County,
    CountyDepartment,
    CountyMeasureDepartment,
    Department,
    Measure,
    MeasureDepartment,
    Prefecture,
    Responsibility,
    Role,
)
from targets.plan.loader import load_plan
from targets.supervision.reporting_setup import setup_reporting
from tests import components, two_factor

PASSWORD = "Persona-Pass-2027"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked with a component that is missing here is skipped with the reason; in CI,
    which must run every test, it fails instead."""
    reasons = dict.fromkeys(
        reason for marker in item.iter_markers() if (reason := components.missing(marker.name))
    )
    if reasons:
        reason = "; ".join(reasons)
        if components.in_ci():
            pytest.fail(f"{reason}: CI runs every test", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped data once; each test then runs in a transaction that is rolled back."""
    with django_db_blocker.unblock():
        load_divisions()
        load_plan()
        setup_reporting()


@pytest.fixture(scope="session", autouse=True)
def flush_past_the_audit_triggers():
    """Transactional tests end with Django's flush, a TRUNCATE of every table, which the audit
    tables' triggers refuse. For the tests only, the flush's transaction sets the (superuser's)
    session_replication_role to replica, under which those triggers do not fire."""
    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else []

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


# The shared cache of the tests: the database table, whose entries are rolled back with each test,
# even where REDIS_URL is set. The tests of tests/caching run on Redis too (tests/caching/conftest.py).
DATABASE_TABLE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "tracker_cache",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}


@pytest.fixture(scope="session", autouse=True)
def shared_cache_in_the_database():
    with override_settings(CACHES={**settings.CACHES, "shared": DATABASE_TABLE_CACHE}):
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """The cached security policy must not outlive the test (and its rolled-back transaction)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def files_of_the_test(settings, tmp_path):
    """What the app writes to disk (evidence, pending uploads, audit checkpoints) goes to a folder
    of the test's own: never to the project's media/ and audit-checkpoints/, which other test
    processes (``pytest -n``) and the development server share."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def default_language(settings):
    """Each test starts in the default language, whatever a test before it (in the same process,
    which differs with ``pytest -n``) left active."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many accounts; the production hasher's cost is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, kind: str | None = None, **scope):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if kind:
        Role.objects.create(user=user, kind=kind, **scope)
    return user


@pytest.fixture
def jinjiang(db) -> County:
    return County.objects.get(code="510104")


@pytest.fixture
def reporter(jinjiang):
    """The reporter of 锦江区 (成都市)."""
    return make_user("reporter", Role.Kind.COUNTY_REPORTER, county=jinjiang)


@pytest.fixture
def other_reporter(db):
    """The reporter of 会理市 (凉山州): another county, another prefecture."""
    return make_user(
        "other_reporter", Role.Kind.COUNTY_REPORTER, county=County.objects.get(code="513402")
    )


@pytest.fixture
def prefecture_reviewer(db):
    """The reviewer of 成都市."""
    return make_user(
        "chengdu_reviewer",
        Role.Kind.PREFECTURE_REVIEWER,
        prefecture=Prefecture.objects.get(code="510100"),
    )


@pytest.fixture
def other_prefecture_reviewer(db):
    """The reviewer of 凉山州."""
    return make_user(
        "liangshan_reviewer",
        Role.Kind.PREFECTURE_REVIEWER,
        prefecture=Prefecture.objects.get(code="513400"),
    )


@pytest.fixture
def provincial_reviewer(db):
    return make_user("province_reviewer", Role.Kind.PROVINCIAL_REVIEWER)


@pytest.fixture
def department_user(db):
    """The lead department (牵头单位) of T1.1: 省农业农村厅 (in place of the demo's lead, where
    the demo was seeded first)."""
    department = Department.objects.create(code="agri", name="省农业农村厅")
    measure = Measure.objects.get(code="T1.1")
    MeasureDepartment.objects.filter(measure=measure, responsibility=Responsibility.LEAD).delete()
    MeasureDepartment.objects.create(
        measure=measure, department=department, responsibility=Responsibility.LEAD
    )
    return make_user("department_user", Role.Kind.DEPARTMENT, department=department)


@pytest.fixture
def cooperating_department(db):
    """A cooperating department (配合单位) of T1.1: 省住房城乡建设厅."""
    department = Department.objects.create(code="housing", name="省住房城乡建设厅")
    MeasureDepartment.objects.create(
        measure=Measure.objects.get(code="T1.1"),
        department=department,
        responsibility=Responsibility.COOPERATING,
    )
    return make_user("cooperating_department", Role.Kind.DEPARTMENT, department=department)


@pytest.fixture
def county_department(jinjiang):
    """A department of 锦江区 (锦江区发展和改革局), to which the lead office assigned T1.1 (the
    demo's, where the demo was seeded first)."""
    department, _made = CountyDepartment.objects.get_or_create(
        county=jinjiang, code="fgj", defaults={"name": "锦江区发展和改革局"}
    )
    CountyMeasureDepartment.objects.update_or_create(
        county=jinjiang,
        measure=Measure.objects.get(code="T1.1"),
        responsibility=Responsibility.LEAD,
        defaults={"department": department},
    )
    return make_user("county_department", Role.Kind.COUNTY_DEPARTMENT, county_department=department)


@pytest.fixture
def admin_user(db):
    """The system admin: accounts and plan data."""
    return make_user("plan_admin", Role.Kind.SYSTEM_ADMIN)


@pytest.fixture
def security_admin(db):
    """The security admin: roles, lockouts."""
    return make_user("security_admin", Role.Kind.SECURITY_ADMIN)


@pytest.fixture
def audit_admin(db):
    """The audit admin: reads the audit trail, nothing else."""
    return make_user("audit_admin", Role.Kind.AUDIT_ADMIN)


@pytest.fixture
def no_role_user(db):
    return make_user("no_role")


@pytest.fixture
def client_for(client):
    """``client_for(user)``: a test client signed in as that user (None: anonymous), with both
    factors where the account owes a second one (the admins: see tests/two_factor.py)."""
    return lambda user: two_factor.sign_in(client, user)


@pytest.fixture
def demo(db) -> list[str]:
    """The demo accounts and demo indicators (without the demo round of reports)."""
    return seed_demo(reports=False)


@pytest.fixture
def period(db):
    """A reporting period, open."""
    from targets.models import Period

    return Period.objects.get(code="2026Q3")


@pytest.fixture
def note_data(db):
    """A valid note form's fields."""
    from targets.models import StatusOption

    return {
        "status": StatusOption.objects.get(code="on_schedule").pk,
        "percent": "40",
        "narrative": "完成了第一批扩权事项。",
        "bottom_line": "",
        "risk_reason": "",
    }


# 2026-11-29, 10:00 Beijing time: the latest ended round is 2026Q3, whose deadline (2026-10-15)
# has passed. Modules that depend on the date use the fixture below.
NOW = datetime.datetime(2026, 11, 29, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
TODAY = NOW.date()


@pytest.fixture
def on_the_29th_of_november():
    """The clock stopped at NOW."""
    with time_machine.travel(NOW, tick=False):
        yield
