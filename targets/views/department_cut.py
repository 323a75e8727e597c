"""The overview cut by responsible department: every provincial department with its measures'
completeness and warning lights across the counties in scope, and one department's measures in
detail. For reviewers (a prefecture's reviewer counts its own counties), the system admin, and a
provincial department for its own rows."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from targets.accounts.access import (
    Access,
    department_for_user,
    require_department_cut,
    sees_every_department,
)
from targets.caching import shared_pages
from targets.dashboards import department_cut, figures
from targets.departments import work_list
from targets.forms.dashboards import DepartmentCutFilterForm
from targets.http import HtmxHttpRequest
from targets.models import Responsibility
from targets.supervision import lights, periods


def _scope(request: HttpRequest, access: Access):
    form = DepartmentCutFilterForm(request.GET, access=access)
    filters = form.cleaned_data if form.is_valid() else {}
    rounds = periods.for_review(timezone.localdate(), filters.get("period"))
    if rounds is None:
        raise Http404
    scope = figures.scope_from(
        filters, access.visible_counties(), rounds.shown, whole_province=access.sees_whole_province
    )
    return form, filters, scope, rounds


def _audience(access: Access) -> tuple:
    """Who sees the same cut: the counties, and which departments' rows."""
    every = sees_every_department(access)
    departments = "every" if every else tuple(sorted(access.department_ids))
    return (*shared_pages.audience_of(access), departments)


def _common(request: HttpRequest, form, scope, rounds) -> dict:
    return {
        "form": form,
        "period": scope.period,
        "rounds": rounds,
        "as_of": timezone.now(),
        "query": request.GET.urlencode(),
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def departments(request: HtmxHttpRequest) -> HttpResponse:
    """Each provincial department with how many measures it leads and cooperates on, their
    completeness across the counties and their lights, in the round shown."""
    access = require_department_cut(request)
    form, _filters, scope, rounds = _scope(request, access)
    every = sees_every_department(access)

    def context() -> dict:
        judge = lights.Judge(scope.period, timezone.localdate())
        seen = department_cut.departments_seen(every, access.department_ids)
        rows = department_cut.cut(judge, scope.counties, seen, scope.all_counties)
        return _common(request, form, scope, rounds) | {
            "rows": rows,
            "without_lead": list(department_cut.without_lead()) if every else [],
        }

    shared = partial(
        shared_pages.page_part,
        request,
        audience=_audience(access),
        context=context,
        filters=form.fields,
    )
    if request.htmx:
        return HttpResponse(shared("dashboards/departments.html#results"))
    page = {"content": shared("dashboards/departments.html#content"), "period": scope.period}
    return render(request, "dashboards/departments.html", page)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def department(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """One department's measures, those it leads first: each with its completeness across the
    counties, the approved notes' mean percent and its lights, linked to the measure's grid."""
    unit = department_for_user(request, code)
    access = require_department_cut(request)
    form, _filters, scope, rounds = _scope(request, access)

    def context() -> dict:
        judge = lights.Judge(scope.period, timezone.localdate())
        chosen = type(unit).objects.filter(pk=unit.pk)
        (row,) = department_cut.cut(judge, scope.counties, chosen, scope.all_counties)
        return _common(request, form, scope, rounds) | {"row": row, "unit": unit}

    shared = partial(
        shared_pages.page_part,
        request,
        audience=_audience(access),
        context=context,
        filters=form.fields,
    )
    if request.htmx:
        return HttpResponse(shared("dashboards/department.html#results"))
    content = shared("dashboards/department.html#content")
    led = set(
        unit.measure_duties.filter(responsibility=Responsibility.LEAD).values_list(
            "measure", flat=True
        )
    )
    work = work_list.rows(scope.period, led) if led else []
    page = {"content": content, "period": scope.period, "unit": unit, "work": work}
    return render(request, "dashboards/department.html", page)
