from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from targets.accounts.access import access_for
from targets.models import County, Department
from targets.orders import listing
from targets.reporting import todo as todo_list
from targets.units import assigned


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each user to their place: reporters (a county's lead office) and county departments to
    their to-do list, reviewers to the province, the system admin to the plan, the security
    admin to the roles, the audit admin to the trail."""
    access = access_for(request)
    if access.is_system_admin:
        return redirect("plan")
    if access.is_security_admin:
        return redirect("admin:targets_role_changelist")
    if access.is_audit_admin:
        return redirect("audit")
    if not access.sees_every_measure:
        # A provincial department's user: its own department's page (the first, with several).
        return redirect(
            "department",
            code=Department.objects.filter(pk__in=access.department_ids)
            .order_by("code")
            .values_list("code", flat=True)
            .first(),
        )
    if access.is_reviewer:
        return redirect("province")
    if access.county_ids or access.department_county_ids:
        return redirect("todo")
    return render(request, "home/no_role.html", status=403)


@require_GET
@login_required
def todo(request: HttpRequest) -> HttpResponse:
    """A county reporter's to-do list across rounds: overdue measures, returns with the
    reviewer's comment, drafts, drafts its departments sent for checking, and the next deadline,
    each leading to the form. A county department's: the same, of the measures given to it."""
    access = access_for(request)
    only = None
    if access.county_ids:
        county_ids = access.county_ids
    elif access.department_county_ids:
        county_ids = access.department_county_ids
        leads = assigned.county_leads(county_ids)
        only = {
            measure
            for departments in leads.values()
            for department, measures in departments.items()
            if department in access.county_department_ids
            for measure in measures
        }
    else:
        raise PermissionDenied
    counties = list(
        County.objects.filter(pk__in=county_ids).select_related("prefecture").order_by("code")
    )
    today = timezone.localdate()
    context = {
        "todo": todo_list.todo(counties, today, only),
        "department": only is not None,
        "counties": counties,
        "several": len(counties) > 1,  # then each item names its county
        "today": today,
        # The supervision orders its lead office is to sign for or answer.
        "orders": listing.awaiting(county_ids) if only is None else [],
    }
    return render(request, "home/todo.html", context)
