"""A county's division of its measures among its own departments (县级分工): the lead office
chooses, per measure, the department that drafts the note and the cooperating ones."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from targets.accounts.access import access_for, county_for_user
from targets.forms.units import DivisionForm
from targets.http import AuthenticatedHttpRequest
from targets.models import Measure
from targets.plan.outline import current_plan
from targets.units import county_matrix
from targets.units.county_matrix import AssignmentError, Division, StaleDivision

TEMPLATE = "units/county_matrix.html"


@require_GET
@login_required
def matrix(request: HttpRequest, code: str) -> HttpResponse:
    """Every measure with its county department (lead) and cooperating ones; the county's lead
    office changes them here, others who see the county read them."""
    county = county_for_user(request, code)
    context = {
        "county": county,
        "divisions": county_matrix.divisions(county),
        "departments": county_matrix.departments_of(county),
        "can_assign": access_for(request).can_report_for(county),
    }
    return render(request, TEMPLATE, context)


@require_POST
@login_required
def assign(request: AuthenticatedHttpRequest, code: str, measure: str) -> HttpResponse:
    """Set one measure's division, then back to the page at its row; refused, the page again
    with the message and, in the row, what the user chose."""
    county = county_for_user(request, code, write=True)
    measure = get_object_or_404(Measure, code=measure, plan=current_plan())
    form = DivisionForm(request.POST)
    error: object = None
    status = 400
    chosen = None
    if form.is_valid():
        data = form.cleaned_data
        chosen = Division(measure, data["lead"], list(data["cooperating"]))
        try:
            county_matrix.assign(
                user=request.user,
                county=county,
                measure=measure,
                lead=data["lead"],
                cooperating=list(data["cooperating"]),
                started_from=data["token"],
                request=request,
            )
        except StaleDivision as stale:
            error, status = stale, 409
        except AssignmentError as problem:
            error = problem
        else:
            messages.success(request, _("已保存%(measure)s的分工。") % {"measure": measure.code})
            url = reverse("county_matrix", args=[county.code])
            return redirect(f"{url}#division-{measure.anchor}")
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    context = {
        "county": county,
        "divisions": county_matrix.divisions(county),
        "departments": county_matrix.departments_of(county),
        "can_assign": True,
        "failed": measure.pk,
        "error": error,
        "chosen": chosen,
    }
    return render(request, TEMPLATE, context, status=status)
