"""Who may see and change what. Every view reaches its objects through one helper per object type:
404 for what the user may not see, 403 for what they may see but not change."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from targets.models import (
    EXPORT_KINDS,
    County,
    CountyDepartment,
    CountyMeasureDepartment,
    Department,
    DepartmentEvidence,
    Evidence,
    Exemption,
    GeneratedFile,
    Measure,
    MeasureDepartment,
    Period,
    Practice,
    Prefecture,
    Problem,
    ProblemEvidence,
    Region,
    Responsibility,
    Role,
    SupervisionOrder,
)
from targets.models.countyplans import FIRST_YEAR as PLAN_FIRST_YEAR
from targets.models.countyplans import LAST_YEAR as PLAN_LAST_YEAR
from targets.models.localized import in_language
from targets.models.orders import OrderQuerySet
from targets.models.practice import PracticeQuerySet
from targets.models.problems import ProblemQuerySet

Kind = Role.Kind
PROVINCE_WIDE = {Kind.PROVINCIAL_REVIEWER, Kind.DEPARTMENT, Kind.SYSTEM_ADMIN}
REVIEWERS = {Kind.PREFECTURE_REVIEWER, Kind.PROVINCIAL_REVIEWER, Kind.DEPARTMENT}
# Who reads the plan and the pages of the work: everyone but the security and audit admins, whose
# duties are the roles and the trail (三员: least privilege).
PLAN_READERS = {Kind.COUNTY_REPORTER, Kind.COUNTY_DEPARTMENT, *REVIEWERS, Kind.SYSTEM_ADMIN}
_ACCESS = "_access"  # the request's attribute that holds its Access


@dataclass
class Access:
    """The union of one user's roles."""

    kinds: set[str] = field(default_factory=set)
    county_ids: set[int] = field(default_factory=set)
    prefecture_ids: set[int] = field(default_factory=set)
    department_ids: set[int] = field(default_factory=set)
    # A county department's user: the departments, and the counties they belong to (seen, not
    # reported for: a department drafts only the measures its lead office assigns to it).
    county_department_ids: set[int] = field(default_factory=set)
    department_county_ids: set[int] = field(default_factory=set)
    # The measures this user may see: None for all of them; for a user whose only province-wide
    # role is a provincial department's, the measures that department leads or cooperates on.
    measure_ids: set[int] | None = None
    # The measures the user's provincial departments lead (their province-level notes and their
    # opinions on county notes) and cooperate on (their contributions).
    lead_measure_ids: set[int] = field(default_factory=set)
    cooperating_measure_ids: set[int] = field(default_factory=set)
    # The codes of the counties this user reports for, read with the roles (for the navigation).
    reported_county_codes: list[str] = field(default_factory=list)
    # The codes of the counties whose departments this user drafts for (the navigation).
    department_county_codes: list[str] = field(default_factory=list)
    # The (Chinese, English) names of the prefectures and counties of the roles, read with them:
    # the pages' titles and the navigation name the user's scope in words (scope_label).
    scope_names: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, user: User | AnonymousUser) -> "Access":
        access = cls()
        if not user.is_authenticated or not user.is_active:
            return access
        roles = Role.objects.filter(user=user).values_list(
            "kind",
            "county_id",
            "county__code",
            "county__name",
            "county__name_en",
            "prefecture_id",
            "prefecture__code",
            "prefecture__name",
            "prefecture__name_en",
            "department_id",
            "county_department_id",
            "county_department__county_id",
            "county_department__county__code",
            "county_department__county__name",
            "county_department__county__name_en",
        )
        codes: set[str] = set()
        department_codes: set[str] = set()
        names: dict[str, tuple[str, str]] = {}  # by code, so that they read in code order
        for (
            kind,
            county_id,
            county_code,
            county_name,
            county_name_en,
            prefecture_id,
            prefecture_code,
            prefecture_name,
            prefecture_name_en,
            department_id,
            county_department_id,
            county_department_county_id,
            department_county_code,
            department_county_name,
            department_county_name_en,
        ) in roles:
            access.kinds.add(kind)
            if county_id:
                access.county_ids.add(county_id)
                codes.add(county_code)
                names[county_code] = (county_name, county_name_en)
            if prefecture_id:
                access.prefecture_ids.add(prefecture_id)
                names[prefecture_code] = (prefecture_name, prefecture_name_en)
            if department_id:
                access.department_ids.add(department_id)
            if county_department_id:
                access.county_department_ids.add(county_department_id)
                access.department_county_ids.add(county_department_county_id)
                department_codes.add(department_county_code)
                names[department_county_code] = (department_county_name, department_county_name_en)
        access.reported_county_codes = sorted(codes)
        access.department_county_codes = sorted(department_codes - codes)
        access.scope_names = [names[code] for code in sorted(names)]
        if access.department_ids:
            duties = MeasureDepartment.objects.filter(department_id__in=access.department_ids)
            for measure_id, responsibility in duties.values_list("measure_id", "responsibility"):
                if responsibility == Responsibility.LEAD:
                    access.lead_measure_ids.add(measure_id)
                else:
                    access.cooperating_measure_ids.add(measure_id)
        if access.kinds & PROVINCE_WIDE == {Kind.DEPARTMENT}:
            access.measure_ids = access.lead_measure_ids | access.cooperating_measure_ids
        return access

    @property
    def sees_whole_province(self) -> bool:
        return bool(self.kinds & PROVINCE_WIDE)

    @property
    def is_reviewer(self) -> bool:
        return bool(self.kinds & REVIEWERS)

    @property
    def is_system_admin(self) -> bool:
        return Kind.SYSTEM_ADMIN in self.kinds

    @property
    def is_security_admin(self) -> bool:
        return Kind.SECURITY_ADMIN in self.kinds

    @property
    def is_audit_admin(self) -> bool:
        return Kind.AUDIT_ADMIN in self.kinds

    @property
    def reads_plan(self) -> bool:
        return bool(self.kinds & PLAN_READERS)

    @property
    def scope_label(self) -> str:
        """What the user sees, in words of the request's language: 全省 (the province) for a
        province-wide role, else the prefectures and counties of the roles (成都市)."""
        if self.sees_whole_province or not self.scope_names:
            return gettext("全省")
        return gettext("、").join(in_language(zh, en) for zh, en in self.scope_names)

    def visible_prefectures(self) -> QuerySet[Prefecture]:
        """The prefectures with a county the user may see: what the filters offer."""
        if self.sees_whole_province:
            return Prefecture.objects.all()
        return Prefecture.objects.filter(pk__in=self.visible_counties().values("prefecture"))

    def visible_regions(self) -> QuerySet[Region]:
        if self.sees_whole_province:
            return Region.objects.all()
        return Region.objects.filter(pk__in=self.visible_prefectures().values("region"))

    def visible_counties(self) -> QuerySet[County]:
        if self.sees_whole_province:
            return County.objects.all()
        return County.objects.filter(
            pk__in=self.county_ids | self.department_county_ids
        ) | County.objects.filter(prefecture_id__in=self.prefecture_ids)

    def can_see_county(self, county: County) -> bool:
        return (
            self.sees_whole_province
            or county.pk in self.county_ids
            or county.pk in self.department_county_ids
            or county.prefecture_id in self.prefecture_ids
        )

    def can_see_measure(self, measure_id: int) -> bool:
        return self.measure_ids is None or measure_id in self.measure_ids

    @property
    def sees_every_measure(self) -> bool:
        """Not a provincial department's user alone: the county-wide pages (a county's report,
        the overview) show every measure, and such a user sees only its own."""
        return self.measure_ids is None

    def leads(self, measure_id: int) -> bool:
        return measure_id in self.lead_measure_ids

    def cooperates(self, measure_id: int) -> bool:
        return measure_id in self.cooperating_measure_ids

    @property
    def reviews_province_work(self) -> bool:
        """The provincial reviewers review the lead departments' province-level notes."""
        return Kind.PROVINCIAL_REVIEWER in self.kinds

    @property
    def reads_bulk_data(self) -> bool:
        """The rounds' bulk data files: the provincial reviewers and the system admin."""
        return Kind.PROVINCIAL_REVIEWER in self.kinds or self.is_system_admin

    @property
    def is_department(self) -> bool:
        """A provincial department's user (省直部门)."""
        return Kind.DEPARTMENT in self.kinds

    @property
    def is_county_department(self) -> bool:
        return Kind.COUNTY_DEPARTMENT in self.kinds

    def can_report_for(self, county: County) -> bool:
        return county.pk in self.county_ids

    @property
    def reviews(self) -> bool:
        return bool(self.kinds & {Kind.PREFECTURE_REVIEWER, Kind.PROVINCIAL_REVIEWER})

    def can_review(self, county: County) -> bool:
        """Never a county the user reports for (four eyes), whatever other roles they hold."""
        if county.pk in self.county_ids:
            return False
        return Kind.PROVINCIAL_REVIEWER in self.kinds or county.prefecture_id in self.prefecture_ids

    def reviewable_counties(self) -> QuerySet[County]:
        if Kind.PROVINCIAL_REVIEWER in self.kinds:
            counties = County.objects.all()
        else:
            counties = County.objects.filter(prefecture_id__in=self.prefecture_ids)
        return counties.exclude(pk__in=self.county_ids) if self.county_ids else counties


