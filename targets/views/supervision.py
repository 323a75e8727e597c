"""Supervision for reviewers: the late-and-stale view of a round, reminders sent by hand (催办),
and the log of every reminder sent in their counties."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from plenum import replica
from targets.accounts.access import require_reviewer, visible_orders
from targets.audit import trail
from targets.caching import shared_pages
from targets.forms.supervision import LateFilterForm, ReminderLogFilterForm, RemindForm
from targets.geography import pages
from targets.http import AuthenticatedHttpRequest, HtmxHttpRequest
from targets.models import Notification, Prefecture
from targets.orders import listing
from targets.spreadsheets import export_tables, exports
from targets.supervision import late_view, periods, reminders
from targets.units import assigned

DEFAULT_STALE_PERIODS = 2


LATE_ORDERS_SHOWN = 20  # the overdue orders the late view lists; the rest on the orders' list


def _late_scope(request: HttpRequest):
    """The filter form and what it selects: the round (with the rounds to switch to) and the
    counties."""
    access = require_reviewer(request)
    counties = access.reviewable_counties()
    prefectures = Prefecture.objects.filter(pk__in=counties.values("prefecture"))
    form = LateFilterForm(request.GET, prefectures=prefectures, access=access)
    filters = form.cleaned_data if form.is_valid() else {}
    rounds = periods.for_review(timezone.localdate(), filters.get("period"))
    if rounds is None:
        raise Http404
    if filters.get("prefecture"):
        counties = counties.filter(prefecture=filters["prefecture"])
    return access, form, filters, rounds, counties


def _late_context(request: HttpRequest, filters: dict, rounds, counties) -> dict:
    today, period = timezone.localdate(), rounds.shown
    stale_periods = filters.get("stale_periods") or DEFAULT_STALE_PERIODS
    department = filters.get("department")
    measures = assigned.measures_of(department) if department else None
    rows = late_view.late_rows(period, counties, today, stale_periods, measures)
    if filters.get("show") != "all":
        rows = [row for row in rows if row.has_problem]
    sort = filters.get("sort") or "light"
    rows = late_view.sorted_rows(rows, sort)
    # Sorting again starts at the first page; the pager keeps the sort.
    query = request.GET.copy()
    query.pop("page", None)
    page_query = query.urlencode()
    query.pop("sort", None)
    return {
        "period": period,
        "rounds": rounds,
        "today": today,
        "as_of": timezone.now(),
        "stale_periods": stale_periods,
        "rows": rows,
        "page": pages.rows_page(rows, request.GET.get("page")),
        "sort": sort,
        "sorts": {key: label for key, (label, _key) in late_view.SORTS.items()},
        "query": query.urlencode(),
        "page_query": page_query,
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def late(request: HtmxHttpRequest) -> HttpResponse:
    """Counties with something not reported in the round, returns not answered, measures silent
    for several periods, and days since the last submission: sortable, exportable, and each
    county can be sent a reminder from here. The table is kept in the shared page cache: a
    reminder or a review shows at once, a submission when the kept table expires."""
    access, form, filters, rounds, counties = _late_scope(request)
    period = rounds.shown
    context = partial(_late_context, request, filters, rounds, counties)
    fmt = exports.requested(request)
    if fmt:
        with replica.lagging():  # the export may lag; the page, which reminders follow, must not
            data = context()
            chosen = {
                **filters,
                "period": period,
                "stale_periods": data["stale_periods"],
                "show": filters.get("show") or "problems",
                "sort": data["sort"],
            }
            table = export_tables.late(period, data["rows"], data["stale_periods"])
            return exports.response(table, fmt, trail.Export("export.late", request, chosen))
    table = shared_pages.page_part(
        request,
        "supervision/late.html#late-table",
        shared_pages.audience_of(access),
        context,
        filters=[*form.fields, "page"],
    )
    if request.htmx:
        return HttpResponse(table)
    # The overdue orders, outside the shared cache: an order's step shows at once.
    orders = visible_orders(access)
    today = timezone.localdate()
    page = {
        "form": form,
        "period": period,
        "sort": filters.get("sort") or "light",
        "late_orders": listing.overdue_list(orders, today, LATE_ORDERS_SHOWN),
        "orders_tally": listing.tally(orders, today),
    }
    return render(request, "supervision/late.html", page | {"table": table})


@require_POST
@login_required
def remind(request: AuthenticatedHttpRequest) -> HttpResponse:
    """催办 by hand: the reporters of the chosen counties (one, or all the late ones on the late
    view) are notified and emailed, where something is due in the round; recorded."""
    access = require_reviewer(request)
    counties = access.reviewable_counties()
    codes = request.POST.getlist("counties")
    allowed = set(counties.filter(code__in=codes).values_list("code", flat=True))
    if set(codes) - allowed:
        raise Http404  # a county outside the reviewer's scope
    form = RemindForm(request.POST, county_codes=sorted(allowed))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                # An ErrorList gives its messages as text.
                messages.error(request, error)  # type: ignore[arg-type]
        return redirect(back or "late")
    data = form.cleaned_data
    chosen = counties.filter(code__in=data["counties"])
    sent = reminders.send_manual(
        sender=request.user,
        period=data["period"],
        counties=list(chosen.order_by("code")),
        message=data["message"].strip(),
        today=timezone.localdate(),
        request=request,
    )
    reached = len({n.county_id for n in sent})
    if sent:
        messages.success(
            request,
            _("已向 %(counties)d 个县的 %(people)d 名填报员发送催办。")
            % {"counties": reached, "people": len(sent)},
        )
    else:
        messages.info(request, _("所选的县本期已全部提交(或没有填报员),没有发送催办。"))
    return redirect(back or "late")


@require_GET
@login_required
def reminder_log(request: HttpRequest) -> HttpResponse:
    """Every reminder sent to or about the reviewer's counties, newest first."""
    access = require_reviewer(request)
    form = ReminderLogFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    log = Notification.objects.filter(
        county__in=access.reviewable_counties(), kind__in=reminders.KINDS
    ).select_related("county", "period", "recipient", "sender")
    if filters.get("period"):
        log = log.filter(period=filters["period"])
    if filters.get("kind"):
        log = log.filter(kind=filters["kind"])
    if filters.get("county"):
        term = filters["county"].strip()
        log = log.filter(Q(county__code=term) | Q(county__name__contains=term))
    fmt = exports.requested(request)
    if fmt:
        entries = ((n, reminders.describe(n)) for n in log.iterator())
        record = trail.Export("export.reminder_log", request, filters)
        return exports.response(export_tables.reminder_log(entries), fmt, record)
    page = Paginator(log, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "entries": [(n, reminders.describe(n)) for n in page.object_list],
        "query": query.urlencode(),
    }
    return render(request, "supervision/reminder_log.html", context)
