"""Indicator values from Excel, for county reporters: the template of a period, the upload that is
checked row by row, the preview of what would change, and the confirmation that applies it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from targets.accounts.access import access_for
from targets.audit import trail
from targets.models import County, Period
from targets.reporting import value_import
from targets.spreadsheets import exports
from targets.spreadsheets.pending_upload import PendingUpload
from targets.spreadsheets.xlsx_input import ImportRefused
from targets.supervision.periods import current_period

PREVIEW_LIMIT = 200  # rows of each kind shown in the preview


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("填好的Excel文件(.xlsx)"))
    submit = forms.BooleanField(
        label=gettext_lazy("导入后直接提交审核(不勾选则保存为草稿)"), required=False
    )


def _my_counties(request: HttpRequest):
    """The counties the user reports for; 403 for everyone else."""
    counties = County.objects.filter(pk__in=access_for(request).county_ids)
    if not counties.exists():
        raise PermissionDenied
    return counties


@require_GET
@login_required
def values_template(request: HttpRequest) -> HttpResponse:
    """The .xlsx to fill in for a period: the user's counties × the county-level indicators."""
    counties = _my_counties(request)
    period = get_object_or_404(Period, code=request.GET.get("period", ""))
    chosen = {"period": period, "counties": list(counties)}
    record = trail.Export("export.values_template", request, chosen)
    return exports.response(value_import.template(period, counties), "xlsx", record)


VALUES = PendingUpload("value-import")


@require_http_methods(["GET", "POST"])
@login_required
def values_import(request: HttpRequest) -> HttpResponse:
    """GET: the template download and the upload form. POST with a file: check it and show the
    errors, or what would change with a button to confirm. POST ``confirm``: apply it."""
    counties = _my_counties(request)
    period = current_period(timezone.localdate())
    context: dict[str, object] = {
        "periods": Period.objects.only("code", "cadence", "starts_on"),
        "period": period,
        "form": UploadForm(),
    }
    if request.method == "GET":
        return render(request, "imports/values.html", context)
    if "confirm" in request.POST:
        return _confirm(request, counties)
    form = UploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "imports/values.html", context, status=400)
    upload = form.cleaned_data["file"]
    try:
        checked = value_import.check(upload, counties)
    except ImportRefused as refused:
        context["refused"] = str(refused)
        return render(request, "imports/values.html", context, status=400)
    if checked.errors:
        context["checked"] = checked
        return render(request, "imports/values.html", context, status=400)
    token = VALUES.keep(request, upload)
    context |= {
        "checked": checked,
        "token": token,
        "submit": form.cleaned_data["submit"],
        "preview": {kind: checked.of_kind(kind)[:PREVIEW_LIMIT] for kind in ("new", "changed")},
        "limit": PREVIEW_LIMIT,
    }
    return render(request, "imports/values.html", context)


def _confirm(request: HttpRequest, counties) -> HttpResponse:
    """Check the stored file again and apply it, if it still does what the preview showed."""
    stored = VALUES.open(request, request.POST.get("token", ""))  # 404 if not this session's
    try:
        with stored:
            checked = value_import.check(stored, counties)
        if checked.errors:
            raise value_import.ImportChanged(_("预览之后数据已有变化,请重新上传文件核对。"))
        counts = value_import.apply(
            checked,
            request.POST.get("digest", ""),
            user=request.user,
            submit=request.POST.get("submit") == "on",
            request=request,
        )
    except (ImportRefused, value_import.ImportChanged) as problem:
        messages.error(request, str(problem))
        return redirect("values_import")
    finally:
        VALUES.forget(request)
    messages.success(
        request,
        _("已导入:新增 %(new)d 条,修改 %(changed)d 条,未变 %(unchanged)d 条。") % counts,
    )
    return redirect("values_import")