def access_for(request: HttpRequest) -> Access:
    """The user's access, read once per request."""
    access: Access | None = getattr(request, _ACCESS, None)
    if access is None:
        access = Access.of(request.user)
        setattr(request, _ACCESS, access)
    return access


def county_for_user(
    request: HttpRequest,
    code: str,
    *,
    write: bool = False,
    related: Sequence[str] = ("prefecture",),
) -> County:
    """The county of ``code`` with its ``related`` rows, if the user may see it (and report for
    it, with ``write``). Its pages show every measure: a provincial department's user, who sees
    only its own measures, is refused them (it reaches the counties through county_measure_for_user)."""
    county = get_object_or_404(County.objects.select_related(*related), code=code)
    access = access_for(request)
    if not access.can_see_county(county):
        raise Http404
    if not access.sees_every_measure or (write and not access.can_report_for(county)):
        raise PermissionDenied
    return county


def county_measure_for_user(
    request: HttpRequest, code: str, measure: str, queryset: QuerySet[Measure] | None = None
) -> tuple[County, Measure]:
    """A county and one of the plan's measures, for the pages of that measure in that county (its
    timeline): 404 unless the user may see both."""
    county = get_object_or_404(County.objects.select_related("prefecture"), code=code)
    access = access_for(request)
    if not access.can_see_county(county):
        raise Http404
    return county, measure_for_user(request, measure, queryset)


