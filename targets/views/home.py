from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from targets.accounts.access import access_for
from targets.models import County, Department
from targets.reporting import todo as todo_list


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each user to their place: reporters to their to-do list, reviewers to the province, the
    county departments to their county's report, the system admin to the plan, the security admin to the roles, the audit admin to the trail."""
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
    if access.county_ids:
        return redirect("todo")
    if access.department_county_ids:
        return redirect(
            "report_current", code=County.objects.get(pk=min(access.department_county_ids)).code
        )
    return render(request, "home/no_role.html", status=403)


@require_GET
@login_required
def todo(request: HttpRequest) -> HttpResponse:
    """A county reporter's to-do list across rounds: overdue measures, returns with the
    reviewer's comment, drafts, and the next deadline, each leading to the form."""
    access = access_for(request)
    if not access.county_ids:
        raise PermissionDenied
    counties = list(
        County.objects.filter(pk__in=access.county_ids)
        .select_related("prefecture")
        .order_by("code")
    )
    today = timezone.localdate()
    context = {
        "todo": todo_list.todo(counties, today),
        "counties": counties,
        "several": len(counties) > 1,  # then each item names its county
        "today": today,
    }
    return render(request, "home/todo.html", context)
