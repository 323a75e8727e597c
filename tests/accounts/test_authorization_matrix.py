"""Every URL of the project, for every persona: the outcome is stated here, and a URL (or an admin
page) added without an entry makes this test fail."""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from tests import two_factor

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "reporter",
    "other_reporter",
    "prefecture_reviewer",
    "other_prefecture_reviewer",
    "provincial_reviewer",
    "department_user",
    "cooperating_department",
    "county_department",
    "admin_user",
    "security_admin",
    "audit_admin",
]


def row(
    anonymous,
    reporter,
    other_reporter,
    prefecture,
    other_prefecture,
    province,
    department,
    system,
    security,
    auditor,
    *,
    cooperating=None,
    county_department=None,
):
    """The expected status per persona. The cooperating department sees what the lead department
    (``department``) sees unless ``cooperating`` says otherwise; the county department of 锦江区
    is stated for each URL."""
    return dict(
        zip(
            PERSONAS,
            [
                anonymous,
                reporter,
                other_reporter,
                prefecture,
                other_prefecture,
                province,
                department,
                department if cooperating is None else cooperating,
                county_department,
                system,
                security,
                auditor,
            ],
            strict=True,
        )
    )


def everyone(status):
    return row(*[status] * 10, county_department=status)


# url name: (path, expected GET status per persona). 302 for the anonymous visitor is the login page.
MATRIX = {
    "home": ("/", everyone(302)),
    "login": ("/login/", everyone(200)),
    "logout": ("/logout/", everyone(405)),
    "password_change": ("/password/", row(302, *[200] * 9, county_department=200)),
    # Signed in with both factors already: the second step sends on to the home page.
    "two_factor_verify": ("/login/code/", everyone(302)),
    "two_factor": ("/account/two-factor/", row(302, *[200] * 9, county_department=200)),
    # The admins are enrolled (tests/two_factor.py): enrolling again sends to the account page.
    "two_factor_enrol": (
        "/account/two-factor/enrol/",
        row(302, *[200] * 6, 302, 302, 302, county_department=200),
    ),
    "two_factor_codes": ("/account/two-factor/codes/", everyone(405)),
    "units_export": (
        "/units/workbook.xlsx",
        row(302, *[403] * 6, 200, 403, 403, county_department=403),
    ),
    "units_import": ("/units/import/", row(302, *[403] * 6, 200, 403, 403, county_department=403)),
    "plan": (
        "/plan/",
        row(302, 200, 200, 200, 200, 200, 200, 200, 403, 403, county_department=200),
    ),
    # The to-do list is a county's: its lead office's, and its departments' (their measures).
    "todo": ("/todo/", row(302, 200, 200, *[403] * 7, county_department=200)),
    # The pages of every measure: a provincial department sees its own measures only.
    "province": (
        "/province/",
        row(302, 403, 403, 200, 200, 200, 403, 200, 403, 403, county_department=403),
    ),
    # A county's pages show every measure: not a provincial department's (it sees the county's
    # notes on its own measures through their grid and timeline).
    "county": (
        "/counties/510104/",
        row(302, 200, 404, 200, 404, 200, 403, 200, 404, 404, county_department=200),
    ),
    # The cut by department: a department sees its own rows; another department's is not found.
    "department": (
        "/province/departments/finance/",
        row(302, 403, 403, 200, 200, 200, 404, 200, 403, 403, county_department=403),
    ),
    "departments": (
        "/province/departments/",
        row(302, 403, 403, 200, 200, 200, 200, 200, 403, 403, county_department=403),
    ),
    "audit": ("/audit/", row(302, *[403] * 8, 200, county_department=403)),
    "audit_export": ("/audit/export.csv", row(302, *[403] * 8, 200, county_department=403)),
    "healthz": ("/healthz", everyone(200)),
    "report_current": (
        "/counties/510104/report/",
        row(302, 302, 404, 302, 404, 302, 403, 302, 404, 404, county_department=302),
    ),
    "report": (
        "/counties/510104/report/2026Q3/",
        row(302, 200, 404, 200, 404, 200, 403, 200, 404, 404, county_department=200),
    ),
    # The county department of 锦江区 drafts T1.1 (its lead office gave it the measure).
    "note": (
        "/counties/510104/report/2026Q3/measures/T1.1/",
        row(302, 200, 404, 403, 404, 403, 403, 403, 404, 404, county_department=200),
    ),
    # A measure the lead office did not give to the county department.
    "note_not_assigned": (
        "/counties/510104/report/2026Q3/measures/T5.4/",
        row(302, 200, 404, 403, 404, 403, 403, 403, 404, 404, county_department=403),
    ),
    "note_reply": ("/counties/510104/report/2026Q3/measures/T1.1/reply/", everyone(405)),
    "note_check_return": (
        "/counties/510104/report/2026Q3/measures/T1.1/check-return/",
        everyone(405),
    ),
    # The county's division of its measures: read by whoever sees the county and every measure
    # (a provincial department sees only its own, as on the report page), set (POST) by its lead
    # office alone (tests/units/test_county_matrix.py).
    "county_matrix": (
        "/counties/510104/matrix/",
        row(302, 200, 404, 200, 404, 200, 403, 200, 404, 404, county_department=200),
    ),
    "county_matrix_assign": ("/counties/510104/matrix/T1.1/", everyone(405)),
    # The county's task list of a year: read by whoever sees the county and every measure, edited
    # by its lead office alone, reviewed (POST) by its prefecture's and the provincial reviewers
    # (tests/countyplans/).
    "county_plan": (
        "/counties/510104/plan/2026/",
        row(302, 200, 404, 200, 404, 200, 403, 200, 404, 404, county_department=200),
    ),
    "county_plan_task_new": (
        "/counties/510104/plan/2026/tasks/new/",
        row(302, 200, 404, 403, 404, 403, 403, 403, 404, 404, county_department=403),
    ),
    # No such task: 404 to the lead office; the others as for a new task.
    "county_plan_task": (
        "/counties/510104/plan/2026/tasks/0/",
        row(302, 404, 404, 403, 404, 403, 403, 403, 404, 404, county_department=403),
    ),
    "county_plan_task_delete": ("/counties/510104/plan/2026/tasks/0/delete/", everyone(405)),
    "county_plan_submit": ("/counties/510104/plan/2026/submit/", everyone(405)),
    "county_plan_review": ("/counties/510104/plan/2026/review/", everyone(405)),
    "county_plan_change": ("/counties/510104/plan/2026/change/", everyone(405)),
    # No version and no approved list yet: 404 to whoever sees the county's list.
    "county_plan_version": (
        "/counties/510104/plan/2026/versions/1/",
        row(302, 404, 404, 404, 404, 404, 403, 404, 404, 404, county_department=404),
    ),
    "county_plan_ledger": (
        "/counties/510104/plan/2026/ledger.xlsx",
        row(302, 404, 404, 404, 404, 404, 403, 404, 404, 404, county_department=404),
    ),
    "county_plan_template": (
        "/counties/510104/plan/2026/template.xlsx",
        row(302, 200, 404, 403, 404, 403, 403, 403, 404, 404, county_department=403),
    ),
    "county_plan_import": (
        "/counties/510104/plan/2026/import/",
        row(302, 200, 404, 403, 404, 403, 403, 403, 404, 404, county_department=403),
    ),
    # A year outside the Decision's span is not found.
    "county_plan_other_year": (
        "/counties/510104/plan/1999/",
        row(302, 404, 404, 404, 404, 404, 404, 404, 404, 404, county_department=404),
    ),
    "plan_standing": (
        "/plans/2026/",
        row(302, 403, 403, 200, 200, 200, 403, 200, 403, 403, county_department=403),
    ),
    "value": (
        "/counties/510104/report/2026Q3/indicators/D01/",
        row(302, 200, 404, 403, 404, 403, 403, 403, 404, 404, county_department=403),
    ),
    "timeline": (
        "/counties/510104/measures/T1.1/",
        row(302, 200, 404, 200, 404, 200, 200, 200, 404, 404, county_department=200),
    ),
    "evidence": (
        "/evidence/{evidence}/",
        row(302, 200, 404, 200, 404, 200, 200, 200, 404, 404, county_department=200),
    ),
    "review": (
        "/review/",
        row(302, 403, 403, 200, 200, 200, 403, 403, 403, 403, county_department=403),
    ),
    "status_colours": ("/statuses.css", everyone(200)),
    "grid": (
        "/province/measures/T1.1/",
        row(302, 403, 403, 200, 200, 200, 200, 200, 403, 403, county_department=403),
    ),
    "indicator": (
        "/province/indicators/D01/",
        row(302, 403, 403, 200, 200, 200, 403, 200, 403, 403, county_department=403),
    ),
    "notes": (
        "/province/notes/",
        row(302, 403, 403, 200, 200, 200, 200, 200, 403, 403, county_department=403),
    ),
    "task_area_grid": (
        "/province/task-areas/T1/",
        row(302, 403, 403, 200, 200, 200, 403, 200, 403, 403, county_department=403),
    ),
    "goals": (
        "/province/goals/",
        row(302, 403, 403, 200, 200, 200, 403, 200, 403, 403, county_department=403),
    ),
    "boundaries": (
        "/province/boundaries/0.geojson",
        row(302, 403, 403, 404, 404, 404, 403, 404, 403, 403, county_department=403),
    ),
    "pace_rules": (
        "/province/pace/",
        row(302, 403, 403, 200, 200, 200, 403, 200, 403, 403, county_department=403),
    ),
    "set_language": ("/i18n/setlang/", everyone(302)),
    "values_template": (
        "/values/template.xlsx?period=2026Q3",
        row(302, 200, 200, 403, 403, 403, 403, 403, 403, 403, county_department=403),
    ),
    "values_import": (
        "/values/import/",
        row(302, 200, 200, 403, 403, 403, 403, 403, 403, 403, county_department=403),
    ),
    "briefing": (
        "/province/briefing/",
        row(302, 403, 403, 200, 200, 200, 403, 200, 403, 403, county_department=403),
    ),
    "briefing_pdf": ("/province/briefing/pdf/", everyone(405)),
    # No such file: 404 to those who may read briefings.
    "briefing_file": (
        "/province/briefing/files/1.pdf",
        row(302, 403, 403, 404, 404, 404, 403, 404, 403, 403, county_department=403),
    ),
    "plan_export": (
        "/plan/workbook.xlsx",
        row(302, *[403] * 6, 200, 403, 403, county_department=403),
    ),
    "plan_import": ("/plan/import/", row(302, *[403] * 6, 200, 403, 403, county_department=403)),
    "county_targets_export": (
        "/plan/county-targets.xlsx",
        row(302, *[403] * 6, 200, 403, 403, county_department=403),
    ),
    "county_targets_import": (
        "/plan/county-targets/",
        row(302, *[403] * 6, 200, 403, 403, county_department=403),
    ),
    "late": (
        "/review/late/",
        row(302, 403, 403, 200, 200, 200, 403, 403, 403, 403, county_department=403),
    ),
    "remind": ("/review/late/remind/", everyone(405)),
    "reminder_log": (
        "/review/reminders/",
        row(302, 403, 403, 200, 200, 200, 403, 403, 403, 403, county_department=403),
    ),
    # Good practice: every plan reader sees the cases of their scope; the reviewers curate, each
    # for their own counties (a county or a department sees the case, but may not change it).
    "practice": (
        "/practice/",
        row(302, 200, 200, 200, 200, 200, 200, 200, 403, 403, county_department=200),
    ),
    "practice_new": (
        "/practice/new/",
        row(302, 403, 403, 200, 200, 200, 403, 403, 403, 403, county_department=403),
    ),
    "practice_mark": (
        "/counties/510104/report/2026Q3/measures/T1.2/practice/",
        row(302, 403, 404, 200, 404, 200, 403, 403, 404, 404, county_department=403),
    ),
    "practice_edit": (
        "/practice/{case}/",
        row(302, 403, 404, 200, 404, 200, 403, 403, 403, 403, county_department=403),
    ),
    "practice_withdraw": ("/practice/{case}/withdraw/", everyone(405)),
    # Supervision orders: every plan reader lists those of their scope; the reviewers issue them.
    # The order here is 成都's (市级) to 锦江区: its county (the lead office and its departments),
    # its prefecture, the province and the system admin see it; a provincial department sees only
    # the orders sent to it.
    "orders": (
        "/orders/",
        row(302, 200, 200, 200, 200, 200, 200, 200, 403, 403, county_department=200),
    ),
    "order_new": (
        "/orders/new/",
        row(302, 403, 403, 200, 200, 200, 403, 403, 403, 403, county_department=403),
    ),
    "order": (
        "/orders/{order}/",
        row(302, 200, 404, 200, 404, 200, 404, 200, 403, 403, county_department=200),
    ),
    "order_print": (
        "/orders/{order}/print/",
        row(302, 200, 404, 200, 404, 200, 404, 200, 403, 403, county_department=200),
    ),
    "order_pdf": (
        "/orders/{order}.pdf",
        row(302, 200, 404, 200, 404, 200, 404, 200, 403, 403, county_department=200),
    ),
    "order_evidence": (
        "/orders/evidence/{order_evidence}/",
        row(302, 200, 404, 200, 404, 200, 404, 200, 403, 403, county_department=200),
    ),
    "order_sign": ("/orders/{order}/sign/", everyone(405)),
    "order_answer": ("/orders/{order}/answer/", everyone(405)),
    "order_verify": ("/orders/{order}/verify/", everyone(405)),
    # The province-level notes: the provincial departments (of their measures: T1.1 is the lead's
    # and the cooperating department's), the provincial reviewers and the system admin.
    "province_work": (
        "/province/work/",
        row(302, 403, 403, 403, 403, 200, 200, 200, 403, 403, county_department=403),
    ),
    "province_note": (
        "/province/work/2026Q3/T1.1/",
        row(302, 403, 403, 403, 403, 200, 200, 200, 403, 403, county_department=403),
    ),
    "contribution": ("/province/work/2026Q3/T1.1/contribution/", everyone(405)),
    "province_note_review": ("/province/work/2026Q3/T1.1/review/", everyone(405)),
    "department_evidence": (
        "/province/work-evidence/{department_evidence}/",
        row(302, 403, 403, 403, 403, 200, 200, 200, 403, 403, county_department=403),
    ),
    "opinion": ("/counties/510104/report/2026Q3/measures/T1.1/opinion/", everyone(405)),
    # Measures that apply: the county's lead office asks (others who see the county may not);
    # the reviewers list their counties' requests and decide them (by POST).
    "exemption_ask": (
        "/counties/510104/measures/T1.2/not-applicable/",
        row(302, 200, 404, 403, 404, 403, 403, 403, 404, 404, county_department=403),
    ),
    "exemptions": (
        "/review/not-applicable/",
        row(302, 403, 403, 200, 200, 200, 403, 403, 403, 403, county_department=403),
    ),
    "exemption_decide": ("/review/not-applicable/1/", everyone(405)),
    # Problems (问题清单): every plan reader sees the problems of their scope (a provincial
    # department those on its measures: T1.1 is the lead's and the cooperating department's);
    # the reviewers of the county raise them; the steps (POST) are tests/problems/test_problems.py's.
    "problems": (
        "/problems/",
        row(302, 200, 200, 200, 200, 200, 200, 200, 403, 403, county_department=200),
    ),
    "problem": (
        "/problems/{problem}/",
        row(302, 200, 404, 200, 404, 200, 200, 200, 403, 403, county_department=200),
    ),
    "problem_evidence": (
        "/problems/evidence/{problem_evidence}/",
        row(302, 200, 404, 200, 404, 200, 200, 200, 403, 403, county_department=200),
    ),
    "problem_new": (
        "/counties/510104/problems/new/",
        row(302, 403, 404, 200, 404, 200, 403, 403, 404, 404, county_department=403),
    ),
    "problem_raise": ("/counties/510104/report/2026Q3/measures/T1.1/problems/", everyone(405)),
    "problem_rectify": ("/problems/{problem}/rectify/", everyone(405)),
    "problem_verify": ("/problems/{problem}/verify/", everyone(405)),
    "notifications": ("/notifications/", row(302, *[200] * 9, county_department=200)),
    # The whole review queue's export, made by the worker: asked for with a POST.
    "review_export": ("/review/export/", everyone(405)),
    # Each user's own files: anyone signed in has a list; no such file is 404 to all.
    "my_files": ("/files/", row(302, *[200] * 9, county_department=200)),
    "my_file": ("/files/1/", row(302, *[404] * 9, county_department=404)),
    # The rounds' bulk data files: the provincial reviewers and the system admin.
    "bulk_data": (
        "/province/data-files/",
        row(302, 403, 403, 403, 403, 200, 403, 200, 403, 403, county_department=403),
    ),
    "bulk_data_make": ("/province/data-files/make/", everyone(405)),
    "bulk_data_file": (
        "/province/data-files/1.zip",
        row(302, 403, 403, 403, 403, 404, 403, 404, 403, 403, county_department=403),
    ),
    "notifications_read_all": ("/notifications/read/", everyone(405)),
    "notification_open": ("/notifications/1/open/", everyone(405)),
}
GET_ONLY = [
    "county_plan",
    "county_plan_version",
    "county_plan_ledger",
    "county_plan_template",
    "plan_standing",
    "province_work",
    "department_evidence",
    "two_factor",
    "county_matrix",
    "department",
    "departments",
    "notes",
    "task_area_grid",
    "evidence",
    "home",
    "todo",
    "plan",
    "province",
    "county",
    "audit",
    "audit_export",
    "healthz",
    "report_current",
    "report",
    "timeline",
    "units_export",
    "status_colours",
    "late",
    "reminder_log",
    "values_template",
    "briefing",
    "briefing_file",
    "notifications",
    "practice",
    "county_targets_export",
    "my_files",
    "my_file",
    "bulk_data",
    "bulk_data_file",
    "exemptions",
    "problems",
    "problem_evidence",
    "orders",
    "order",
    "order_print",
    "order_pdf",
    "order_evidence",
]

