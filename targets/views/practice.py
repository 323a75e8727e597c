"""Good practice (典型经验): the curated cases of the user's scope, marking an approved note as a
case, writing one up, editing and withdrawing it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from targets.accounts.access import (
    county_for_user,
    practice_for_user,
    require_curator,
    require_practice_view,
    visible_practice,
)
from targets.audit import trail
from targets.forms.practice import NewPracticeForm, PracticeFilterForm, PracticeForm
from targets.models import Practice, ProgressNote
from targets.plan.outline import current_plan
from targets.practice import cases
from targets.practice.curation import (
    PracticeError,
    StalePractice,
    check_markable,
    edit,
    mark_note,
    prefill,
    withdraw,
    write_up,
)
from targets.spreadsheets import export_tables, exports

PAGE_SIZE = 20
EDITED = ["title", "summary", "task_area", "county_type", "publishable"]


@require_GET
@login_required
def practice_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see, filtered, a page at a time, or as a spreadsheet."""
    access = require_practice_view(request)
    form = PracticeFilterForm(request.GET or None, counties=access.visible_counties())
    filters = form.cleaned_data if form.is_valid() else {}
    found = cases.filtered(visible_practice(access), filters)
    fmt = exports.requested(request)
    if fmt:
        record = trail.Export("export.practice", request, filters)
        return exports.response(export_tables.practice(found), fmt, record)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_write_up": access.reviews,
    }
    return render(request, "practice/list.html", context)


def _stale(request: HttpRequest, form: PracticeForm, error: PracticeError) -> None:
    """What the user typed stays; the form now starts from the version saved meanwhile, so that
    saving again, after comparing, is deliberate."""
    if isinstance(error, StalePractice):
        data = request.POST.copy()
        data["version"] = str(error.current.version)
        form.data = data


@require_http_methods(["GET", "POST"])
@login_required
def practice_mark(request: HttpRequest, code: str, period: str, measure: str) -> HttpResponse:
    """Mark the county's approved note on the measure in the round as a case, from a form
    prefilled from the note."""
    county = county_for_user(request, code, related=("prefecture", "county_type"))
    require_curator(request, county)
    note = get_object_or_404(
        ProgressNote.objects.select_related("county", "measure", "period"),
        county=county,
        period__code=period,
        measure__code=measure,
        measure__plan=current_plan(),
    )
    existing = Practice.objects.filter(note=note).first()
    if existing is not None:
        return redirect("practice_edit", pk=existing.pk)
    error: PracticeError | None = None
    try:
        check_markable(note)
    except PracticeError as problem:
        error = problem
    if request.method == "GET":
        form = PracticeForm(initial=prefill(note))
    else:
        form = PracticeForm(request.POST)
        if error is None and form.is_valid():
            try:
                mark_note(user=request.user, note=note, data=form.practice_input(), request=request)
            except PracticeError as problem:
                error = problem
            else:
                return redirect("timeline", code=county.code, measure=note.measure.code)
    status = 200 if request.method == "GET" and error is None else 400
    return _page(request, form, note=note, error=error, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def practice_new(request: HttpRequest) -> HttpResponse:
    """A case written up from scratch, about a county of the reviewer's scope."""
    access = require_practice_view(request)
    if not access.reviews:
        raise PermissionDenied
    counties = access.reviewable_counties()
    if request.method == "GET":
        form = NewPracticeForm(counties=counties)
        return _page(request, form)
    form = NewPracticeForm(request.POST, counties=counties)
    error: PracticeError | None = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            write_up(
                user=request.user,
                county=data["county"],
                measure=data["measure"],
                period=data["period"],
                data=form.practice_input(),
                request=request,
            )
        except PracticeError as problem:
            error = problem
        else:
            return redirect("practice")
    return _page(request, form, error=error, status=400)


def _page(
    request: HttpRequest,
    form: PracticeForm,
    *,
    case: Practice | None = None,
    note: ProgressNote | None = None,
    error: PracticeError | None = None,
    status: int = 200,
) -> HttpResponse:
    """The case's form: marking ``note``, editing ``case``, or (neither) writing one up."""
    source = case.note if case is not None else note
    context = {"form": form, "case": case, "note": note, "source": source, "error": error}
    return render(request, "practice/form.html", context, status=status)


def _form_of(case: Practice) -> PracticeForm:
    initial = model_to_dict(case, fields=[*EDITED, "version"])
    initial["integrations"] = [i.pk for i in case.integrations.all()]
    return PracticeForm(initial=initial)


@require_http_methods(["GET", "POST"])
@login_required
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a case's text, tags or mark; whoever saved in between is not overwritten."""
    case = practice_for_user(request, pk, write=True)
    case = Practice.objects.for_pages().get(pk=case.pk)
    error: PracticeError | None = None
    if request.method == "GET":
        form = _form_of(case)
        return _page(request, form, case=case)
    form = PracticeForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            edit(
                user=request.user,
                case=case,
                data=form.practice_input(),
                started_from=form.cleaned_data["version"] or 0,
                request=request,
            )
        except PracticeError as problem:
            error, status = problem, 409 if isinstance(problem, StalePractice) else 400
            _stale(request, form, problem)
        else:
            return redirect("practice")
    if isinstance(error, StalePractice):
        case = Practice.objects.for_pages().get(pk=case.pk)
    return _page(request, form, case=case, error=error, status=status)


@require_POST
@login_required
def practice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw (remove) a case, unless it changed since the reviewer opened it."""
    case = practice_for_user(request, pk, write=True)
    try:
        started_from = int(request.POST.get("version", ""))
    except ValueError:
        started_from = 0
    try:
        withdraw(user=request.user, case=case, started_from=started_from, request=request)
    except PracticeError as problem:
        case = get_object_or_404(Practice.objects.for_pages(), pk=case.pk)
        return _page(request, _form_of(case), case=case, error=problem, status=409)
    return redirect("practice")