def measure_for_user(
    request: HttpRequest, code: str, queryset: QuerySet[Measure] | None = None
) -> Measure:
    """A measure by ``code``, if the user may see it (a provincial
    department: one it leads or cooperates on); else 404."""
    measure = get_object_or_404(Measure.objects.all() if queryset is None else queryset, code=code)
    if not access_for(request).can_see_measure(measure.pk):
        raise Http404
    return measure


def county_for_drafting(request: HttpRequest, code: str) -> County:
    """The county of ``code``, if the user reports for it (its lead office) or is one of its
    departments: those who write its notes (a department, only the measures given to it:
    ``drafting_department_for_user``)."""
    county = county_for_user(request, code)
    access = access_for(request)
    if not (access.can_report_for(county) or county.pk in access.department_county_ids):
        raise PermissionDenied
    return county


def drafting_department_for_user(
    request: HttpRequest, county: County, measure: Measure
) -> CountyDepartment | None:
    """Whom the user writes the measure's note for: None for the county's lead office (any
    measure); the user's county department where the lead office gave it the measure; else 403
    with the reason."""
    access = access_for(request)
    if access.can_report_for(county):
        return None
    duty = (
        CountyMeasureDepartment.objects.filter(
            county=county,
            measure=measure,
            responsibility=Responsibility.LEAD,
            department__in=access.county_department_ids,
        )
        .select_related("department")
        .first()
    )
    if duty is None:
        raise PermissionDenied(
            gettext("%(measure)s 没有交给您的部门承办,您不能填写。如有疑问,请联系本县牵头办。")
            % {"measure": measure.code}
        )
    return duty.department