SYSTEM = row(302, *[403] * 6, 200, 403, 403, county_department=403)
SECURITY = row(302, *[403] * 7, 200, 403, county_department=403)
BOTH = row(302, *[403] * 6, 200, 200, 403, county_department=403)
# Each model in the admin: who opens its list.
ADMIN_MATRIX = {
    "targets.plan": SYSTEM,
    "targets.clause": SYSTEM,
    "targets.goal": SYSTEM,
    "targets.taskarea": SYSTEM,
    "targets.integration": SYSTEM,
    "targets.measure": SYSTEM,
    "targets.bottomline": SYSTEM,
    "targets.indicator": SYSTEM,
    "targets.countytarget": SYSTEM,
    "targets.region": SYSTEM,
    "targets.prefecture": SYSTEM,
    "targets.countytype": SYSTEM,
    "targets.county": SYSTEM,
    "targets.department": BOTH,
    "targets.countydepartment": BOTH,
    "targets.measuredepartment": BOTH,
    "targets.role": SECURITY,
    "auth.user": BOTH,
    "targets.securitysettings": row(302, *[403] * 7, 302, 403, county_department=403),
    "targets.boundarymap": SYSTEM,
    "targets.period": SYSTEM,
    "targets.statusoption": SYSTEM,
    "targets.supervisionrules": row(302, *[403] * 6, 302, 403, 403, county_department=403),
    "targets.periodreopening": SYSTEM,
    "axes.accessattempt": SECURITY,
    "axes.accesslog": SECURITY,
    "axes.accessfailurelog": SECURITY,
    "django_tasks_database.dbtaskresult": SYSTEM,
    "targets.workerheartbeat": SYSTEM,
    "targets.planyear": SYSTEM,
    "targets.generatedfile": SYSTEM,
    "targets.provincenote": SYSTEM,
    "targets.contribution": SYSTEM,
    "targets.measurescope": SYSTEM,
    "targets.scopeoverride": SYSTEM,
}


