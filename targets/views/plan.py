from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from targets.accounts.access import require_plan_view
from targets.plan import outline as structure


@require_GET
@login_required
def plan_page(request: HttpRequest) -> HttpResponse:
    """The Decision as structured: goals, task areas and measures, integrations, bottom lines,
    the cross-tab, and the clauses that nothing tracks yet."""
    require_plan_view(request)
    plan = structure.current_plan()
    if plan is None:
        raise Http404
    task_areas = structure.task_areas_with_measures(plan)
    integrations = structure.integrations(plan)
    context = {
        "plan": plan,
        "goals_by_horizon": structure.goals_by_horizon(plan),
        "task_areas": task_areas,
        "integrations": integrations,
        "crosstab": structure.crosstab(task_areas, integrations),
        "bottom_lines": structure.bottom_lines(plan),
        "indicators": structure.indicators(plan),
        "clauses": plan.clauses.order_by("number"),
        "untracked": structure.untracked_clauses(plan),
    }
    return render(request, "plan/page.html", context)
