from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from targets.accounts.access import access_for, county_for_user, visible_orders
from targets.models import County, Indicator, Measure
from targets.orders import listing
from targets.plan import outline as structure
from targets.reporting import todo
from targets.supervision import lights, periods


@require_GET
@login_required
def county(request: HttpRequest, code: str) -> HttpResponse:
    """A county's task areas, measures and indicators, with the way to its rounds: for its
    reporters the round that needs their action, for others the latest round past its deadline
    and the round being reported; and its light in the latest round past its deadline, with its
    counts of red and yellow measures."""
    county = county_for_user(request, code, related=("prefecture__region", "county_type"))
    plan = structure.current_plan()
    today = timezone.localdate()
    access = access_for(request)
    can_report = access.can_report_for(county)
    ended = periods.reviewed_round(today)
    light = None
    if ended is not None:
        judge = lights.Judge(ended, today)
        one = County.objects.filter(pk=county.pk)
        light = lights.county_lights(judge, one, Measure.objects.all())[county.pk]
    context = {
        "action_round": todo.round_needing_action(county, today) if can_report else None,
        "rounds": None if can_report else periods.for_review(today),
        "county": county,
        "ended": ended,
        "light": light,
        "plan": plan,
        "task_areas": structure.task_areas_with_measures(plan) if plan else [],
        "indicators": structure.indicators(plan, level=Indicator.Level.COUNTY) if plan else [],
        "can_report": can_report,
        "orders_tally": listing.tally(visible_orders(access).filter(county=county), today),
    }
    return render(request, "county/page.html", context)
