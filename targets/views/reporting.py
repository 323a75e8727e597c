"""A county's reporting: the period's page, the note and value forms, the timeline, evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget, trigger_client_event

from targets.accounts.access import (
    access_for,
    county_for_drafting,
    county_for_user,
    county_measure_for_user,
    drafting_department_for_user,
    evidence_for_user,
)
from targets.audit import trail
from targets.forms.departments import OpinionForm
from targets.forms.reporting import CheckReturnForm, NoteForm, ReplyForm, ValueForm
from targets.http import HtmxHttpRequest
from targets.models import (
    Indicator,
    IndicatorValue,
    Measure,
    NoteVersion,
    Period,
    Practice,
    ProgressNote,
    State,
    StatusOption,
    units_prefetch,
)
from targets.plan.outline import current_plan
from targets.problems import note_problems
from targets.reporting import county_check, report_page, todo
from targets.reporting.workflow import (
    NOTE_FIELDS,
    VALUE_FIELDS,
    NotAssigned,
    NoteInput,
    RepliedAlready,
    StaleVersion,
    WorkflowError,
    latest_return,
    reply_to_return,
    save_note,
    save_value,
)
from targets.supervision import lights, periods

REPORT_CHANGED = "reportChanged"
ANNOUNCE = "announce"  # static/js/report.js: says the message, moves focus to the element named


@require_GET
@login_required
def report_current(request: HttpRequest, code: str) -> HttpResponse:
    """The round chosen in the period switch; else, for the county's reporters, the round that
    needs their action (本期填报), and for everyone else the latest round past its deadline."""
    county = county_for_user(request, code)
    chosen = Period.objects.filter(code=request.GET.get("period", "")).first()
    today = timezone.localdate()
    if chosen is not None:
        period = chosen
    elif access_for(request).can_report_for(county) or county.pk in (
        access_for(request).department_county_ids
    ):
        period = todo.round_needing_action(county, today)
    else:
        period = periods.reviewed_round(today)
    if period is None:
        raise Http404
    return redirect("report", code=county.code, period=period.code)


@require_GET
@login_required
@vary_on_headers("HX-Request", "HX-Target")
def report(request: HtmxHttpRequest, code: str, period: str) -> HttpResponse:
    """The period's measures grouped by task area, with what is done and what is missing, and
    the county-level indicators' values."""
    county = county_for_user(request, code)
    outline = report_page.outline()
    period = outline.periods.get(period)
    if period is None:
        raise Http404
    today = timezone.localdate()
    access = access_for(request)
    lead_office = access.can_report_for(county)
    writer_ids = None if lead_office else access.county_department_ids
    areas = report_page.measure_rows(county, period, outline, writer_ids)
    reopened = periods.reopening(period, county, today)
    context = {
        "county": county,
        "period": period,
        "periods": outline.periods,
        "areas": areas,
        "light": report_page.light_rows(areas, lights.Judge(period, today)),
        "counts": report_page.counts(areas),
        "indicator_rows": report_page.indicator_rows(county, period, outline.indicators),
        "reopened": reopened,
        "can_report": (lead_office or county.pk in access.department_county_ids)
        and (not period.locked or reopened is not None),
        # Indicator values and their import stay with the county's lead office.
        "lead_office": lead_office,
    }
    if request.htmx and request.htmx.target == "report-counts":
        return render(request, "reporting/page.html#counts", context)
    return render(request, "reporting/page.html", context)


