from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from plenum import replica
from targets.accounts.access import Access, require_reviewer
from targets.audit import trail
from targets.caching import shared_pages
from targets.forms.review import QueueFilterForm, ReviewForm
from targets.http import HtmxHttpRequest
from targets.reporting.workflow import WorkflowError, review
from targets.review import queue as review_queue
from targets.spreadsheets import export_tables, exports


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def queue(request: HtmxHttpRequest) -> HttpResponse:
    """Submitted notes and values in the reviewer's scope, oldest first; approve or return them,
    one or many, in place."""
    access = require_reviewer(request)
    counties = access.reviewable_counties()
    rounds = review_queue.waiting_rounds(counties, chosen=request.GET.get("period", ""))
    filters = QueueFilterForm(request.GET, counties=counties, rounds=rounds)
    decision = None
    if request.method == "POST":
        decision = ReviewForm(request.POST, item_choices=request.POST.getlist("items"))
        if decision.is_valid():
            data = decision.cleaned_data
            records = review_queue.records_for(data["items"], counties)
            if len(records) != len(data["items"]):
                raise Http404  # something outside the reviewer's scope, or not there
            try:
                done = review(
                    user=request.user,
                    items=records,
                    approve=data["decision"] == "approve",
                    comment=data["comment"],
                    rating=data["rating"],
                    request=request,
                )
            except WorkflowError as problem:
                messages.error(request, str(problem))
            else:
                text = (
                    _("已审核通过 %(count)d 条。")
                    if data["decision"] == "approve"
                    else _("已退回 %(count)d 条。")
                )
                messages.success(request, text % {"count": done})
                decision = None
            if not request.htmx and decision is None:
                return redirect(f"{request.path}?{request.GET.urlencode()}")
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    fmt = exports.requested(request) if request.method == "GET" else None
    if fmt:
        with replica.lagging():  # the export may lag; the queue itself must not
            items = review_queue.all_items(counties, cleaned, timezone.localdate())
            chosen = {**cleaned, "per_page": None}  # the export has every item, not one page
            record = trail.Export("export.review_queue", request, chosen)
            return exports.response(export_tables.review_queue(items), fmt, record)
    page = review_queue.queue_page(counties, cleaned, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query = query.urlencode()
    context = {"filters": filters, "query": query, "page": page}
    if page.object_list:
        context["listing"] = _listing(request, page, decision, filters, query)
    if request.htmx:
        return render(request, "review/queue.html#queue", context)
    context["filter_fields"] = _filter_fields(filters, access)
    return render(request, "review/queue.html", context, status=400 if decision else 200)


def _listing(
    request: HttpRequest,
    page: Page,
    decision: ReviewForm | None,
    filters: QueueFilterForm,
    query: str,
) -> SafeString:
    """The page's items and the decision form. Kept in the shared page cache for everyone who
    asks for the same page while it holds the same items (their keys pin what it shows of them:
    new submissions join the end of the queue, and the count and pager around it are read
    afresh); rendered afresh for a decision sent back with its errors and the items it ticked, or
    a query with parameters the filters don't know."""

    def listing() -> SafeString:
        context = {
            "request": request,  # for the export links; none of the page's context processors
            "items": review_queue.items_on(page, timezone.localdate()),
            "decision": decision or ReviewForm(),
        }
        return render_to_string("review/queue.html#listing", context)

    if decision is not None or not shared_pages.known_query(request, [*filters.fields, "page"]):
        return listing()
    # The query without the page (as the export links read it): the items name the page.
    parts = ("review/queue.html#listing", query, *map(repr, page.object_list))
    return shared_pages.fragment_named_by(parts, listing)


def _filter_fields(filters: QueueFilterForm, access: Access) -> SafeString:
    """The filter form's fields, with the counties in scope among their choices. As a reviewer
    first opens the queue, with nothing chosen, they are kept in the shared page cache for
    everyone of the same scope: they change with the plan, the divisions and the statuses, and
    with the rounds that have something waiting (a review starts a new generation; a round's
    first submission joins the choices when the kept fields expire, within a minute), and
    rendering them took a third of the queue's time."""

    def fields() -> SafeString:
        return render_to_string("review/queue.html#filter-fields", {"filters": filters})

    if any(filters.data.get(name) for name in filters.fields):
        return fields()
    audience = repr(shared_pages.audience_of(access))
    return shared_pages.fragment_named_by(("review/queue.html#filter-fields", audience), fields)
