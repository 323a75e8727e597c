"""Supervision orders (督办单): the list of the user's scope, issuing an order, an order's page with
the step the user may take (sign for it, answer it, verify the answer), its printed form and PDF,
and the answers' evidence files."""

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from targets.accounts.access import (
    access_for,
    order_for_user,
    require_order_issuer,
    require_order_view,
    visible_orders,
)
from targets.audit import trail
from targets.forms.orders import AnswerForm, OrderFilterForm, OrderForm, StepForm, VerifyForm
from targets.http import AuthenticatedHttpRequest, HtmxHttpRequest
from targets.models import OrderEvidence, OrderStep, SupervisionOrder
from targets.orders import duties, listing
from targets.orders.workflow import OrderError, StaleOrder, answer, is_overdue, issue, sign, verify

PAGE_SIZE = 30
State = SupervisionOrder.State


@require_GET
@login_required
@vary_on_headers("HX-Request")
def order_list(request: HtmxHttpRequest) -> HttpResponse:
    """The orders the user may see, filtered (state, level, prefecture, county, overdue), a page at
    a time; the filters swap the results in place."""
    access = require_order_view(request)
    today = timezone.localdate()
    form = OrderFilterForm(
        request.GET or None,
        counties=access.visible_counties(),
        prefectures=access.visible_prefectures(),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    mine = visible_orders(access)
    found = listing.filtered(mine, filters, today)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(order, is_overdue(order, today)) for order in page.object_list],
        "query": query.urlencode(),
        "tally": listing.tally(mine, today),
        "can_issue": bool(duties.levels_for(access)),
    }
    if request.htmx:
        return render(request, "orders/list.html#results", context)
    return render(request, "orders/list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def order_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Issue an order to a county or a provincial department of the user's scope."""
    access = require_order_issuer(request)
    options = {
        "levels": duties.levels_for(access),
        "counties": duties.counties_for(access),
        "departments": duties.departments_for(access),
    }
    if request.method == "GET":
        initial = {"county": request.GET.get("county"), "measure": request.GET.get("measure")}
        form = OrderForm(initial=initial, **options)
        return render(request, "orders/new.html", {"form": form})
    form = OrderForm(request.POST, **options)
    error: OrderError | None = None
    if form.is_valid():
        try:
            order = issue(
                user=request.user,
                access=access,
                data=form.order_input(),
                today=timezone.localdate(),
                request=request,
            )
        except OrderError as problem:
            error = problem
        else:
            return redirect("order", pk=order.pk)
    return render(request, "orders/new.html", {"form": form, "error": error}, status=400)


def _page(
    request: HttpRequest,
    order: SupervisionOrder,
    *,
    answer_form: AnswerForm | None = None,
    verify_form: VerifyForm | None = None,
    error: OrderError | None = None,
    kept: str = "",
    status: int = 200,
) -> HttpResponse:
    """The order's page: the document, its history, and the step the user may take; ``kept``
    is what the user typed for a step refused as stale, shown to copy where its form is gone."""
    access = access_for(request)
    today = timezone.localdate()
    version = {"version": order.version}
    can_answer = duties.may_answer(access, order)
    can_verify = duties.may_verify(access, order)
    context = {
        "order": order,
        "steps": _steps(order),
        "overdue": is_overdue(order, today),
        "can_sign": can_answer and order.state == State.ISSUED,
        "can_answer": can_answer and order.state in (State.SIGNED, State.RETURNED),
        "can_verify": can_verify and order.state == State.ANSWERED,
        "answer_form": answer_form or AnswerForm(initial=version),
        "verify_form": verify_form or VerifyForm(initial=version),
        "error": error,
        "kept": kept,
    }
    return render(request, "orders/order.html", context, status=status)


def _steps(order: SupervisionOrder) -> list[OrderStep]:
    """The order's history, oldest first, with who acted and the answers' files."""
    return list(
        order.steps.select_related("actor").prefetch_related("evidence").order_by("at", "id")
    )


@require_GET
@login_required
def order_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The order, its history and what the user may do with it."""
    return _page(request, order_for_user(request, pk))


def _refused(
    request: HttpRequest, order: SupervisionOrder, error: OrderError, **forms
) -> HttpResponse:
    """The page again with the reason, what the user typed kept; a stale form now carries the
    current version, so that submitting again, after reading what changed, is deliberate."""
    kept = ""
    if isinstance(error, StaleOrder):
        order = order_for_user(request, order.pk)
        data = request.POST.copy()
        data["version"] = str(order.version)
        for form in forms.values():
            form.data = data
        kept = data.get("text") or data.get("reason") or ""
    status = 409 if isinstance(error, StaleOrder) else 400
    return _page(request, order, error=error, kept=kept, status=status, **forms)


def _version(request: HttpRequest) -> int:
    form = StepForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else 0


@require_POST
@login_required
def order_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The recipient signs for the order (签收)."""
    order = order_for_user(request, pk)
    access = access_for(request)
    if not duties.may_answer(access, order):
        raise PermissionDenied(_("只有承办单位才能签收督办单。"))
    try:
        sign(
            user=request.user,
            access=access,
            order=order,
            started_from=_version(request),
            today=timezone.localdate(),
            request=request,
        )
    except OrderError as problem:
        return _refused(request, order, problem)
    return redirect("order", pk=order.pk)


@require_POST
@login_required
def order_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The recipient answers with its rectification and evidence (报送整改情况)."""
    order = order_for_user(request, pk)
    access = access_for(request)
    if not duties.may_answer(access, order):
        raise PermissionDenied(_("只有承办单位才能报送整改情况。"))
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, order, answer_form=form, status=400)
    try:
        answer(
            user=request.user,
            access=access,
            order=order,
            text=form.cleaned_data["text"],
            files=form.checked_files,
            uploads=form.cleaned_data["files"],
            started_from=form.cleaned_data["version"],
            today=timezone.localdate(),
            request=request,
        )
    except OrderError as problem:
        return _refused(request, order, problem, answer_form=form)
    return redirect("order", pk=order.pk)


@require_POST
@login_required
def order_verify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The issuing level closes the order (办结) or returns it for redoing (退回重办)."""
    order = order_for_user(request, pk)
    access = access_for(request)
    if not duties.may_verify(access, order):
        raise PermissionDenied(_("只有下达督办单的一级(或其同级审核人)才能核验,核验没有保存。"))
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return _page(request, order, verify_form=form, status=400)
    try:
        verify(
            user=request.user,
            access=access,
            order=order,
            close=form.cleaned_data["decision"] == "close",
            reason=form.cleaned_data["reason"],
            started_from=form.cleaned_data["version"],
            today=timezone.localdate(),
            request=request,
        )
    except OrderError as problem:
        return _refused(request, order, problem, verify_form=form)
    return redirect("order", pk=order.pk)


def _document_context(request: HttpRequest, order: SupervisionOrder) -> dict[str, object]:
    return {
        "order": order,
        "steps": _steps(order),
        "overdue": is_overdue(order, timezone.localdate()),
        "LANGUAGE_CODE": translation.get_language(),
    }


@require_GET
@login_required
def order_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The order as a document, with a print style."""
    order = order_for_user(request, pk)
    return render(request, "orders/print.html", _document_context(request, order))


@require_GET
@login_required
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The order as an A4 PDF, typeset by WeasyPrint within the request (one page or two: far
    lighter than the briefing), fetching nothing; recorded in the audit trail."""
    order = order_for_user(request, pk)
    from weasyprint import HTML  # heavy: loaded only for a PDF, as the briefing's

    def no_fetching(url: str, *args: object, **kwargs: object) -> dict:
        raise ValueError(f"not fetched: {url}")

    html = render_to_string("orders/pdf.html", _document_context(request, order), request=request)
    pdf = HTML(string=html, url_fetcher=no_fetching).write_pdf(
        stylesheets=[finders.find("css/order.css")]
    )
    trail.Export("download.order", request, obj=order).record(fmt="pdf", size=len(pdf))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="order-{order.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def order_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An answer's evidence file, as a download, to those who may see the order; recorded."""
    evidence = get_object_or_404(OrderEvidence.objects.select_related("step"), pk=pk)
    order_for_user(request, evidence.step.order_id)
    opened = evidence.file.open("rb")
    try:
        trail.Export("download.order_evidence", request, obj=evidence).record(
            fmt=evidence.content_type, size=evidence.size
        )
    except BaseException:
        opened.close()
        raise
    response = FileResponse(
        opened, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
