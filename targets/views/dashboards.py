"""The province's dashboards: the overview with its cuts and drill-down, and a measure's grid
across the counties. Progress figures come from approved notes only."""

import itertools
from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from plenum import replica
from plenum.replica import reads_may_lag
from targets.accounts.access import (
    access_for,
    measure_for_user,
    require_measure_view,
    require_province_view,
    visible_orders,
    visible_problems,
)
from targets.audit import trail
from targets.caching import shared_pages
from targets.dashboards import figures, indicator_page
from targets.forms.dashboards import DashboardFilterForm, GoalsFilterForm
from targets.geography import pages
from targets.http import HtmxHttpRequest
from targets.models import (
    BoundaryMap,
    Indicator,
    Measure,
    State,
    StatusOption,
    TaskArea,
    units_prefetch,
)
from targets.orders import listing
from targets.plan import outline
from targets.spreadsheets import export_tables, exports
from targets.supervision import lights, periods, rulebook


def _applied(filters: dict, scope, **more) -> dict:
    """The filters that chose an export's rows: the form's, with the period it fell back to."""
    return {**filters, "period": scope.period, **more}


def _without_page(request: HttpRequest) -> str:
    """The query of the page the user is on, for the pager's links to add their page to."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _scope(request: HttpRequest, form_class=DashboardFilterForm, *, measures_only=False):
    """The filters and what they choose. ``measures_only``: a page of measures across the
    counties, which a provincial department also opens, on its own measures alone."""
    access = (require_measure_view if measures_only else require_province_view)(request)
    form = form_class(request.GET, access=access)
    filters = form.cleaned_data if form.is_valid() else {}
    rounds = periods.for_review(timezone.localdate(), filters.get("period"))
    if rounds is None:
        raise Http404
    scope = figures.scope_from(
        filters, access.visible_counties(), rounds.shown, whole_province=access.sees_whole_province
    )
    if access.measure_ids is not None:
        scope.measures = scope.measures.filter(pk__in=access.measure_ids)
        scope.all_measures = False
    return form, filters, scope, rounds


@require_GET
@login_required
@vary_on_headers("HX-Request")
@reads_may_lag
def overview(request: HtmxHttpRequest) -> HttpResponse:
    """This round across the province (or the region, prefecture, type, task area filtered to):
    completeness, statuses, bottom-line flags, who is furthest behind, the units to drill into,
    and the cuts by task area, by integration and their cross-tab."""
    form, filters, scope, rounds = _scope(request)
    context = partial(_overview_context, request, form, filters, scope, rounds)
    fmt = exports.requested(request)
    if fmt:
        table = _overview_table(request, context())
        chosen = request.GET.get("table")
        which = chosen if chosen in ("task_areas", "integrations") else "units"
        record = trail.Export("export.overview", request, _applied(filters, scope, table=which))
        return exports.response(table, fmt, record)
    shared = partial(
        shared_pages.page_part,
        request,
        audience=shared_pages.audience_of(access_for(request)),
        context=context,
        filters=form.fields,
    )
    if request.htmx:
        return HttpResponse(shared("dashboards/overview.html#results"))
    page = {
        "content": shared("dashboards/overview.html#content"),
        "period": scope.period,
        # Outside the shared cache: it changes with the day and with every rectification.
        "overdue_problems": visible_problems(access_for(request))
        .overdue(timezone.localdate())
        .count(),
        # Outside the shared cache: an order's step shows at once.
        "orders_tally": listing.tally(visible_orders(access_for(request)), timezone.localdate()),
    }
    return render(request, "dashboards/overview.html", page)


# The filters that choose a scope's counties and measures, and so its county lights.
SCOPE_FILTERS = (
    "region",
    "prefecture",
    "county_type",
    "flag",
    "task_area",
    "integration",
    "department",
)


def _county_lights(request: HttpRequest, filters: dict, scope, judge) -> dict:
    """Each county's light in the scope: counted over the round's notes once, and shared by the
    overview and every measure's grid of the same scope through the shared page cache."""
    chosen = [getattr(filters.get(name), "pk", filters.get(name)) for name in SCOPE_FILTERS]
    audience = shared_pages.audience_of(access_for(request))
    parts = ("county-lights", scope.period.code, repr(audience), repr(chosen))
    return shared_pages.figures_named_by(
        parts, lambda: lights.county_lights(judge, scope.counties, scope.measures, scope.notes)
    )


