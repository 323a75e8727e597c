"""The provincial departments at work: the province-level note of a measure in a round (the lead
department writes it, the cooperating departments contribute, a provincial reviewer approves or
returns it), the list of these notes, their files, and the lead department's opinion on a county
note."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from targets.accounts.access import (
    Access,
    access_for,
    county_measure_for_user,
    department_evidence_for_user,
    province_work_for_user,
    require_province_work,
)
from targets.audit import trail
from targets.departments import contributions, opinions, province_notes, work_list
from targets.forms.departments import (
    ContributionForm,
    OpinionForm,
    ProvinceNoteForm,
    ProvinceReviewForm,
)
from targets.models import (
    Contribution,
    Department,
    Measure,
    Period,
    ProgressNote,
    ProvinceNote,
    Responsibility,
    State,
    units_prefetch,
)
from targets.reporting import report_page
from targets.reporting.workflow import StaleVersion, WorkflowError
from targets.supervision import periods


def _own(access: Access, measure: Measure, lead: bool) -> Department | None:
    """The user's department that leads (or cooperates on) the measure, if any."""
    wanted = access.lead_measure_ids if lead else access.cooperating_measure_ids
    if measure.pk not in wanted:
        return None
    return (
        Department.objects.filter(
            pk__in=access.department_ids,
            measure_duties__measure=measure,
            measure_duties__responsibility=(
                Responsibility.LEAD if lead else Responsibility.COOPERATING
            ),
        )
        .order_by("code")
        .first()
    )


def _note_of(measure: Measure, period: Period) -> ProvinceNote | None:
    return (
        ProvinceNote.objects.filter(measure=measure, period=period)
        .select_related("department", "status", "updated_by", "reviewed_by")
        .prefetch_related("evidence", "versions__status", "versions__by")
        .first()
    )


