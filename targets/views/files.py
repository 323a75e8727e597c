"""The user's own files (我的文件): the exports the worker made for them, each with its state
(queued, running, ready, failed, expired); a ready one downloads until EXPORT_KEEP_HOURS have
passed. While one is on its way, the list asks again every few seconds (htmx) for itself alone."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from targets.accounts.access import generated_file_for_user
from targets.audit import trail
from targets.forms.review import QueueFilterForm
from targets.http import AuthenticatedHttpRequest, HtmxHttpRequest
from targets.models import EXPORT_KINDS, GeneratedFile
from targets.review import export_files
from targets.spreadsheets.exports import XLSX

CONTENT_TYPES = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}
PAGE_SIZE = 30


def _described(generated: GeneratedFile) -> str:
    """The filters that chose the export's rows, in words: each field's label and the code it
    was given (as the audit trail keeps them)."""
    fields = QueueFilterForm.base_fields
    said = []
    for name, value in generated.params.get("filters", {}).items():
        label = fields[name].label if name in fields else name
        said.append(str(label) if value is True else f"{label} {value}")
    return _("、").join(said)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def my_files(request: HtmxHttpRequest) -> HttpResponse:
    mine = GeneratedFile.objects.filter(requested_by_id=request.user.pk, kind__in=EXPORT_KINDS)
    page = Paginator(mine.order_by("-requested_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    listed = [(f, export_files.file_name(f), _described(f)) for f in page.object_list]
    context = {
        "page": page,
        "files": listed,
        "pending": any(f.pending for f, _name, _filters in listed),
        "keep_hours": settings.EXPORT_KEEP_HOURS,
        "query": "",
    }
    if request.htmx:
        return render(request, "files/page.html#files", context)
    return render(request, "files/page.html", context)


@require_GET
@login_required
def my_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse | FileResponse:
    """A ready export of the user's own, recorded in the audit trail as a download."""
    generated = generated_file_for_user(request, pk)
    if not generated.downloadable:
        if generated.expired:
            messages.error(request, _("这个文件已过期,不能再下载。请回到原页面重新导出。"))
        else:
            messages.error(request, _("这个文件还没有生成好,生成后会通知您。"))
        return redirect("my_files")
    trail.Export("download.export", request, generated.params.get("filters", {}), generated).record(
        fmt=generated.fmt, rows=generated.rows, size=generated.size
    )
    return FileResponse(
        generated.file.open("rb"),
        as_attachment=True,
        filename=export_files.file_name(generated),
        content_type=CONTENT_TYPES[generated.fmt],
    )