def _overview_context(request: HttpRequest, form, filters: dict, scope, rounds) -> dict:
    level = (
        "county"
        if filters.get("prefecture")
        else ("prefecture" if filters.get("region") else "region")
    )
    integrations, crosstab = figures.crosstab(scope)
    completeness, status_mix = figures.completeness_and_statuses(scope)
    prefecture = filters.get("prefecture")
    judge = lights.Judge(scope.period, timezone.localdate())
    county_lights = _county_lights(request, filters, scope, judge)
    units = figures.by_unit(scope, level)
    figures.attach_lights(units, scope, level, county_lights)
    behind = figures.furthest_behind(scope, county_lights)
    return {
        "form": form,
        "filters": filters,
        "period": scope.period,
        "rounds": rounds,
        "level": level,
        "crumb_region": filters.get("region") or (prefecture.region if prefecture else None),
        "completeness": completeness,
        "status_mix": status_mix,
        "measures": scope.measures.select_related("task_area").order_by("order"),
        "status_chart": {
            "type": "bar",
            "labels": [s.label for s, _n in status_mix],
            "values": [n for _s, n in status_mix],
            "colours": [s.color for s, _n in status_mix],
        },
        "flags": figures.flags(scope),
        "light_tally": lights.tally(county_lights.values()),
        "rules": judge.rules,
        "behind": behind,
        "units": units,
        "task_areas": figures.by_task_area(scope),
        "integration_rows": figures.by_integration(scope),
        "integrations": integrations,
        "crosstab": crosstab,
        "as_of": replica.as_of(),
        "last_approval": figures.last_approval(scope),
        "query": request.GET.urlencode(),
    }


LEVEL_TITLES = {"region": _("各经济区"), "prefecture": _("各市州"), "county": _("各县(市、区)")}


def _overview_table(request: HttpRequest, context: dict) -> exports.Table:
    """One of the overview's tables (``?table=``): the units, the task areas or the
    integrations, as on screen."""
    period = context["period"]
    chosen = request.GET.get("table")
    if chosen == "task_areas":
        rows, name, title, lit = context["task_areas"], "task-areas", _("按重点任务"), False
    elif chosen == "integrations":
        rows, name, title, lit = context["integration_rows"], "integrations", _("按四个融合"), False
    else:
        rows, name, title, lit = (
            context["units"],
            context["level"],
            LEVEL_TITLES[context["level"]],
            True,
        )
    level = context["level"]
    return export_tables.units(
        rows, period=period, name=f"{name}-{period.code}", title=str(title), lit=lit, level=level
    )


@require_GET
@login_required
@reads_may_lag
def grid(request: HttpRequest, measure: str) -> HttpResponse:
    """One measure across the counties in scope: status, percent, age of the last note, not
    reported this round, and disagreement between county and reviewer; as a tile map grouped by
    prefecture and as a table."""
    form, filters, scope, rounds = _scope(request, measures_only=True)
    measure = measure_for_user(
        request,
        measure,
        Measure.objects.select_related("task_area").prefetch_related(units_prefetch()),
    )

    def grouped(counties) -> list:
        judge = lights.Judge(scope.period, timezone.localdate())
        county_lights = _county_lights(request, filters, scope, judge)
        return figures.measure_grid(measure, judge, counties, county_lights)

    fmt = exports.requested(request)
    if fmt:
        table = export_tables.measure_grid(measure, scope.period, grouped(scope.counties))
        record = trail.Export("export.grid", request, _applied(filters, scope), measure)
        return exports.response(table, fmt, record)
    boundaries = BoundaryMap.objects.first()  # the latest upload

    def context() -> dict:
        page, counties = pages.county_page(scope.counties, request.GET.get("page"))
        groups = grouped(counties)
        return {
            "form": form,
            "period": scope.period,
            "rounds": rounds,
            "measure": measure,
            "groups": groups,
            "page": page,
            "boundaries": boundaries,
            "map_chart": figures.map_chart(groups, boundaries) if boundaries else None,
            "today": replica.as_of(),
            "query": request.GET.urlencode(),
            "page_query": _without_page(request),
        }

    audience = shared_pages.audience_of(access_for(request))
    content = shared_pages.page_part(
        request, "dashboards/grid.html#content", audience, context, filters=[*form.fields, "page"]
    )
    page = {
        "content": content,
        "measure": measure,
        "period": scope.period,
        "has_map": boundaries is not None,
    }
    return render(request, "dashboards/grid.html", page)


@require_GET
@login_required
@reads_may_lag
def notes(request: HttpRequest) -> HttpResponse:
    """The notes behind a figure of the overview: this round's notes in the scope, by state and,
    for approved ones, by status."""
    form, filters, scope, rounds = _scope(request, measures_only=True)
    found = scope.notes.select_related("county__prefecture", "measure", "status").order_by(
        "county__code", "measure__order"
    )
    state, status = request.GET.get("state"), request.GET.get("status")
    if state in State.values:
        found = found.filter(state=state)
    if status:
        found = found.filter(state=State.APPROVED, status__code=status)
    judge = lights.Judge(scope.period, timezone.localdate())
    fmt = exports.requested(request)
    if fmt:
        every = ((note, judge.slot(lights.Slot.of(note))) for note in found.iterator())
        chosen = _applied(
            filters, scope, state=state if state in State.values else None, status=status
        )
        record = trail.Export("export.notes", request, chosen)
        return exports.response(export_tables.notes(scope.period, every), fmt, record)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "period": scope.period,
        "rounds": rounds,
        "page": page,
        "rows": [(note, judge.slot(lights.Slot.of(note))) for note in page.object_list],
        "query": _without_page(request),
        "status": StatusOption.objects.filter(code=status).first(),
        "state": State(state).label if state in State.values else None,
    }
    return render(request, "dashboards/notes.html", context)