def pattern_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from pattern_names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern):
            yield pattern.name


# Entries that are a second path of a URL named already (a case of it worth stating).
SECOND_PATHS = {"note_not_assigned", "county_plan_other_year"}


def test_every_url_has_an_entry():
    assert set(pattern_names(get_resolver().url_patterns)) == set(MATRIX) - SECOND_PATHS


def test_every_admin_model_has_an_entry():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ADMIN_MATRIX)


@pytest.fixture
def as_persona(request, client):
    def sign_in(persona):
        client.logout()
        if persona != "anonymous":
            two_factor.sign_in(client, request.getfixturevalue(persona))
        return client

    return sign_in


@pytest.fixture
def evidence(tmp_path, settings, reporter):
    """One evidence file on a note of 锦江区, for the download URL."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from targets.models import Evidence, Measure, Period, ProgressNote, StatusOption

    settings.MEDIA_ROOT = tmp_path
    note = ProgressNote.objects.create(
        county=reporter.roles.get().county,
        measure=Measure.objects.get(code="T1.1"),
        period=Period.objects.get(code="2026Q3"),
        status=StatusOption.objects.first(),
        percent=10,
        narrative="x",
        updated_by=reporter,
    )
    return Evidence.objects.create(
        note=note,
        file=SimpleUploadedFile("e.pdf", b"%PDF-1.4 x"),
        name="e.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=reporter,
    )


@pytest.fixture
def curated_case(reporter, provincial_reviewer):
    """A case of good practice from 锦江区's approved note on T1.1 in 2026Q2; and an approved
    note on T1.2 in 2026Q3, not curated, to mark."""
    from targets.models import Measure, Practice, State
    from tests.notes import saved_note

    county = reporter.roles.get().county
    saved_note(county, "T1.2", State.APPROVED, author=reporter)
    note = saved_note(county, "T1.1", State.APPROVED, author=reporter, period="2026Q2")
    measure = Measure.objects.get(code="T1.1")
    return Practice.objects.create(
        title="案例",
        summary="做法",
        county=county,
        measure=measure,
        period=note.period,
        note=note,
        task_area=measure.task_area,
        curated_by=provincial_reviewer,
        updated_by=provincial_reviewer,
    )


@pytest.fixture
def order_evidence(tmp_path, settings, prefecture_reviewer, reporter):
    """A supervision order of 成都市 (市级) to 锦江区, answered with one evidence file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from targets.models import OrderEvidence, OrderStep
    from tests.orders.helpers import answered, issued, signed

    settings.MEDIA_ROOT = tmp_path
    order = answered(signed(issued(prefecture_reviewer), reporter), reporter)
    return OrderEvidence.objects.create(
        step=OrderStep.objects.get(order=order, kind="answer"),
        file=SimpleUploadedFile("e.pdf", b"%PDF-1.4 x"),
        name="e.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=reporter,
    )


