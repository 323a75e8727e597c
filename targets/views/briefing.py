"""The progress briefing (进展通报): a web page with a print style, the same as a PDF, and its
annex (every county's ranking) as a spreadsheet."""

import logging

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from plenum.replica import reads_may_lag
from targets.accounts.access import require_province_view
from targets.audit import trail
from targets.dashboards import briefing as briefings
from targets.models import County, Period, Prefecture
from targets.spreadsheets import export_tables, exports
from targets.supervision.periods import in_cadence, reviewed_round

log = logging.getLogger(__name__)


def _no_fetching(url: str, *args, **kwargs):
    """The PDF is made from the page alone: nothing is fetched, from the network or from disk."""
    raise ValueError(f"not fetched: {url}")


def _briefing(request: HttpRequest) -> tuple[briefings.Briefing, dict]:
    """The briefing of the chosen period (else the latest past its deadline) for the user's
    counties, and what chose it, for the record of its download."""
    access = require_province_view(request)
    today = timezone.localdate()
    chosen = Period.objects.filter(code=request.GET.get("period", "")).first()
    period = chosen or reviewed_round(today)
    if period is None:
        raise Http404
    b = briefings.build(
        period, today, access.visible_counties(), whole_province=access.sees_whole_province
    )
    scope: dict[str, object] = {"period": period}
    if not access.sees_whole_province:
        scope["prefectures"] = Prefecture.objects.filter(pk__in=access.prefecture_ids)
        scope["counties"] = County.objects.filter(pk__in=access.county_ids)
    return b, scope


@require_GET
@login_required
@reads_may_lag
def briefing(request: HttpRequest) -> HttpResponse:
    """The briefing as a page, or its annex with ``?export=xlsx`` (or csv)."""
    b, scope = _briefing(request)
    fmt = exports.requested(request)
    if fmt:
        table = export_tables.briefing_annex(b.period, b.annex())
        record = trail.Export("export.briefing_annex", request, scope)
        return exports.response(table, fmt, record)
    started = in_cadence().filter(starts_on__lte=timezone.localdate()).order_by("-starts_on")
    return render(request, "briefing/page.html", {"b": b, "periods": started})


@require_GET
@login_required
@reads_may_lag
def briefing_pdf(request: HttpRequest) -> HttpResponse:
    """The briefing as an A4 PDF, typeset by WeasyPrint with the CJK fonts of the system. Its
    links (to the indicators' pages) point at this site."""
    b, scope = _briefing(request)
    html = render_to_string("briefing/pdf.html", {"b": b}, request=request)
    try:
        from weasyprint import HTML  # needs Pango from the system (see the README)
    except OSError:
        log.exception("WeasyPrint cannot load its system libraries")
        return render(request, "briefing/unavailable.html", status=503)
    document = HTML(string=html, base_url=request.build_absolute_uri("/"), url_fetcher=_no_fetching)
    pdf = document.write_pdf(stylesheets=[finders.find("css/briefing.css")])
    trail.Export("download.briefing", request, scope, b.period).record(fmt="pdf", size=len(pdf))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="briefing-{b.period.code}.pdf"'
    return response
