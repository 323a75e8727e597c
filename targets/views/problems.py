"""The problem list (问题清单) and rectification (整改): the list of the user's scope, raising a
problem (a county from its note's 存在问题, a reviewer from scratch), a problem's page with its
history, editing it, the county's rectification with evidence, and the reviewer's verification
(整改销号, or sent back)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from targets.accounts.access import (
    access_for,
    county_for_drafting,
    county_for_user,
    drafting_department_for_user,
    may_edit_problem,
    may_rectify_problem,
    may_verify_problem,
    problem_evidence_for_user,
    problem_for_user,
    require_problem_reviewer,
    require_problem_view,
    visible_problems,
)
from targets.audit import trail
from targets.forms.problems import (
    NewProblemForm,
    ProblemFilterForm,
    ProblemForm,
    RectifyForm,
    VerifyForm,
)
from targets.models import Measure, Problem, ProblemState, ProgressNote
from targets.plan.outline import current_plan
from targets.problems import listing
from targets.problems.rectification import (
    ProblemError,
    StaleProblem,
    edit,
    raise_by_review,
    raise_from_note,
    report,
    verify,
)
from targets.spreadsheets import export_tables, exports
from targets.supervision import periods

PAGE_SIZE = 50


@require_GET
@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    """The problems the user may see, filtered, the nearest deadline first, a page at a time
    (or, with ``?export=``, all of them as a spreadsheet)."""
    access = require_problem_view(request)
    form = ProblemFilterForm(request.GET or None, access=access)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    found = listing.filtered(visible_problems(access), filters, today)
    fmt = exports.requested(request)
    if fmt:
        record = trail.Export("export.problems", request, filters)
        rows = listing.with_lights(found.iterator(chunk_size=1000), today)
        return exports.response(export_tables.problems(rows), fmt, record)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": list(listing.with_lights(page.object_list, today)),
        "query": query.urlencode(),
        "overdue": visible_problems(access).overdue(today).count(),
    }
    return render(request, "problems/list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def problem_new(request: HttpRequest, code: str) -> HttpResponse:
    """A problem a reviewer of the county raises on one of its measures."""
    county = county_for_user(request, code)
    require_problem_reviewer(request, county)
    form = NewProblemForm(
        request.POST or None, county=county, initial={"measure": request.GET.get("measure")}
    )
    error: ProblemError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            problem = raise_by_review(
                user=request.user,
                county=county,
                measure=form.cleaned_data["measure"],
                period=periods.reviewed_round(timezone.localdate()),
                data=form.problem_input(),
                request=request,
            )
        except ProblemError as problem_error:
            error = problem_error
        else:
            return redirect("problem", pk=problem.pk)
    status = 200 if request.method == "GET" else 400
    context = {"county": county, "form": form, "error": error}
    return render(request, "problems/new.html", context, status=status)


@require_POST
@login_required
def problem_raise(request: HttpRequest, code: str, period: str, measure: str) -> HttpResponse:
    """One line of the note's 存在问题 put on the problem list, by those who write the note."""
    county = county_for_drafting(request, code)
    measure = get_object_or_404(Measure, code=measure, plan=current_plan())
    drafting_department_for_user(request, county, measure)
    note = get_object_or_404(ProgressNote, county=county, period__code=period, measure=measure)
    url = reverse("note", args=[county.code, period, measure.code]) + "#note-problems"
    line = request.POST.get("line", "")
    try:
        problem = raise_from_note(user=request.user, note=note, line=line, request=request)
    except ProblemError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("已列入问题清单,整改时限 %(deadline)s(可在问题页修改)。")
            % {"deadline": problem.deadline.isoformat()},
        )
    return redirect(url)