@pytest.fixture
def department_evidence(tmp_path, settings, department_user):
    """One file of the lead department's province-level note on T1.1, for the download URL."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from targets.models import (
        DepartmentEvidence,
        Measure,
        Period,
        ProvinceNote,
        StatusOption,
    )

    settings.MEDIA_ROOT = tmp_path
    note = ProvinceNote.objects.create(
        measure=Measure.objects.get(code="T1.1"),
        period=Period.objects.get(code="2026Q3"),
        department=department_user.roles.get().department,
        status=StatusOption.objects.first(),
        narrative="x",
        updated_by=department_user,
    )
    return DepartmentEvidence.objects.create(
        note=note,
        file=SimpleUploadedFile("e.pdf", b"%PDF-1.4 x"),
        name="e.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=department_user,
    )


@pytest.fixture
def problem_evidence(tmp_path, settings, reporter, prefecture_reviewer):
    """A problem of 锦江区 on T1.1 with one rectification file, for its page and the download."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from targets.models import Measure, Problem, ProblemEvidence

    settings.MEDIA_ROOT = tmp_path
    problem = Problem.objects.create(
        county=reporter.roles.get().county,
        measure=Measure.objects.get(code="T1.1"),
        source=Problem.Source.REVIEW,
        description="问题",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        raised_by=prefecture_reviewer,
        updated_by=prefecture_reviewer,
    )
    return ProblemEvidence.objects.create(
        problem=problem,
        file=SimpleUploadedFile("e.pdf", b"%PDF-1.4 x"),
        name="e.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=reporter,
    )