def _require(request: HttpRequest, allowed: Callable[[Access], bool]) -> Access:
    """The user's access, if ``allowed``; else 403."""
    access = access_for(request)
    if not allowed(access):
        raise PermissionDenied
    return access


def require_plan_view(request: HttpRequest) -> Access:
    return _require(request, lambda access: access.reads_plan)


def require_province_view(request: HttpRequest) -> Access:
    """For pages of every measure across the province (the overview, the briefing): reviewers
    and the system admin; not a provincial department, which sees its own measures only."""
    return _require(
        request,
        lambda access: (access.is_reviewer or access.is_system_admin) and access.sees_every_measure,
    )


def require_measure_view(request: HttpRequest) -> Access:
    """For pages of measures across the counties (a measure's grid, the notes behind a figure):
    reviewers, the system admin and the provincial departments (their measures, measure_for_user)."""
    return _require(request, lambda access: access.is_reviewer or access.is_system_admin)


def require_reviewer(request: HttpRequest) -> Access:
    return _require(request, lambda access: access.reviews)


def evidence_for_user(request: HttpRequest, pk: int) -> Evidence:
    """An evidence file, for whoever may see its note's county."""
    evidence = get_object_or_404(Evidence.objects.select_related("note__county"), pk=pk)
    access = access_for(request)
    if not access.can_see_county(evidence.note.county) or not access.can_see_measure(
        evidence.note.measure_id
    ):
        raise Http404
    return evidence


def generated_file_for_user(request: HttpRequest, pk: int) -> GeneratedFile:
    """An export the worker made: its asker's alone (anyone else's is not found)."""
    return get_object_or_404(
        GeneratedFile, pk=pk, kind__in=EXPORT_KINDS, requested_by_id=request.user.pk
    )


def require_bulk_data(request: HttpRequest) -> Access:
    return _require(request, lambda access: access.reads_bulk_data)


def bulk_file_for_user(request: HttpRequest, pk: int) -> GeneratedFile:
    """A round's bulk data file, made, for those who read them."""
    require_bulk_data(request)
    return get_object_or_404(
        GeneratedFile.objects.select_related("period"),
        pk=pk,
        kind=GeneratedFile.Kind.BULK_DATA,
        state=GeneratedFile.State.READY,
    )


def require_audit_view(request: HttpRequest) -> Access:
    return _require(request, lambda access: access.is_audit_admin)


def require_system_admin(request: HttpRequest) -> Access:
    """For editing the plan outside the admin (its workbook): the system admin."""
    return _require(request, lambda access: access.is_system_admin)


def sees_every_department(access: Access) -> bool:
    """Reviewers and the system admin see the cut by department whole; a provincial department's
    user sees its own department(s) there, and no other."""
    return access.reviews or access.is_system_admin


def require_department_cut(request: HttpRequest) -> Access:
    """For the overview's cut by department: reviewers, the system admin and the provincial
    departments (their own rows)."""
    return _require(
        request,
        lambda access: sees_every_department(access) or bool(access.department_ids),
    )


