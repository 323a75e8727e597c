"""The province-level notes (省级层面推进情况) and the cooperating departments' contributions,
read-only for the system admin: they are written and reviewed on their own pages, where each
change is versioned and audited; the admin only looks them up."""

from django.contrib import admin

from targets.admin.base import RoleGated
from targets.models import Contribution, ProvinceNote, Role


class ReadOnly(RoleGated, admin.ModelAdmin):
    editors = frozenset()
    viewers = frozenset({Role.Kind.SYSTEM_ADMIN})


@admin.register(ProvinceNote)
class ProvinceNoteAdmin(ReadOnly):
    list_display = (
        "measure",
        "period",
        "department",
        "state",
        "status",
        "version",
        "updated_by",
        "updated_at",
        "is_demo",
    )
    list_filter = ("state", "period", "department", "is_demo")
    list_select_related = ("measure", "period", "department", "status", "updated_by")
    search_fields = ("measure__code", "narrative")


@admin.register(Contribution)
class ContributionAdmin(ReadOnly):
    list_display = (
        "measure",
        "period",
        "department",
        "version",
        "updated_by",
        "updated_at",
        "is_demo",
    )
    list_filter = ("period", "department", "is_demo")
    list_select_related = ("measure", "period", "department", "updated_by")
    search_fields = ("measure__code", "text")
