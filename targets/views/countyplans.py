"""A county's task list for a year (年度任务清单): the page where its lead office lists tasks
under the measures (edited in place, row by row), submits the list and opens a change after
approval; where the prefecture's reviewer returns or approves it; its versions; the Excel
template, the import and the ledger (台账); and the counties' standing for reviewers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from targets.accounts.access import (
    access_for,
    county_plan_for_user,
    require_plan_review,
    require_province_view,
)
from targets.audit import trail
from targets.countyplans import standing, workbook, workflow
from targets.countyplans.content import filed, last_approved, tasks_of
from targets.countyplans.scope import measures_open_to
from targets.countyplans.workflow import InvalidTask, PlanError, StalePlan
from targets.forms.countyplans import ChangeForm, DecisionForm, TaskForm, UploadForm, VersionForm
from targets.http import AuthenticatedHtmxRequest
from targets.models import County, Measure, State, Task, TaskList, TaskListVersion
from targets.models.countyplans import FIRST_YEAR, LAST_YEAR
from targets.spreadsheets import exports
from targets.spreadsheets.xlsx_input import ImportRefused

PAGE = "countyplans/page.html"
ANNOUNCE = "announce"


def _task_list(county: County, year: int) -> TaskList | None:
    return TaskList.objects.filter(county=county, year=year).select_related("reviewed_by").first()


def _sections(measures, tasks) -> list[tuple[Measure, list[Task]]]:
    """Each measure open to the county with its tasks, in the plan's order."""
    by_measure: dict[int, list[Task]] = {}
    for task in tasks:
        by_measure.setdefault(task.measure_id, []).append(task)
    return [(measure, by_measure.get(measure.pk, [])) for measure in measures]


def _context(request: HttpRequest, county: County, year: int, **extra) -> dict:
    """What the page shows; a fixed number of queries however many tasks and versions."""
    access = access_for(request)
    task_list = _task_list(county, year)
    state = task_list.state if task_list else State.DRAFT
    versions = (
        list(task_list.versions.select_related("by").order_by("-number")) if task_list else []
    )
    tasks = list(tasks_of(task_list)) if task_list else []
    row = standing.Standing(county, task_list, standing.deadline_of(year), timezone.localdate())
    can_report = access.can_report_for(county)
    return {
        "county": county,
        "year": year,
        "task_list": task_list,
        "standing": row,
        "sections": _sections(measures_open_to(county, year), tasks),
        "task_count": len(tasks),
        "can_edit": can_report and state in (State.DRAFT, State.RETURNED),
        "can_submit": can_report and bool(tasks) and state in (State.DRAFT, State.RETURNED),
        "can_change": can_report and state == State.APPROVED,
        "can_review": state == State.SUBMITTED and access.reviews and access.can_review(county),
        "versions": versions,
        "has_approved": any(v.event == TaskListVersion.Event.APPROVE for v in versions),
        "list_version": task_list.version if task_list else None,
        **extra,
    }


