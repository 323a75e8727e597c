"""The plan as an Excel workbook, for the system admin: export it, edit it, import it back after
seeing what would change."""

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
from targets.plan import workbook as plan_workbook
from targets.spreadsheets import exports
from targets.spreadsheets.pending_upload import PendingUpload
from targets.spreadsheets.xlsx_input import ImportRefused

PLAN = PendingUpload("plan-import")


class PlanUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("编辑后的决定工作簿(.xlsx)"))


@require_GET
@login_required
def plan_export(request: HttpRequest) -> FileResponse:
    require_system_admin(request)
    name = f"plan-{timezone.localtime():%Y%m%d-%H%M}"
    record = trail.Export("export.plan", request)
    return exports.workbook_response(plan_workbook.workbook(), name, record)


@require_http_methods(["GET", "POST"])
@login_required
def plan_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the upload form. POST a file: the errors, or the changes with a confirmation.
    POST ``confirm``: apply them."""
    require_system_admin(request)
    context: dict[str, object] = {"form": PlanUploadForm()}
    if request.method == "GET":
        return render(request, "imports/plan.html", context)
    if "confirm" in request.POST:
        return _confirm(request)
    form = PlanUploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "imports/plan.html", context, status=400)
    try:
        checked = plan_workbook.check(form.cleaned_data["file"])
    except ImportRefused as refused:
        context["refused"] = str(refused)
        return render(request, "imports/plan.html", context, status=400)
    context["checked"] = checked
    if checked.errors:
        return render(request, "imports/plan.html", context, status=400)
    if not checked.unchanged:
        context["token"] = PLAN.keep(request, form.cleaned_data["file"])
    return render(request, "imports/plan.html", context)


def _confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    stored = PLAN.open(request, request.POST.get("token", ""))  # 404 if not this session's
    try:
        with stored:
            checked = plan_workbook.check(stored)
        if checked.errors or checked.digest != request.POST.get("digest"):
            raise ImportRefused(_("预览之后决定已有变化,请重新导出、修改后上传。"))
        counts = plan_workbook.apply(checked, user=request.user, request=request)
    except ImportRefused as refused:
        messages.error(request, str(refused))
        return redirect("plan_import")
    finally:
        PLAN.forget(request)
    messages.success(
        request,
        _("已导入:修改 %(records)d 条记录,新增 %(targets)d 个目标值版本。") % counts,
    )
    return redirect("plan_import")
