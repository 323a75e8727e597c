from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from targets.accounts.access import access_for
from targets.models import County


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each user to their place: reporters to their county, reviewers to the province, the system
    admin to the plan, the security admin to the roles, the audit admin to the trail."""
    access = access_for(request)
    if access.is_system_admin:
        return redirect("plan")
    if access.is_security_admin:
        return redirect("admin:targets_role_changelist")
    if access.is_audit_admin:
        return redirect("audit")
    if access.is_reviewer:
        return redirect("province")
    if access.county_ids:
        county = County.objects.filter(pk__in=access.county_ids).order_by("code").first()
        # The counties of one's roles exist: a role keeps its county (on_delete=PROTECT).
        return redirect("county", code=county.code)  # type: ignore[union-attr]
    return render(request, "home/no_role.html", status=403)