def department_for_user(request: HttpRequest, code: str) -> Department:
    """A provincial department of the cut by ``code``: 404 for one the user may not see."""
    access = require_department_cut(request)
    department = get_object_or_404(Department, code=code)
    if not sees_every_department(access) and department.pk not in access.department_ids:
        raise Http404
    return department


def visible_practice(access: Access) -> PracticeQuerySet:
    """The cases of good practice the user may see: those of the counties they see, and for a
    provincial department's user those on the measures it leads or cooperates on."""
    cases = Practice.objects.filter(county__in=access.visible_counties())
    if access.measure_ids is not None:
        cases = cases.filter(measure_id__in=access.measure_ids)
    return cases


def require_practice_view(request: HttpRequest) -> Access:
    """For the curated cases (典型经验): whoever reads the plan, each their own scope's."""
    return require_plan_view(request)


def practice_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Practice:
    """A case of good practice, if the user may see it (and curate its county's, with ``write``:
    the reviewers of its prefecture and of the province)."""
    access = require_practice_view(request)
    case = get_object_or_404(visible_practice(access).select_related("county"), pk=pk)
    if write and not (access.reviews and access.can_review(case.county)):
        raise PermissionDenied
    return case


def require_curator(request: HttpRequest, county: County) -> Access:
    """Who may curate a case of ``county``: its prefecture's reviewer or a provincial one."""
    return _require(request, lambda access: access.reviews and access.can_review(county))


def require_province_work(request: HttpRequest) -> Access:
    """For the province-level notes (省级层面推进情况): the provincial departments (those of
    their measures), the provincial reviewers, who review them, and the system admin."""
    return _require(
        request,
        lambda access: (
            bool(access.department_ids) or access.reviews_province_work or access.is_system_admin
        ),
    )


def province_work_for_user(
    request: HttpRequest, period: str, measure: str
) -> tuple[Access, Period, Measure]:
    """The round and measure of a province-level note: 404 for a measure none of the user's
    departments leads or cooperates on (unless the user reviews them or is the system admin)."""
    access = require_province_work(request)
    round_ = get_object_or_404(Period, code=period)
    found = get_object_or_404(Measure.objects.select_related("task_area"), code=measure)
    if not (access.reviews_province_work or access.is_system_admin) and not (
        access.leads(found.pk) or access.cooperates(found.pk)
    ):
        raise Http404
    return access, round_, found


def department_evidence_for_user(request: HttpRequest, pk: int) -> DepartmentEvidence:
    """A file of a province-level note or contribution, for whoever may see that note."""
    access = require_province_work(request)
    evidence = get_object_or_404(
        DepartmentEvidence.objects.select_related("note", "contribution"), pk=pk
    )
    # The table's constraint: one of the two.
    owner = evidence.note or evidence.contribution
    if owner is None:
        raise Http404
    if not (access.reviews_province_work or access.is_system_admin) and not (
        access.leads(owner.measure_id) or access.cooperates(owner.measure_id)
    ):
        raise Http404
    return evidence


def county_plan_for_user(
    request: HttpRequest, code: str, year: int, *, write: bool = False
) -> County:
    """The county of a task list (年度任务清单) of ``year``, if the user may see the county (and
    edit its list, with ``write``: its lead office); 404 for a year outside the plan's span."""
    if not PLAN_FIRST_YEAR <= year <= PLAN_LAST_YEAR:
        raise Http404
    return county_for_user(request, code, write=write)


def require_plan_review(request: HttpRequest, county: County) -> Access:
    """Who returns or approves a county's task list: its prefecture's reviewer or a provincial
    one, never for a county they report for."""
    return _require(request, lambda access: access.reviews and access.can_review(county))


def exemption_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Exemption:
    """A county's request to declare a measure 不适用, for the reviewers who see its county (and
    decide it, with ``write``: its prefecture's reviewers and the provincial ones)."""
    access = require_reviewer(request)
    exemption = get_object_or_404(
        Exemption.objects.select_related("county__prefecture", "measure"), pk=pk
    )
    if not access.can_see_county(exemption.county):
        raise Http404
    if write and not access.can_review(exemption.county):
        raise PermissionDenied
    return exemption