@require_GET
@login_required
@reads_may_lag
def task_area_grid(request: HttpRequest, code: str) -> HttpResponse:
    """A whole task area across the counties: one column per measure."""
    form, filters, scope, rounds = _scope(request)
    area = get_object_or_404(TaskArea, code=code)
    judge = lights.Judge(scope.period, timezone.localdate())
    chosen = None if scope.all_measures else scope.measures
    fmt = exports.requested(request)
    if fmt:
        measures, groups = figures.task_area_grid(area, judge, scope.counties, chosen)
        table = export_tables.task_area_grid(area, scope.period, measures, groups)
        record = trail.Export("export.task_area_grid", request, _applied(filters, scope), area)
        return exports.response(table, fmt, record)
    page, counties = pages.county_page(scope.counties, request.GET.get("page"))
    measures, groups = figures.task_area_grid(area, judge, counties, chosen)
    context = {
        "form": form,
        "period": scope.period,
        "rounds": rounds,
        "area": area,
        "measures": measures,
        "groups": groups,
        "page": page,
        "page_query": _without_page(request),
        "statuses": StatusOption.objects.all(),
        "query": request.GET.urlencode(),
    }
    return render(request, "dashboards/task_area_grid.html", context)


@require_GET
@login_required
@reads_may_lag
def indicator(request: HttpRequest, code: str) -> HttpResponse:
    """An indicator: the trend with the baseline and the 2027 and 2035 target lines, its pace with
    the inputs behind it, the counties ranked within their county type, the values as a table."""
    _form, filters, scope, _rounds = _scope(request)
    indicator = get_object_or_404(
        Indicator.objects.select_related("weight").prefetch_related("targets", "goals"), code=code
    )
    limits = indicator_page.thresholds()
    line = indicator_page.trend(indicator, scope.counties, scope.all_counties)
    groups = indicator_page.county_rows(indicator, scope.counties, limits)
    fmt = exports.requested(request)
    if fmt:
        # The ranking reads every period's values: the period filter does not choose its rows.
        chosen = {**filters, "period": None}
        record = trail.Export("export.indicator", request, chosen, indicator)
        return exports.response(export_tables.indicator_ranking(indicator, groups), fmt, record)
    # The ranking a page of counties at a time, each under its county type's heading.
    page = pages.rows_page(
        [(county_type, row) for county_type, rows in groups for row in rows],
        request.GET.get("page"),
    )
    shown = [
        (county_type, [row for _type, row in rows])
        for county_type, rows in itertools.groupby(page.object_list, key=lambda pair: pair[0])
    ]
    context = {
        "indicator": indicator,
        "line": line,
        "pace": indicator_page.province_pace(indicator, line.points, limits),
        "chart": indicator_page.chart_data(line),
        "latest_period": line.points[-1].label if line.points else None,
        "groups": shown,
        "page": page,
        "page_query": _without_page(request),
        "thresholds": limits,
    }
    return render(request, "dashboards/indicator.html", context)


@require_GET
@login_required
@reads_may_lag
def goals(request: HttpRequest) -> HttpResponse:
    """The goals for 2027 and 2035, each with its indicators and their pace, in the scope."""
    form, filters, scope, _rounds = _scope(request, GoalsFilterForm)
    limits = indicator_page.thresholds()

    def paced(indicators) -> list:
        return [
            (
                item,
                indicator_page.province_pace(
                    item,
                    indicator_page.trend(item, scope.counties, scope.all_counties).points,
                    limits,
                ),
            )
            for item in indicators.select_related("weight").prefetch_related("targets")
        ]

    horizons = []
    for label, members in outline.goals_by_horizon(outline.current_plan()):
        if filters.get("horizon") and members and members[0].horizon != filters["horizon"]:
            continue
        rows = [(goal, paced(goal.indicators.all())) for goal in members]
        horizons.append((label, rows))
    context = {
        "form": form,
        "horizons": horizons,
        "unattached": paced(Indicator.objects.filter(goals__isnull=True)),
    }
    return render(request, "dashboards/goals.html", context)


@require_GET
@login_required
def pace_rules(request: HttpRequest) -> HttpResponse:
    """How "on track" is computed, with the thresholds in force."""
    require_province_view(request)
    context = {
        "thresholds": indicator_page.thresholds(),
        "rules": rulebook.current(),
        "plan_measures": Measure.objects.count(),
    }
    return render(request, "dashboards/pace.html", context)


@require_GET
@login_required
def boundaries(request: HttpRequest, pk: int) -> FileResponse:
    """The uploaded county boundaries, for the choropleth (same origin: no map service)."""
    require_province_view(request)
    boundary_map = get_object_or_404(BoundaryMap, pk=pk)
    return FileResponse(boundary_map.file.open("rb"), content_type="application/geo+json")