def _note_context(request, county, period, measure, note, form, error=None, writer=None, **reply):
    """``writer``: the county department the user writes for (None: the lead office)."""
    can_report = periods.is_open_for(period, county, timezone.localdate())
    waiting = note is not None and note.with_lead_office
    returned = latest_return(note) if note and note.state == State.RETURNED else None
    can_reply = can_report and returned is not None
    if note and note.state == State.RETURNED and returned is None:
        # A note returned before returns were kept as versions: its comment, with nothing to
        # attach a reply to.
        returned = NoteVersion(
            note=note, comment=note.review_comment, by=note.reviewed_by, at=note.reviewed_at
        )
    return {
        "county": county,
        "period": period,
        "measure": measure,
        "note": note,
        "form": form,
        "error": error,
        "evidence": list(note.evidence.all()) if note else [],
        "can_report": can_report,
        "returned": returned,
        "can_reply": can_reply,
        "reply_form": reply.get("reply_form") or ReplyForm(),
        "reply_error": reply.get("reply_error"),
        "writer": writer,
        # A department's draft waits for the lead office's check: the department may not
        # change it meanwhile; the lead office submits it or returns it.
        "waiting": waiting,
        "can_edit": can_report and not (writer is not None and waiting),
        "can_check": can_report and writer is None and waiting,
        "check_form": reply.get("check_form") or CheckReturnForm(),
        "check_error": reply.get("check_error"),
        "check_return": county_check.latest_check_return(note) if note else None,
        "problem_lines": note_problems.lines_of(note) if note else [],
    }


@require_http_methods(["GET", "POST"])
@login_required
def note(request: HtmxHttpRequest, code: str, period: str, measure: str) -> HttpResponse:
    """The form of one measure's note: a draft saved as often as needed, then submitted (by a
    county department: sent to its lead office for checking)."""
    county = county_for_drafting(request, code)
    period = get_object_or_404(Period, code=period)
    measure = get_object_or_404(Measure, code=measure, plan=current_plan())
    writer = drafting_department_for_user(request, county, measure)
    current = (
        report_page.notes_queryset()
        .prefetch_related("evidence")  # read here and again for the page
        .filter(county=county, period=period, measure=measure)
        .first()
    )
    evidence = list(current.evidence.all()) if current else []
    if request.method == "GET":
        initial = model_to_dict(current, fields=[*NOTE_FIELDS, "version"]) if current else {}
        form = NoteForm(initial=initial, evidence=evidence)
        context = _note_context(request, county, period, measure, current, form, writer=writer)
        return render(
            request,
            "reporting/note.html#note-editor" if request.htmx else "reporting/note.html",
            context,
        )

    form = NoteForm(request.POST, request.FILES, evidence=evidence)
    error, status = None, 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = save_note(
                user=request.user,
                county=county,
                measure=measure,
                period=period,
                data=NoteInput(**{field: data[field] for field in NOTE_FIELDS}),
                started_from=data["version"],
                submit=request.POST.get("action") == "submit",
                files=form.checked_files,
                uploads=data["files"],
                supersede=data["supersede"],
                writer=writer,
                request=request,
            )
        except StaleVersion as stale:
            error, status, current = stale, 409, stale.current
        except NotAssigned as problem:
            error, status = problem, 403
        except WorkflowError as problem:
            error = problem
        else:
            return _note_saved(request, county, period, saved, writer)
    context = _note_context(request, county, period, measure, current, form, error, writer)
    if request.htmx:
        # Show the errors in the form itself, not in place of the measure's row.
        response = render(request, "reporting/note.html#note-form", context)
        return reswap(retarget(response, f"#note-form-{measure.anchor}"), "outerHTML")
    return render(request, "reporting/note.html", context, status=status)


