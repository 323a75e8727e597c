"""The progress briefing (进展通报): a web page with a print style, its annex (every county's
ranking) as a spreadsheet, and its PDF, which the task worker makes on request and archives: the
page lists the PDFs of the round for the user's counties and, while one is being made, asks again
every few seconds (htmx) for the list alone."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from plenum.replica import reads_may_lag
from targets.accounts.access import require_province_view
from targets.audit import trail
from targets.dashboards import briefing as briefings
from targets.dashboards import briefing_files
from targets.http import HtmxHttpRequest
from targets.models import County, GeneratedFile, Period, Prefecture
from targets.spreadsheets import export_tables, exports
from targets.supervision.periods import in_cadence, reviewed_round


def _period(request: HttpRequest) -> Period:
    """The chosen period, else the latest past its deadline."""
    chosen = Period.objects.filter(code=request.GET.get("period", "")).first()
    period = chosen or reviewed_round(timezone.localdate())
    if period is None:
        raise Http404
    return period


def _scope(request: HttpRequest, period: Period) -> dict[str, object]:
    """What chose a download, for its audit record."""
    access = require_province_view(request)
    scope: dict[str, object] = {"period": period}
    if not access.sees_whole_province:
        scope["prefectures"] = Prefecture.objects.filter(pk__in=access.prefecture_ids)
        scope["counties"] = County.objects.filter(pk__in=access.county_ids)
    return scope


def _files_context(request: HttpRequest, period: Period) -> dict[str, object]:
    access = require_province_view(request)
    listed = list(briefing_files.listed(period, briefing_files.audience_of(access)))
    return {"files": listed, "pending": any(f.pending for f in listed), "period": period}


@require_GET
@login_required
@vary_on_headers("HX-Request")
@reads_may_lag
def briefing(request: HtmxHttpRequest) -> HttpResponse:
    """The briefing as a page, or its annex with ``?export=xlsx`` (or csv); to htmx, the list of
    its PDFs alone."""
    access = require_province_view(request)
    period = _period(request)
    if request.htmx:
        return render(request, "briefing/page.html#files", _files_context(request, period))
    today = timezone.localdate()
    b = briefings.build(
        period, today, access.visible_counties(), whole_province=access.sees_whole_province
    )
    fmt = exports.requested(request)
    if fmt:
        table = export_tables.briefing_annex(b.period, b.annex())
        record = trail.Export("export.briefing_annex", request, _scope(request, period))
        return exports.response(table, fmt, record)
    started = in_cadence().filter(starts_on__lte=today).order_by("-starts_on")
    context = {"b": b, "periods": started, **_files_context(request, period)}
    return render(request, "briefing/page.html", context)


@require_POST
@login_required
def briefing_pdf(request: HtmxHttpRequest) -> HttpResponse:
    """Ask the worker for the round's PDF (one already on its way is not asked for twice)."""
    access = require_province_view(request)
    period = get_object_or_404(Period, code=request.POST.get("period", ""))
    # @login_required: the user is signed in.
    user = cast(User, request.user)
    generated, new = briefing_files.request_pdf(user=user, access=access, period=period)
    if new:
        trail.record(
            "briefing.request", request=request, obj=period, changes={"file": [None, generated.pk]}
        )
    if request.htmx:
        return render(request, "briefing/page.html#files", _files_context(request, period))
    return redirect(f"{reverse('briefing')}?period={period.code}")


@require_GET
@login_required
def briefing_file(request: HttpRequest, pk: int) -> FileResponse:
    """An archived PDF, to those who see the same counties; recorded in the audit trail."""
    access = require_province_view(request)
    generated = get_object_or_404(
        GeneratedFile,
        pk=pk,
        kind=GeneratedFile.Kind.BRIEFING,
        state=GeneratedFile.State.READY,
        audience=briefing_files.audience_of(access),
    )
    period = generated.period
    if period is None:
        raise Http404
    trail.Export("download.briefing", request, _scope(request, period), period).record(
        fmt="pdf", size=generated.size
    )
    return FileResponse(
        generated.file.open("rb"),
        as_attachment=True,
        filename=f"briefing-{period.code}.pdf",
        content_type="application/pdf",
    )
