from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from targets.accounts.access import require_audit_view
from targets.audit import trail
from targets.audit.search import AuditSearchForm, search
from targets.audit.wording import describe
from targets.http import HtmxHttpRequest
from targets.spreadsheets import export_tables, exports


@require_GET
@login_required
@vary_on_headers("HX-Request")
def audit_page(request: HtmxHttpRequest) -> HttpResponse:
    """The audit trail for the audit admin, in words: search by actor, action (from a list),
    object and dates."""
    require_audit_view(request)
    form = AuditSearchForm(request.GET)
    page = Paginator(search(form), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "entries": describe(page.object_list),
        "query": query.urlencode(),
    }
    template = "audit/page.html#results" if request.htmx else "audit/page.html"
    return render(request, template, context)


@require_GET
@login_required
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The records found, as .xlsx or CSV; the export itself is recorded (after the records it
    holds, so that it is not among them)."""
    require_audit_view(request)
    if fmt not in exports.FORMATS:
        raise Http404
    form = AuditSearchForm(request.GET)
    records = search(form)
    chosen = form.cleaned_data if form.is_valid() else {}
    record = trail.Export("export.audit", request, chosen)
    return exports.response(export_tables.audit_records(records), fmt, record)
