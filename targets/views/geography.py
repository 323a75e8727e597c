from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from targets.accounts.access import access_for, county_for_user
from targets.models import County, Indicator, Measure
from targets.plan import outline as structure
from targets.supervision import lights
from targets.supervision.periods import last_ended_period


@require_GET
@login_required
def county(request: HttpRequest, code: str) -> HttpResponse:
    """A county's task areas, measures and indicators, and its light in the latest round that
    is over (the one it should have reported on), with its counts of red and yellow measures."""
    county = county_for_user(request, code, related=("prefecture__region", "county_type"))
    plan = structure.current_plan()
    today = timezone.localdate()
    ended = last_ended_period(today)
    light = None
    if ended is not None:
        judge = lights.Judge(ended, today)
        one = County.objects.filter(pk=county.pk)
        light = lights.county_lights(judge, one, Measure.objects.all())[county.pk]
    context = {
        "county": county,
        "ended": ended,
        "light": light,
        "plan": plan,
        "task_areas": structure.task_areas_with_measures(plan) if plan else [],
        "indicators": structure.indicators(plan, level=Indicator.Level.COUNTY) if plan else [],
        "can_report": access_for(request).can_report_for(county),
    }
    return render(request, "county/page.html", context)
