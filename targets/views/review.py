from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from plenum import replica
from targets.accounts.access import Access, require_reviewer
from targets.audit import trail
from targets.caching import shared_pages
from targets.forms.review import QueueFilterForm, ReviewForm
from targets.http import AuthenticatedHttpRequest, HtmxHttpRequest
from targets.reporting.workflow import WorkflowError, review
from targets.review import export_files, queue_export
from targets.review import queue as review_queue
from targets.spreadsheets import exports


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
    query = request.GET.copy()
    query.pop("page", None)
    if fmt:
        with replica.lagging():  # the export may lag; the queue itself must not
            if queue_export.count(counties, cleaned) > queue_export.INLINE_ROWS:
                messages.info(request, _too_many())
                query.pop("export", None)
                return redirect(f"{request.path}?{query.urlencode()}")
            table = queue_export.table(counties, cleaned, timezone.localdate())
            chosen = {**cleaned, "per_page": None}  # the export has every item, not one page
            record = trail.Export("export.review_queue", request, chosen)
            return exports.response(table, fmt, record)
    page = review_queue.queue_page(counties, cleaned, request.GET.get("page"))
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

    # A queue too long to export within the request offers its export by the worker instead.
    inline_export = page.paginator.count <= queue_export.INLINE_ROWS

    def listing() -> SafeString:
        context = {
            "request": request,  # for the export links; none of the page's context processors
            "items": review_queue.items_on(page, timezone.localdate()),
            "decision": decision or ReviewForm(),
            "inline_export": inline_export,
            "inline_rows": queue_export.INLINE_ROWS,
        }
        return render_to_string("review/queue.html#listing", context)

    if decision is not None or not shared_pages.known_query(request, [*filters.fields, "page"]):
        return listing()
    # The query without the page (as the export links read it): the items name the page.
    parts = ("review/queue.html#listing", query, repr(inline_export), *map(repr, page.object_list))
    return shared_pages.fragment_named_by(parts, listing)


def _too_many() -> str:
    return _(
        "待审核记录超过%(limit)s条,不能直接下载。请点“导出全部”,由后台生成,生成后会通知您。"
    ) % {"limit": queue_export.INLINE_ROWS}


@require_POST
@login_required
def queue_export_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    """导出全部: the queue's whole export, with the filters on screen (``query``), made by the
    worker; the reviewer is told when it is ready and finds it among their files. Filters the
    reviewer may not use (another prefecture's county, say) queue nothing."""
    access = require_reviewer(request)
    counties = access.reviewable_counties()
    query = QueryDict(request.POST.get("query", ""))
    rounds = review_queue.waiting_rounds(counties, chosen=query.get("period", ""))
    filters = QueueFilterForm(query, counties=counties, rounds=rounds)
    fmt = request.POST.get("fmt", "")
    if fmt not in exports.FORMATS or not filters.is_valid():
        messages.error(request, _("导出的格式或筛选条件无效,没有加入导出队列。"))
        return redirect(f"{reverse('review')}?{query.urlencode()}")
    chosen = {**filters.cleaned_data, "per_page": None}
    with transaction.atomic():  # the file, its job and its audit record, or none of them
        generated, new = export_files.request_export(user=request.user, chosen=chosen, fmt=fmt)
        if new:
            trail.record(
                "review_export.request",
                request=request,
                obj=generated,
                changes={"format": fmt, "filters": generated.params["filters"]},
            )
    if new:
        messages.success(request, _("已加入导出队列。生成后会通知您,可在“我的文件”中下载。"))
    else:
        messages.info(request, _("同样的导出已在生成中,生成后会通知您。"))
    return redirect("my_files")


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
