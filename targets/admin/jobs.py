"""The task worker's jobs, read-only for the system admin: queued, running, failed and retried
(a job run again after a failure, or handed over from a worker that died), with the workers'
heartbeats and the files they made (kind, state, who asked, when, size, expiry)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from targets.admin.base import RoleGated
from targets.models import GeneratedFile, Role, WorkerHeartbeat


class RetriedFilter(admin.SimpleListFilter):
    title = _("重试")
    parameter_name = "retried"

    def lookups(self, request, model_admin):
        return [("yes", _("重试的任务"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            # A later attempt of a failed job, or a job claimed by more than one worker.
            return queryset.filter(
                Q(args_kwargs__kwargs__attempt__gt=1) | Q(worker_ids__1__isnull=False)
            )
        return queryset


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class JobAdmin(RoleGated, DBTaskResultAdmin):
    editors = frozenset()
    viewers = frozenset({Role.Kind.SYSTEM_ADMIN})
    list_filter = ("status", RetriedFilter, "queue_name")  # type: ignore[assignment]

    def has_view_permission(self, request, obj=None) -> bool:
        return RoleGated.has_view_permission(self, request, obj)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(RoleGated, admin.ModelAdmin):
    editors = frozenset()
    viewers = frozenset({Role.Kind.SYSTEM_ADMIN})
    list_display = ("host", "pid", "worker_id", "started_at", "seen_at")


@admin.register(GeneratedFile)
class GeneratedFileAdmin(RoleGated, admin.ModelAdmin):
    editors = frozenset()
    viewers = frozenset({Role.Kind.SYSTEM_ADMIN})
    list_display = (
        "__str__",
        "kind",
        "state",
        "requested_by",
        "requested_at",
        "period",
        "fmt",
        "size",
        "rows",
        "attempts",
        "finished_at",
        "expires_at",
    )
    list_filter = ("kind", "state")
    list_select_related = ("requested_by", "period")
    date_hierarchy = "requested_at"