def _page(request: HttpRequest, problem: Problem, status: int = 200, **forms) -> HttpResponse:
    """The problem's page: what it is, its light, its history and files, and the forms of the
    steps the user may take now."""
    access = access_for(request)
    problem = Problem.objects.for_pages().select_related("verified_by").get(pk=problem.pk)
    open_ = problem.is_open
    context = {
        "problem": problem,
        "light": listing.light_of(problem, timezone.localdate()),
        "events": problem.events.select_related("by"),
        "evidence": list(problem.evidence.select_related("uploaded_by")),
        "can_edit": may_edit_problem(access, problem) and problem.state != ProblemState.CLOSED,
        "can_rectify": may_rectify_problem(access, problem) and open_,
        "can_verify": may_verify_problem(access, problem)
        and problem.state == ProblemState.REPORTED,
        "edit_form": forms.get("edit_form") or _edit_form(problem),
        "rectify_form": forms.get("rectify_form")
        or RectifyForm(initial={"version": problem.version}),
        "verify_form": forms.get("verify_form") or VerifyForm(initial={"version": problem.version}),
        "error": forms.get("error"),
    }
    return render(request, "problems/problem.html", context, status=status)


def _edit_form(problem: Problem) -> ProblemForm:
    initial = {
        "description": problem.description,
        "owner": problem.owner_id,
        "deadline": problem.deadline,
        "version": problem.version,
    }
    return ProblemForm(initial=initial, county=problem.county)


def _kept(request: HttpRequest, form, error: ProblemError) -> None:
    """What the user typed stays; after a stale save the form starts from the version saved
    meanwhile, so that saving again, after comparing, is deliberate."""
    if isinstance(error, StaleProblem):
        data = request.POST.copy()
        data["version"] = str(error.current.version)
        form.data = data


def _failed(error: ProblemError) -> int:
    return 409 if isinstance(error, StaleProblem) else 400


@require_http_methods(["GET", "POST"])
@login_required
def problem(request: HttpRequest, pk: int) -> HttpResponse:
    """A problem's page; a POST edits its description, owner or deadline."""
    if request.method == "GET":
        return _page(request, problem_for_user(request, pk))
    found = problem_for_user(request, pk, may_edit_problem)
    form = ProblemForm(request.POST, county=found.county)
    if not form.is_valid():
        return _page(request, found, 400, edit_form=form)
    try:
        edit(
            user=request.user,
            problem=found,
            data=form.problem_input(),
            started_from=form.cleaned_data["version"] or 0,
            request=request,
        )
    except ProblemError as error:
        _kept(request, form, error)
        return _page(request, found, _failed(error), edit_form=form, error=error)
    messages.success(request, _("问题已修改。"))
    return redirect("problem", pk=found.pk)


@require_POST
@login_required
def problem_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    """The county reports its rectification with evidence, for a reviewer to verify."""
    found = problem_for_user(request, pk, may_rectify_problem)
    form = RectifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, found, 400, rectify_form=form)
    try:
        report(
            user=request.user,
            problem=found,
            text=form.cleaned_data["rectification"],
            started_from=form.cleaned_data["version"] or 0,
            files=form.checked_files,
            uploads=form.cleaned_data["files"],
            request=request,
        )
    except ProblemError as error:
        _kept(request, form, error)
        return _page(request, found, _failed(error), rectify_form=form, error=error)
    messages.success(request, _("整改情况已报送,等待审核人核实。"))
    return redirect("problem", pk=found.pk)


@require_POST
@login_required
def problem_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer closes the problem (整改销号) or sends it back with the reason."""
    found = problem_for_user(request, pk, may_verify_problem)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return _page(request, found, 400, verify_form=form)
    close = request.POST.get("action") == "close"
    try:
        verify(
            user=request.user,
            problem=found,
            close=close,
            comment=form.cleaned_data["comment"],
            started_from=form.cleaned_data["version"] or 0,
            request=request,
        )
    except ProblemError as error:
        _kept(request, form, error)
        return _page(request, found, _failed(error), verify_form=form, error=error)
    messages.success(request, _("已销号。") if close else _("已退回重新整改。"))
    return redirect("problem", pk=found.pk)


@require_GET
@login_required
def problem_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """A rectification file, as a download, to those who may see its problem; recorded once the
    file is open."""
    evidence = problem_evidence_for_user(request, pk)
    opened = evidence.file.open("rb")
    try:
        record = trail.Export("download.problem_evidence", request, obj=evidence)
        record.record(fmt=evidence.content_type, size=evidence.size)
    except BaseException:
        opened.close()
        raise
    response = FileResponse(
        opened, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