@pytest.fixture
def cut_department(db):
    """A department of the cut by department that none of the personas belongs to: 省财政厅,
    cooperating on T2.1."""
    from targets.models import Department, Measure, MeasureDepartment

    department, _new = Department.objects.get_or_create(
        code="finance", defaults={"name": "省财政厅"}
    )
    MeasureDepartment.objects.get_or_create(
        measure=Measure.objects.get(code="T2.1"),
        department=department,
        defaults={"responsibility": "cooperating"},
    )
    return department


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_get(
    as_persona,
    persona,
    name,
    demo,
    evidence,
    department_evidence,
    cut_department,
    curated_case,
    problem_evidence,
    order_evidence,
):
    path, expected = MATRIX[name]
    path = path.format(
        evidence=evidence.pk,
        department_evidence=department_evidence.pk,
        case=curated_case.pk,
        problem=problem_evidence.problem_id,
        problem_evidence=problem_evidence.pk,
        order=order_evidence.step.order_id,
        order_evidence=order_evidence.pk,
    )
    response = as_persona(persona).get(path)
    response.close()
    assert response.status_code == expected[persona]
    if (
        response.status_code == 302
        and persona == "anonymous"
        and name not in {"home", "set_language"}
    ):
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("label", sorted(ADMIN_MATRIX))
def test_admin_lists(as_persona, persona, label):
    path = "/admin/{}/{}/".format(*label.split("."))
    assert as_persona(persona).get(path).status_code == ADMIN_MATRIX[label][persona]


@pytest.mark.parametrize("name", GET_ONLY)
def test_wrong_method(as_persona, name):
    client = as_persona("provincial_reviewer")
    path = MATRIX[name][0].format(
        evidence=0,
        department_evidence=0,
        case=0,
        problem=0,
        problem_evidence=0,
        order=0,
        order_evidence=0,
    )
    assert client.post(path).status_code == 405
    assert client.delete(path).status_code == 405