@require_POST
@login_required
def note_reply(request: HtmxHttpRequest, code: str, period: str, measure: str) -> HttpResponse:
    """The county's reply to the return of a note, shown beside the return's comment."""
    county = county_for_drafting(request, code)
    period = get_object_or_404(Period, code=period)
    measure = get_object_or_404(Measure, code=measure, plan=current_plan())
    writer = drafting_department_for_user(request, county, measure)
    form = ReplyForm(request.POST)
    error, status = None, 400
    if form.is_valid():
        try:
            reply_to_return(
                user=request.user,
                county=county,
                measure=measure,
                period=period,
                text=form.cleaned_data["text"],
                request=request,
            )
        except RepliedAlready as replied:
            error, status = replied, 409
        except WorkflowError as problem:
            error = problem
        else:
            if not request.htmx:
                url = reverse("note", args=[county.code, period.code, measure.code])
                return redirect(f"{url}#return-reply-{measure.anchor}")
            form = ReplyForm()
    current = (
        report_page.notes_queryset()
        .prefetch_related("evidence")
        .filter(county=county, period=period, measure=measure)
        .first()
    )
    if request.htmx:
        # In place (htmx swaps a 200 only): the comment with the reply sent, or the error.
        context = _note_context(
            request,
            county,
            period,
            measure,
            current,
            None,
            writer=writer,
            reply_form=form,
            reply_error=error,
        )
        return render(request, "reporting/note.html#return-reply", context)
    evidence = list(current.evidence.all()) if current else []
    initial = model_to_dict(current, fields=[*NOTE_FIELDS, "version"]) if current else {}
    note_form = NoteForm(initial=initial, evidence=evidence)
    context = _note_context(
        request,
        county,
        period,
        measure,
        current,
        note_form,
        writer=writer,
        reply_form=form,
        reply_error=error,
    )
    return render(request, "reporting/note.html", context, status=status)


@require_POST
@login_required
def note_check_return(request: HttpRequest, code: str, period: str, measure: str) -> HttpResponse:
    """The county lead office returns a note its department sent for checking (内部退回), with a
    comment, to the department that drafted it."""
    county = county_for_user(request, code, write=True)
    period = get_object_or_404(Period, code=period)
    measure = get_object_or_404(Measure, code=measure, plan=current_plan())
    form = CheckReturnForm(request.POST)
    error, status = None, 400
    if form.is_valid():
        try:
            county_check.return_to_department(
                user=request.user,
                county=county,
                measure=measure,
                period=period,
                comment=form.cleaned_data["comment"],
                started_from=form.cleaned_data["version"],
                request=request,
            )
        except StaleVersion as stale:
            error, status = stale, 409
        except WorkflowError as problem:
            error = problem
        else:
            messages.success(
                request,
                _("已退回承办部门修改:%(measure)s")
                % {"measure": f"{measure.code} {measure.label}"},
            )
            url = reverse("report", args=[county.code, period.code])
            return redirect(f"{url}#measure-{measure.anchor}")
    current = (
        report_page.notes_queryset()
        .prefetch_related("evidence")
        .filter(county=county, period=period, measure=measure)
        .first()
    )
    evidence = list(current.evidence.all()) if current else []
    initial = model_to_dict(current, fields=[*NOTE_FIELDS, "version"]) if current else {}
    context = _note_context(
        request,
        county,
        period,
        measure,
        current,
        NoteForm(initial=initial, evidence=evidence),
        check_form=form,
        check_error=error,
    )
    return render(request, "reporting/note.html", context, status=status)


def _note_saved(request, county, period, saved: ProgressNote, writer=None) -> HttpResponse:
    if not request.htmx:
        url = reverse("report", args=[county.code, period.code])
        return redirect(f"{url}#measure-{saved.measure.anchor}")
    note = report_page.notes_queryset().get(pk=saved.pk)
    judge = lights.Judge(period, timezone.localdate())
    writer_ids = None if writer is None else {writer.pk}
    row = report_page.RowLinks(county, period).row(saved.measure, note, note.department, writer_ids)
    row.light = judge.slot(lights.Slot.of(note))
    row.exemption = report_page.latest_exemptions(county).get(saved.measure_id)
    context = {
        "county": county,
        "period": period,
        "row": row,
        "can_report": True,
        "lead_office": writer is None,
    }
    response = render(request, "reporting/page.html#measure-row", context)
    trigger_client_event(response, REPORT_CHANGED)
    # Once the row is in place, focus returns to it and screen readers hear what was done.
    what = {"measure": f"{saved.measure.code} {saved.measure.label}"}
    if saved.with_lead_office and writer is not None:
        message = _("已送牵头办审核:%(measure)s") % what
    elif saved.state == State.SUBMITTED:
        message = _("已提交审核:%(measure)s") % what
    else:
        message = _("已保存草稿:%(measure)s") % what
    focus = f"measure-{saved.measure.anchor}"
    return trigger_client_event(
        response, ANNOUNCE, {"message": message, "focus": focus}, after="settle"
    )


