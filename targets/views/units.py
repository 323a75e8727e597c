"""The units and the province's responsibility matrix as an Excel workbook, for the system admin:
export it, edit it, import it back after seeing what would change."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from targets.accounts.access import require_system_admin
from targets.audit import trail
from targets.http import AuthenticatedHttpRequest
from targets.spreadsheets import exports
from targets.spreadsheets.pending_upload import PendingUpload
from targets.spreadsheets.xlsx_input import ImportRefused
from targets.units import workbook as units_workbook

UNITS = PendingUpload("units-import")
TEMPLATE = "units/import.html"


class UnitsUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("编辑后的单位与分工工作簿(.xlsx)"))


@require_GET
@login_required
def units_export(request: HttpRequest) -> FileResponse:
    require_system_admin(request)
    name = f"units-{timezone.localtime():%Y%m%d-%H%M}"
    record = trail.Export("export.units", request)
    return exports.workbook_response(units_workbook.export(), name, record)


@require_http_methods(["GET", "POST"])
@login_required
def units_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the upload form. POST a file: the errors, or the changes with a confirmation.
    POST ``confirm``: apply them."""
    require_system_admin(request)
    context: dict[str, object] = {"form": UnitsUploadForm()}
    if request.method == "GET":
        return render(request, TEMPLATE, context)
    if "confirm" in request.POST:
        return _confirm(request)
    form = UnitsUploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    try:
        checked = units_workbook.check(form.cleaned_data["file"])
    except ImportRefused as refused:
        context["refused"] = str(refused)
        return render(request, TEMPLATE, context, status=400)
    context["checked"] = checked
    if checked.errors:
        return render(request, TEMPLATE, context, status=400)
    if not checked.unchanged:
        context["token"] = UNITS.keep(request, form.cleaned_data["file"])
    return render(request, TEMPLATE, context)


def _confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    stored = UNITS.open(request, request.POST.get("token", ""))  # 404 if not this session's
    try:
        with stored:
            counts = units_workbook.confirm(
                stored, request.POST.get("digest", ""), user=request.user, request=request
            )
    except ImportRefused as refused:
        messages.error(request, str(refused))
        return redirect("units_import")
    finally:
        UNITS.forget(request)
    messages.success(request, _("已导入:单位 %(units)d 个,举措分工 %(divisions)d 项。") % counts)
    return redirect("units_import")