def _page(
    request: HttpRequest,
    access: Access,
    period: Period,
    measure: Measure,
    *,
    note_form: ProvinceNoteForm | None = None,
    contribution_form: ContributionForm | None = None,
    review_form: ProvinceReviewForm | None = None,
    error: WorkflowError | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page of the note, with whichever forms the user may use on it."""
    note = _note_of(measure, period)
    found = province_notes.contributions_of(measure, period)
    lead = _own(access, measure, lead=True)
    cooperating = _own(access, measure, lead=False)
    editable = note is None or note.editable
    evidence = list(note.evidence.all()) if note else []
    if lead and editable and note_form is None:
        initial = model_to_dict(note, fields=["status", "narrative", "version"]) if note else {}
        note_form = ProvinceNoteForm(initial=initial, evidence=evidence)
    own = next((c for c in found if cooperating and c.department_id == cooperating.pk), None)
    if cooperating and contribution_form is None:
        initial = {"text": own.text, "version": own.version} if own else {}
        contribution_form = ContributionForm(
            initial=initial, evidence=own.evidence.all() if own else ()
        )
    reviews = access.reviews_province_work and note is not None and note.state == State.SUBMITTED
    if reviews and review_form is None:
        review_form = ProvinceReviewForm()
    context = {
        "period": period,
        "measure": measure,
        "note": note,
        "evidence": evidence,
        "versions": sorted(note.versions.all(), key=lambda v: -v.number) if note else [],
        "contributions": found,
        "lead": lead,
        "cooperating": cooperating,
        "own_contribution": own,
        "note_form": note_form if lead and editable else None,
        "contribution_form": contribution_form if cooperating else None,
        "contribution_open": editable,
        "review_form": review_form if reviews else None,
        "error": error,
    }
    return render(request, "departments/province_note.html", context, status=status)


def _measure_with_units(measure: Measure) -> Measure:
    return (
        Measure.objects.select_related("task_area")
        .prefetch_related(units_prefetch())
        .get(pk=measure.pk)
    )


@require_http_methods(["GET", "POST"])
@login_required
def province_note(request: HttpRequest, period: str, measure: str) -> HttpResponse:
    """The province-level note of a measure in a round: the lead department writes it (a draft
    as often as needed, then submitted) beside the cooperating departments' contributions."""
    access, period, measure = province_work_for_user(request, period, measure)
    measure = _measure_with_units(measure)
    if request.method == "GET":
        return _page(request, access, period, measure)
    lead = _own(access, measure, lead=True)
    if lead is None:
        raise PermissionDenied
    current = _note_of(measure, period)
    form = ProvinceNoteForm(
        request.POST, request.FILES, evidence=list(current.evidence.all()) if current else []
    )
    if not form.is_valid():
        return _page(request, access, period, measure, note_form=form, status=400)
    data = form.cleaned_data
    try:
        saved = province_notes.save(
            user=request.user,
            department=lead,
            measure=measure,
            period=period,
            data=province_notes.ProvinceNoteInput(data["status"], data["narrative"]),
            started_from=data["version"],
            submit=request.POST.get("action") == "submit",
            files=form.checked_files,
            uploads=data["files"],
            supersede=data["supersede"],
            request=request,
        )
    except StaleVersion as stale:
        return _page(request, access, period, measure, note_form=form, error=stale, status=409)
    except WorkflowError as problem:
        return _page(request, access, period, measure, note_form=form, error=problem, status=400)
    if saved.state == State.SUBMITTED:
        messages.success(request, _("已提交审核:省级层面推进情况。"))
    else:
        messages.success(request, _("已保存草稿:省级层面推进情况。"))
    return redirect("province_note", period=period.code, measure=measure.code)


@require_POST
@login_required
def contribution(request: HttpRequest, period: str, measure: str) -> HttpResponse:
    """A cooperating department's contribution to the lead's note."""
    access, period, measure = province_work_for_user(request, period, measure)
    measure = _measure_with_units(measure)
    department = _own(access, measure, lead=False)
    if department is None:
        raise PermissionDenied
    own = Contribution.objects.filter(measure=measure, period=period, department=department).first()
    form = ContributionForm(
        request.POST, request.FILES, evidence=list(own.evidence.all()) if own else []
    )
    if not form.is_valid():
        return _page(request, access, period, measure, contribution_form=form, status=400)
    data = form.cleaned_data
    try:
        contributions.save(
            user=request.user,
            department=department,
            measure=measure,
            period=period,
            text=data["text"],
            started_from=data["version"],
            files=form.checked_files,
            uploads=data["files"],
            supersede=data["supersede"],
            request=request,
        )
    except StaleVersion as stale:
        return _page(
            request, access, period, measure, contribution_form=form, error=stale, status=409
        )
    except WorkflowError as problem:
        return _page(
            request, access, period, measure, contribution_form=form, error=problem, status=400
        )
    messages.success(request, _("已保存本部门的报送,牵头部门汇总时可以看到。"))
    return redirect("province_note", period=period.code, measure=measure.code)


@require_POST
@login_required
def province_note_review(request: HttpRequest, period: str, measure: str) -> HttpResponse:
    """A provincial reviewer approves or returns the submitted province-level note."""
    access, period, measure = province_work_for_user(request, period, measure)
    if not access.reviews_province_work:
        raise PermissionDenied
    measure = _measure_with_units(measure)
    note = get_object_or_404(ProvinceNote, measure=measure, period=period)
    form = ProvinceReviewForm(request.POST)
    if not form.is_valid():
        return _page(request, access, period, measure, review_form=form, status=400)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        province_notes.review(
            user=request.user,
            note=note,
            approve=approve,
            comment=form.cleaned_data["comment"],
            request=request,
        )
    except WorkflowError as problem:
        return _page(request, access, period, measure, review_form=form, error=problem, status=400)
    messages.success(request, _("已审核通过。") if approve else _("已退回。"))
    return redirect("province_note", period=period.code, measure=measure.code)


@require_GET
@login_required
def province_work(request: HttpRequest) -> HttpResponse:
    """The province-level notes of a round, in the plan's order: for a provincial reviewer, every
    measure's; for a department, its own measures'."""
    access = require_province_work(request)
    today = timezone.localdate()
    chosen = Period.objects.filter(code=request.GET.get("period", "")).first()
    rounds = periods.for_review(today, chosen)
    if rounds is None:
        raise Http404
    every = access.reviews_province_work or access.is_system_admin
    own = access.lead_measure_ids | access.cooperating_measure_ids
    rows = work_list.rows(rounds.shown, None if every else own)
    context = {"period": rounds.shown, "rounds": rounds, "rows": rows}
    return render(request, "departments/province_work.html", context)


@require_GET
@login_required
def department_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """A file of a province-level note or a contribution, as a download; recorded."""
    evidence = department_evidence_for_user(request, pk)
    opened = evidence.file.open("rb")
    try:
        record = trail.Export("download.department_evidence", request, obj=evidence)
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


@require_POST
@login_required
def opinion(request: HttpRequest, code: str, period: str, measure: str) -> HttpResponse:
    """The lead department's opinion on a county's submitted note, given on the timeline."""
    county, measure = county_measure_for_user(
        request,
        code,
        measure,
        Measure.objects.select_related("task_area").prefetch_related(units_prefetch()),
    )
    period = get_object_or_404(Period, code=period)
    note = get_object_or_404(ProgressNote, county=county, measure=measure, period=period)
    access = access_for(request)
    department = _own(access, measure, lead=True)
    form = OpinionForm(request.POST)
    error: WorkflowError | None = None
    status = 400
    if department is None:
        error = opinions.NotTheLead(_("只有这项举措的牵头部门可以提出部门意见。"))
        status = 403
    elif form.is_valid():
        try:
            opinions.give(
                user=request.user,
                department=department,
                note=note,
                text=form.cleaned_data["text"],
                request=request,
            )
        except opinions.NotTheLead as refused:
            error, status = refused, 403
        except WorkflowError as problem:
            error = problem
        else:
            messages.success(request, _("已保存部门意见。"))
            url = reverse("timeline", args=[county.code, measure.code])
            return redirect(f"{url}#period-{period.code}")
    context = {
        "county": county,
        "measure": measure,
        "notes": report_page.timeline(county, measure),
        "opinion_form": form,
        "opinion_period": period.code,
        "opinion_error": error,
        "leads": department is not None,
    }
    return render(request, "reporting/timeline.html", context, status=status)
