"""The admin of periods and status options (system admin)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from targets.admin.base import AuditedAdmin
from targets.models import (
    Period,
    StatusOption,
)


@admin.register(Period)
class PeriodAdmin(AuditedAdmin):
    """Deadlines and locks of the reporting periods."""

    list_display = ["code", "name", "starts_on", "ends_on", "deadline", "locked"]
    list_editable = ["deadline", "locked"]
    list_filter = ["locked", "cadence"]
    search_fields = ["code"]

    @admin.display(description=_("名称"))
    def name(self, obj: Period) -> str:
        return obj.label


@admin.register(StatusOption)
class StatusOptionAdmin(AuditedAdmin):
    """The progress statuses' labels and colours."""

    list_display = ["code", "name", "name_en", "color", "order", "is_active"]
    list_editable = ["name", "name_en", "color", "order", "is_active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # notes refer to them; retire one by making it inactive
