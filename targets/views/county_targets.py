"""Each county's own targets for the county-level indicators (目标分解), kept by the system admin
with the plan: a workbook of every county and indicator to download, fill in and import back
after seeing what would change."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from targets.accounts.access import require_system_admin
from targets.audit import trail
from targets.http import AuthenticatedHttpRequest
from targets.models import County, CountyTarget, Indicator
from targets.plan import county_targets
from targets.spreadsheets import exports
from targets.spreadsheets.pending_upload import PendingUpload
from targets.spreadsheets.xlsx_input import ImportRefused

PENDING = PendingUpload("county-targets-import")
TEMPLATE = "imports/county_targets.html"


class CountyTargetsUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("填好的分县目标工作簿(.xlsx)"))


@require_GET
@login_required
def county_targets_export(request: HttpRequest) -> FileResponse:
    require_system_admin(request)
    name = f"county-targets-{timezone.localtime():%Y%m%d-%H%M}"
    record = trail.Export("export.county_targets", request)
    table = county_targets.template(County.objects.all())
    return exports.workbook_response([table], name, record)


@require_http_methods(["GET", "POST"])
@login_required
def county_targets_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: how many counties have their own targets, and the upload form. POST a file: the
    errors, or the new versions with a confirmation. POST ``confirm``: write them."""
    require_system_admin(request)
    context: dict[str, object] = {"form": CountyTargetsUploadForm(), "set": _counts()}
    if request.method == "GET":
        return render(request, TEMPLATE, context)
    if "confirm" in request.POST:
        return _confirm(request)
    form = CountyTargetsUploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    try:
        checked = county_targets.check(form.cleaned_data["file"], County.objects.all())
    except ImportRefused as refused:
        context["refused"] = str(refused)
        return render(request, TEMPLATE, context, status=400)
    context["checked"] = checked
    if checked.errors:
        return render(request, TEMPLATE, context, status=400)
    if checked.changes:
        context["token"] = PENDING.keep(request, form.cleaned_data["file"])
    return render(request, TEMPLATE, context)


def _confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    stored = PENDING.open(request, request.POST.get("token", ""))  # 404 if not this session's
    try:
        with stored:
            checked = county_targets.check(stored, County.objects.all())
        if checked.errors or checked.digest != request.POST.get("digest"):
            raise ImportRefused(_("预览之后分县目标已有变化,请重新导出、修改后上传。"))
        made = county_targets.apply(checked, user=request.user, request=request)
    except (ImportRefused, county_targets.TargetsChanged) as refused:
        messages.error(
            request,
            str(refused) or _("预览之后分县目标已有变化,请重新导出、修改后上传。"),
        )
        return redirect("county_targets_import")
    finally:
        PENDING.forget(request)
    messages.success(request, _("已导入:新增 %(count)d 个分县目标值版本。") % {"count": made})
    return redirect("county_targets_import")


def _counts() -> list[tuple[Indicator, int]]:
    """Each county-level indicator with the number of counties that have a target of their own."""
    counted = dict(
        CountyTarget.objects.values_list("indicator")
        .annotate(counties=Count("county", distinct=True))
        .order_by()
    )
    indicators = Indicator.objects.filter(level=Indicator.Level.COUNTY).order_by("order", "code")
    return [(indicator, counted.get(indicator.pk, 0)) for indicator in indicators]