def visible_problems(access: Access) -> ProblemQuerySet:
    """The problems the user may see: those of the counties they see, and for a provincial
    department's user those on the measures it leads or cooperates on."""
    problems = Problem.objects.filter(county__in=access.visible_counties())
    if access.measure_ids is not None:
        problems = problems.filter(measure_id__in=access.measure_ids)
    return problems


def require_problem_view(request: HttpRequest) -> Access:
    """For the problem list (问题清单): whoever reads the plan, each their own scope's."""
    return require_plan_view(request)


def may_edit_problem(access: Access, problem: Problem) -> bool:
    """The county's lead office, and the reviewers of its prefecture and of the province."""
    return access.can_report_for(problem.county) or may_verify_problem(access, problem)


def may_rectify_problem(access: Access, problem: Problem) -> bool:
    """The county's lead office, and the users of the county department that owns it."""
    return access.can_report_for(problem.county) or (
        problem.owner_id is not None and problem.owner_id in access.county_department_ids
    )


def may_verify_problem(access: Access, problem: Problem) -> bool:
    """A reviewer of the county's prefecture or of the province (never the county's own)."""
    return access.reviews and access.can_review(problem.county)


def require_problem_reviewer(request: HttpRequest, county: County) -> Access:
    """Who raises a problem in ``county`` on review: its prefecture's reviewer or a provincial
    one."""
    return _require(request, lambda access: access.reviews and access.can_review(county))


def problem_for_user(
    request: HttpRequest, pk: int, allowed: Callable[[Access, Problem], bool] | None = None
) -> Problem:
    """A problem, if the user may see it (404), and take the step ``allowed`` says (403)."""
    access = require_problem_view(request)
    problem = get_object_or_404(
        visible_problems(access).select_related("county__prefecture", "measure", "owner"), pk=pk
    )
    if allowed is not None and not allowed(access, problem):
        raise PermissionDenied
    return problem


def problem_evidence_for_user(request: HttpRequest, pk: int) -> ProblemEvidence:
    """A rectification file, for whoever may see its problem."""
    access = require_problem_view(request)
    evidence = get_object_or_404(ProblemEvidence.objects.select_related("problem"), pk=pk)
    if not visible_problems(access).filter(pk=evidence.problem_id).exists():
        raise Http404
    return evidence


def visible_orders(access: Access) -> OrderQuerySet:
    """The supervision orders the user may see: the provincial reviewers and the system admin all
    of them; a prefecture's reviewer those to its counties and those it issued; a county (its
    lead office and its departments) those to it; a provincial department those to it."""
    orders = SupervisionOrder.objects.all()
    if Kind.PROVINCIAL_REVIEWER in access.kinds or access.is_system_admin:
        return orders
    return orders.filter(
        Q(county_id__in=access.county_ids | access.department_county_ids)
        | Q(county__prefecture_id__in=access.prefecture_ids)
        | Q(issuing_prefecture_id__in=access.prefecture_ids)
        | Q(department_id__in=access.department_ids)
    )


def require_order_view(request: HttpRequest) -> Access:
    """For the supervision orders (督办单): whoever reads the plan, each their own scope's."""
    return require_plan_view(request)


def require_order_issuer(request: HttpRequest) -> Access:
    """Who issues orders: the prefecture reviewers (市级) and the provincial reviewers (省级)."""
    return _require(request, lambda access: access.reviews)


def order_for_user(request: HttpRequest, pk: int) -> SupervisionOrder:
    """A supervision order, if the user may see it; else 404. What they may do with it is the
    order's rules' to say (targets.orders.duties), 403 with the reason."""
    access = require_order_view(request)
    return get_object_or_404(visible_orders(access).for_pages(), pk=pk)
