"""The rounds' bulk data files (批量数据文件), for the provincial reviewers and the system admin:
each closed round with its file's size, sha256 and date, made by the worker when asked for (the
list asks again every few seconds, htmx, while one is on its way) and downloaded, recorded in the
audit trail."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from targets.accounts.access import bulk_file_for_user, require_bulk_data
from targets.audit import trail
from targets.bulk_data import files
from targets.http import HtmxHttpRequest
from targets.models import Period


def _context() -> dict[str, object]:
    rounds = list(files.closed_rounds(timezone.localdate()))
    made = files.by_round(rounds)
    listed = [(period, made.get(period.pk), files.file_name(period)) for period in rounds]
    return {
        "rounds": listed,
        "pending": any(f is not None and f.pending for _p, f, _n in listed),
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def bulk_data(request: HtmxHttpRequest) -> HttpResponse:
    require_bulk_data(request)
    if request.htmx:
        return render(request, "bulk_data/page.html#rounds", _context())
    return render(request, "bulk_data/page.html", _context())


@require_POST
@login_required
def bulk_data_make(request: HtmxHttpRequest) -> HttpResponse:
    """Ask the worker for a closed round's file (again, if it was made before)."""
    require_bulk_data(request)
    closed = files.closed_rounds(timezone.localdate())
    period = closed.filter(code=request.POST.get("period", "")).first()
    if period is None:
        messages.error(request, _("只能为截止日期已过的填报周期生成批量数据文件。"))
    else:
        with transaction.atomic():  # the file, its job and its audit record, or none of them
            # @login_required: the user is signed in.
            generated, new = files.request_file(period=period, user=cast(User, request.user))
            if new:
                trail.record(
                    "bulk_data.request",
                    request=request,
                    obj=period,
                    changes={"file": [None, generated.pk]},
                )
        if new:
            messages.success(
                request,
                _("已请求生成%(round)s的批量数据文件,生成后可在此下载。") % {"round": period.label},
            )
    if request.htmx:
        return render(request, "bulk_data/page.html#rounds", _context())
    return redirect("bulk_data")


@require_GET
@login_required
def bulk_data_file(request: HtmxHttpRequest, pk: int) -> FileResponse:
    """A round's zip, recorded in the audit trail with its size."""
    generated = bulk_file_for_user(request, pk)
    period: Period | None = generated.period
    if period is None:
        raise Http404
    trail.Export("download.bulk_data", request, {"period": period}, period).record(
        fmt="zip", rows=generated.rows, size=generated.size
    )
    return FileResponse(
        generated.file.open("rb"),
        as_attachment=True,
        filename=files.file_name(period),
        content_type="application/zip",
    )
