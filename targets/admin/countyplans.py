"""The deadline per year by which the counties submit their task list (system admin)."""

from django.contrib import admin

from targets.admin.base import AuditedAdmin
from targets.models import PlanYear


@admin.register(PlanYear)
class PlanYearAdmin(AuditedAdmin):
    """A list not submitted by its year's deadline shows as late on the counties' standing."""

    list_display = ["year", "deadline"]
    ordering = ["-year"]
