"""Measures that apply (分类指导): a county's lead office asks, from the measure's row on its report
page, that a measure be declared 不适用; the reviewers of its prefecture (or the province) decide
on the list of requests in their scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget, trigger_client_event

from targets.accounts.access import county_for_user, exemption_for_user, require_reviewer
from targets.applicability.requests import DecidedAlready, ExemptionError, ask, decide
from targets.forms.applicability import DecisionForm, ExemptionForm
from targets.http import AuthenticatedHttpRequest, HtmxHttpRequest
from targets.models import Exemption, Measure, Period
from targets.plan.outline import current_plan
from targets.reporting import report_page
from targets.supervision import lights, periods

PAGE_SIZE = 20


class Request(AuthenticatedHttpRequest, HtmxHttpRequest):
    """Signed in, and perhaps sent by htmx."""


REPORT_CHANGED = "reportChanged"  # the report page's counts listen for it
ANNOUNCE = "announce"  # static/js/report.js: says the message, moves focus to the element named
STATES = {state.value: state for state in Exemption.State}


@require_http_methods(["GET", "POST"])
@login_required
def exemption_ask(request: Request, code: str, measure: str) -> HttpResponse:
    """The request's form (in the measure's row, in place), and sending it."""
    county = county_for_user(request, code, write=True)
    measure = get_object_or_404(Measure.objects.filter(plan=current_plan()), code=measure)
    form = ExemptionForm(request.POST or None, initial={"period": request.GET.get("period", "")})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            ask(
                user=request.user,
                county=county,
                measure=measure,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ExemptionError as problem:
            error = str(problem)
        else:
            return _asked(request, county, measure, form.cleaned_data["period"])
    context = {"county": county, "measure": measure, "form": form, "error": error}
    if request.htmx:
        # In place, errors and all: htmx swaps a 200 only.
        return render(request, "applicability/ask.html#ask-form", context)
    status = 200 if request.method == "GET" else 400
    return render(request, "applicability/ask.html", context, status=status)


def _asked(request: Request, county, measure: Measure, period_code: str) -> HttpResponse:
    """Back to the report page's row, which now says the request waits for the prefecture."""
    period = Period.objects.filter(code=period_code).first()
    message = _("已提交不适用申请,等待市州审核:%(measure)s") % {"measure": measure.code}
    if not request.htmx or period is None:
        messages.success(request, message)
        page = reverse("report", args=[county.code, period.code]) if period else None
        page = page or reverse("report_current", args=[county.code])
        if request.htmx:
            return HttpResponseClientRedirect(f"{page}#measure-{measure.anchor}")
        return redirect(f"{page}#measure-{measure.anchor}")
    today = timezone.localdate()
    row = report_page.one_row(county, period, measure, lights.Judge(period, today))
    context = {
        "county": county,
        "period": period,
        "row": row,
        "can_report": periods.is_open_for(period, county, today),
        "lead_office": True,
    }
    response = render(request, "reporting/page.html#measure-row", context)
    # The form sat in the row's slot: the whole row is replaced.
    reswap(retarget(response, f"#measure-{measure.anchor}"), "outerHTML")
    trigger_client_event(response, REPORT_CHANGED)
    focus = f"measure-{measure.anchor}"
    return trigger_client_event(
        response, ANNOUNCE, {"message": message, "focus": focus}, after="settle"
    )


@require_GET
@login_required
def exemptions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The requests of the reviewer's counties: those waiting first (oldest first), then those
    decided (latest first); or of one state."""
    access = require_reviewer(request)
    state = request.GET.get("state", "")
    found = Exemption.objects.filter(county__in=access.visible_counties()).select_related(
        "county__prefecture", "measure", "requested_by", "decided_by"
    )
    if state in STATES:
        found = found.filter(state=STATES[state])
    waiting_first = Case(
        When(state=Exemption.State.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    latest_decided = F("decided_at").desc(nulls_last=True)
    found = found.order_by(waiting_first, latest_decided, "requested_at", "pk")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "items": [(item, _decision_form(item)) for item in page],
        "state": state if state in STATES else "",
        "states": [("", _("全部")), *((key, value.label) for key, value in STATES.items())],
        "query": f"state={state}" if state in STATES else "",
    }
    return render(request, "applicability/list.html", context)


def _decision_form(item: Exemption, data=None) -> DecisionForm:
    """The request's decision form; its fields' ids name the request, as a page lists many."""
    return DecisionForm(data, initial={"version": item.version}, auto_id=f"exemption-{item.pk}-%s")


@require_POST
@login_required
def exemption_decide(request: Request, pk: int) -> HttpResponse:
    """Approve or refuse a request (a refusal says why); whoever decided first is not overruled."""
    item = exemption_for_user(request, pk, write=True)
    form = _decision_form(item, request.POST)
    error, status = None, 400
    if form.is_valid():
        try:
            item = decide(
                user=request.user,
                access=require_reviewer(request),
                exemption=item,
                approve=form.approves,
                comment=form.cleaned_data["comment"],
                started_from=form.cleaned_data["version"],
                request=request,
            )
        except ExemptionError as problem:
            error = str(problem)
            if isinstance(problem, DecidedAlready):
                item, status = problem.current, 409
        else:
            return _decided(request, item)
    context = {"item": item, "form": form, "error": error}
    if request.htmx:
        # In place, with the error: htmx swaps a 200 only.
        return render(request, "applicability/list.html#item", context)
    return render(request, "applicability/decision.html", context, status=status)


def _decided(request: Request, item: Exemption) -> HttpResponse:
    words = {"county": item.county.label, "measure": item.measure.code}
    if item.state == Exemption.State.APPROVED:
        message = _("已同意 %(county)s 的不适用申请:%(measure)s") % words
    else:
        message = _("已不同意 %(county)s 的不适用申请:%(measure)s") % words
    if not request.htmx:
        messages.success(request, message)
        return redirect("exemptions")
    item = Exemption.objects.select_related(
        "county__prefecture", "measure", "requested_by", "decided_by"
    ).get(pk=item.pk)
    context = {"item": item, "form": _decision_form(item)}
    response = render(request, "applicability/list.html#item", context)
    return trigger_client_event(
        response, ANNOUNCE, {"message": message, "focus": f"exemption-{item.pk}"}, after="settle"
    )
