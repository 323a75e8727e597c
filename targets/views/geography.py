from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from targets.accounts.access import access_for, county_for_user
from targets.models import Indicator
from targets.plan import outline as structure
from targets.reporting import todo
from targets.supervision import periods


@require_GET
@login_required
def county(request: HttpRequest, code: str) -> HttpResponse:
    """A county's task areas, measures and indicators, with the way to its rounds: for its
    reporters the round that needs their action, for others the latest round past its deadline
    and the round being reported."""
    county = county_for_user(request, code, related=("prefecture__region", "county_type"))
    plan = structure.current_plan()
    today = timezone.localdate()
    can_report = access_for(request).can_report_for(county)
    context = {
        "action_round": todo.round_needing_action(county, today) if can_report else None,
        "rounds": None if can_report else periods.for_review(today),
        "county": county,
        "plan": plan,
        "task_areas": structure.task_areas_with_measures(plan) if plan else [],
        "indicators": structure.indicators(plan, level=Indicator.Level.COUNTY) if plan else [],
        "can_report": can_report,
    }
    return render(request, "county/page.html", context)