@require_GET
@login_required
def county_plan(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The county's task list of the year, by measure, with its state, deadline and versions."""
    county = county_plan_for_user(request, code, year)
    return render(request, PAGE, _context(request, county, year))


def _task_form_response(
    request: AuthenticatedHtmxRequest,
    county: County,
    year: int,
    form: TaskForm,
    task: Task | None,
    **extra,
) -> HttpResponse:
    """The task's form: alone for htmx (in place, its errors in it), else in the whole page."""
    if request.htmx:
        context = {"county": county, "year": year, "form": form, "task": task, **extra}
        return render(request, f"{PAGE}#task-form", context)
    context = _context(request, county, year, form=form, task=task, **extra)
    return render(request, PAGE, context, status=extra.get("status", 200))


def _saved(
    request: AuthenticatedHtmxRequest, county: County, year: int, message: str, anchor: str
) -> HttpResponse:
    """After a change to the tasks: the whole list again in place (a task may have moved to
    another measure), or the page at the task."""
    if not request.htmx:
        messages.success(request, message)
        url = reverse("county_plan", args=[county.code, year])
        return redirect(f"{url}#{anchor}")
    context = _context(request, county, year)
    response = render(request, f"{PAGE}#tasks", context)
    # The list's actions (the submit button counts the tasks) follow out of band.
    response.content += render_to_string(f"{PAGE}#actions", context, request).encode()
    response = reswap(retarget(response, "#plan-tasks"), "outerHTML")
    return trigger_client_event(
        response, ANNOUNCE, {"message": message, "focus": anchor}, after="settle"
    )


def _edit_task(
    request: AuthenticatedHtmxRequest, county: County, year: int, task: Task | None
) -> HttpResponse:
    measures = measures_open_to(county, year)
    if request.method == "GET":
        initial: dict[str, object] = {}
        if task is not None:
            initial = {name: getattr(task, name) for name in workflow.TASK_FIELDS}
            initial["version"] = task.version
        else:
            initial["measure"] = measures.filter(code=request.GET.get("measure", "")).first()
        form = TaskForm(initial=initial, county=county, year=year, measures=measures, task=task)
        opened = task.measure_id if task else getattr(initial["measure"], "pk", None)
        return _task_form_response(request, county, year, form, task, open_measure=opened)
    form = TaskForm(request.POST, county=county, year=year, measures=measures)
    error, status = None, 400
    if form.is_valid():
        try:
            saved = workflow.save_task(
                user=request.user,
                county=county,
                year=year,
                task_id=task.pk if task else None,
                data=form.task_input(),
                started_from=form.cleaned_data["version"],
                request=request,
            )
        except InvalidTask as invalid:
            form.show(invalid.problems)
        except StalePlan as stale:
            error, status = stale, 409
        except PlanError as problem:
            error = problem
        else:
            message = _("已保存任务:%(title)s") % {"title": saved.title}
            return _saved(request, county, year, message, f"task-{saved.pk}")
    opened = form.cleaned_data.get("measure") if hasattr(form, "cleaned_data") else None
    return _task_form_response(
        request,
        county,
        year,
        form,
        task,
        error=error,
        status=status,
        open_measure=opened and opened.pk,
    )


@require_http_methods(["GET", "POST"])
@login_required
def task_new(request: AuthenticatedHtmxRequest, code: str, year: int) -> HttpResponse:
    """A new task (under the measure the address names): the form, then the save."""
    county = county_plan_for_user(request, code, year, write=True)
    return _edit_task(request, county, year, None)


@require_http_methods(["GET", "POST"])
@login_required
def task_edit(request: AuthenticatedHtmxRequest, code: str, year: int, pk: int) -> HttpResponse:
    county = county_plan_for_user(request, code, year, write=True)
    task = get_object_or_404(
        Task.objects.prefetch_related("milestones"),
        pk=pk,
        task_list__county=county,
        task_list__year=year,
    )
    return _edit_task(request, county, year, task)


def _refused(
    request: HttpRequest, county: County, year: int, error: Exception, status: int
) -> HttpResponse:
    """A step refused: the page with the message (in place of the list's actions for htmx)."""
    return render(request, PAGE, _context(request, county, year, error=error), status=status)


@require_POST
@login_required
def task_delete(request: AuthenticatedHtmxRequest, code: str, year: int, pk: int) -> HttpResponse:
    county = county_plan_for_user(request, code, year, write=True)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _refused(request, county, year, PlanError(_("请刷新页面后再操作。")), 400)
    try:
        workflow.delete_task(
            user=request.user,
            county=county,
            year=year,
            task_id=pk,
            started_from=form.cleaned_data["version"],
            request=request,
        )
    except StalePlan as stale:
        return _refused(request, county, year, stale, 409)
    except PlanError as problem:
        return _refused(request, county, year, problem, 400)
    return _saved(request, county, year, _("已删除任务。"), "plan-tasks")


@require_POST
@login_required
def plan_submit(request: AuthenticatedHtmxRequest, code: str, year: int) -> HttpResponse:
    """Submit the list to the prefecture (年初报备)."""
    county = county_plan_for_user(request, code, year, write=True)
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise PlanError(_("请刷新页面后再操作。"))
        workflow.submit(
            user=request.user,
            county=county,
            year=year,
            started_from=form.cleaned_data["version"],
            request=request,
        )
    except StalePlan as stale:
        return _refused(request, county, year, stale, 409)
    except PlanError as problem:
        return _refused(request, county, year, problem, 400)
    messages.success(request, _("任务清单已提交,等待市州审核。"))
    return redirect("county_plan", county.code, year)


@require_POST
@login_required
def plan_review(request: AuthenticatedHtmxRequest, code: str, year: int) -> HttpResponse:
    """The prefecture's decision on the submitted list: approve, or return with a comment."""
    county = county_plan_for_user(request, code, year)
    require_plan_review(request, county)
    form = DecisionForm(request.POST)
    approve = request.POST.get("action") == "approve"
    try:
        if not form.is_valid():
            raise PlanError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        workflow.review(
            user=request.user,
            county=county,
            year=year,
            approve=approve,
            comment=form.cleaned_data["comment"],
            started_from=form.cleaned_data["version"],
            request=request,
        )
    except StalePlan as stale:
        return _refused(request, county, year, stale, 409)
    except PlanError as problem:
        context = _context(request, county, year, error=problem, decision=form)
        return render(request, PAGE, context, status=400)
    done = _("已审核通过任务清单。") if approve else _("已退回任务清单,县里会收到通知。")
    messages.success(request, done)
    return redirect("county_plan", county.code, year)


@require_POST
@login_required
def plan_change(request: AuthenticatedHtmxRequest, code: str, year: int) -> HttpResponse:
    """Open the approved list for a change, with its reason."""
    county = county_plan_for_user(request, code, year, write=True)
    form = ChangeForm(request.POST)
    try:
        if not form.is_valid():
            raise PlanError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        workflow.open_change(
            user=request.user,
            county=county,
            year=year,
            reason=form.cleaned_data["reason"],
            started_from=form.cleaned_data["version"],
            request=request,
        )
    except StalePlan as stale:
        return _refused(request, county, year, stale, 409)
    except PlanError as problem:
        context = _context(request, county, year, error=problem, change=form)
        return render(request, PAGE, context, status=400)
    messages.success(request, _("已发起变更。修改任务后,请重新提交市州审核。"))
    return redirect("county_plan", county.code, year)


@require_GET
@login_required
def plan_version(request: HttpRequest, code: str, year: int, number: int) -> HttpResponse:
    """One step of the list: who, when, why; and the list as it was submitted."""
    county = county_plan_for_user(request, code, year)
    version = get_object_or_404(
        TaskListVersion.objects.select_related("by", "task_list"),
        task_list__county=county,
        task_list__year=year,
        number=number,
    )
    context = {
        "county": county,
        "year": year,
        "version": version,
        "tasks": filed(version),
        "is_demo": version.task_list.is_demo,
    }
    return render(request, "countyplans/version.html", context)


@require_GET
@login_required
def plan_template(request: HttpRequest, code: str, year: int) -> FileResponse:
    """The .xlsx to fill in: the county's list as it is, one row per milestone."""
    county = county_plan_for_user(request, code, year, write=True)
    task_list = _task_list(county, year)
    tasks = list(tasks_of(task_list)) if task_list else []
    record = trail.Export("export.countyplan_template", request, {"year": year}, obj=county)
    return exports.workbook_response(
        [workbook.template(county, year, tasks)], f"{county.code}-{year}-tasks", record
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_import(request: AuthenticatedHtmxRequest, code: str, year: int) -> HttpResponse:
    """GET: the upload form. POST: the file checked row by row; with no error, the list's tasks
    are replaced by the file's (a draft until submitted), else nothing changes."""
    county = county_plan_for_user(request, code, year, write=True)
    task_list = _task_list(county, year)
    context: dict[str, object] = {"county": county, "year": year, "task_list": task_list}
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                tasks = workbook.read(form.cleaned_data["file"], county, year)
                count = workflow.replace_tasks(
                    user=request.user,
                    county=county,
                    year=year,
                    tasks=tasks,
                    started_from=form.cleaned_data["token"],
                    request=request,
                )
            except workbook.FileErrors as failed:
                context["errors"], status = failed.errors, 400
            except (ImportRefused, PlanError) as refused:
                context["refused"], status = refused, 409 if isinstance(refused, StalePlan) else 400
            else:
                messages.success(
                    request,
                    _("已从Excel导入 %(count)d 项任务,清单仍为草稿,核对后请提交。")
                    % {"count": count},
                )
                return redirect("county_plan", county.code, year)
    else:
        form = UploadForm(initial={"token": workflow.token(task_list)})
    context["form"] = form
    return render(request, "countyplans/import.html", context, status=status)


@require_GET
@login_required
def plan_ledger(request: HttpRequest, code: str, year: int) -> FileResponse:
    """The list in force (the last approved) as the county's ledger (台账), in Excel."""
    county = county_plan_for_user(request, code, year)
    task_list = _task_list(county, year)
    approved = last_approved(task_list) if task_list else None
    if task_list is None or approved is None:
        raise Http404
    record = trail.Export("export.countyplan_ledger", request, {"year": year}, obj=county)
    table = workbook.ledger(county, year, filed(approved), task_list.is_demo)
    return exports.workbook_response([table], table.name, record)


@require_GET
@login_required
def plan_standing(request: HttpRequest, year: int) -> HttpResponse:
    """Which counties of the user's scope have submitted, had approved, or not yet filed their
    task list of the year, with those late against the deadline."""
    access = require_province_view(request)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    rows = standing.standings(access.visible_counties(), year)
    chosen = request.GET.get("state", "")
    shown = [
        row for row in rows if not chosen or row.state == chosen or (chosen == "late" and row.late)
    ]
    context = {
        "year": year,
        "rows": shown,
        "counts": standing.counted(rows),
        "deadline": standing.deadline_of(year),
        "chosen": chosen,
        "states": [*standing.state_choices(), ("late", _("逾期"))],
        "scope": access.scope_label,
    }
    return render(request, "countyplans/standing.html", context)