@require_http_methods(["GET", "POST"])
@login_required
def value(request: HttpRequest, code: str, period: str, indicator: str) -> HttpResponse:
    """The period's value of one county-level indicator."""
    county = county_for_user(request, code, write=True)
    period = get_object_or_404(Period, code=period)
    indicator = get_object_or_404(
        Indicator.objects.prefetch_related("targets"), code=indicator, level=Indicator.Level.COUNTY
    )
    current = IndicatorValue.objects.filter(
        county=county, period=period, indicator=indicator
    ).first()
    error, status = None, 400
    if request.method == "GET":
        initial = model_to_dict(current, fields=[*VALUE_FIELDS, "version"]) if current else {}
        form = ValueForm(initial=initial, indicator=indicator)
    else:
        form = ValueForm(request.POST, indicator=indicator)
        if form.is_valid():
            data = form.cleaned_data
            try:
                save_value(
                    user=request.user,
                    county=county,
                    indicator=indicator,
                    period=period,
                    value=data["value"],
                    source=data["source"],
                    remark=data["remark"],
                    started_from=data["version"],
                    submit=request.POST.get("action") == "submit",
                    request=request,
                )
            except StaleVersion as stale:
                error, status, current = stale, 409, stale.current
            except WorkflowError as problem:
                error = problem
            else:
                url = reverse("report", args=[county.code, period.code])
                return redirect(f"{url}#indicator-{indicator.code}")
    context = {
        "county": county,
        "period": period,
        "indicator": indicator,
        "record": current,
        "form": form,
        "error": error,
    }
    return render(
        request, "reporting/value.html", context, status=200 if request.method == "GET" else status
    )


@require_GET
@login_required
def timeline(request: HttpRequest, code: str, measure: str) -> HttpResponse:
    """Every version of every note on one measure in the county, across all periods."""
    county, measure = county_measure_for_user(
        request,
        code,
        measure,
        Measure.objects.select_related("task_area").prefetch_related(units_prefetch()),
    )
    access = access_for(request)
    notes = report_page.timeline(county, measure)
    cases = dict(Practice.objects.filter(note__in=notes).values_list("note_id", "pk"))
    for each in notes:
        each.practice_id = cases.get(each.pk)
    context = {
        "county": county,
        "measure": measure,
        "notes": notes,
        "can_curate": access.reviews and access.can_review(county),
        "leads": access.leads(measure.pk),
        "opinion_form": OpinionForm(),
    }
    return render(request, "reporting/timeline.html", context)


@require_GET
@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, as a download, to those who may see its note; recorded once the file is
    open."""
    evidence = evidence_for_user(request, pk)
    opened = evidence.file.open("rb")
    try:
        record = trail.Export("download.evidence", request, obj=evidence)
        record.record(fmt=evidence.content_type, size=evidence.size)
    except BaseException:
        opened.close()
        raise
    response = FileResponse(
        opened,
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@cache_control(max_age=60)
def status_colours(request: HttpRequest) -> HttpResponse:
    """The colours admins chose for the statuses, as a stylesheet (the CSP allows no inline
    style). Colour is never the only signal: every status also shows its label."""
    rules = [f".status--{s.code}{{--status-colour:{s.color}}}" for s in StatusOption.objects.all()]
    return HttpResponse("\n".join(rules), content_type="text/css; charset=utf-8")
