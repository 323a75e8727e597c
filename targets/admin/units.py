"""The admin of the units that answer for the work: provincial and county departments and the
province's division of each measure (system admin)."""

from django.contrib import admin

from targets.admin.base import AuditedAdmin
from targets.models import CountyDepartment, Department, MeasureDepartment


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["code", "name", "name_en", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(CountyDepartment)
class CountyDepartmentAdmin(AuditedAdmin):
    list_display = ["county", "code", "name", "is_active"]
    list_filter = ["is_active", "county__prefecture"]
    list_select_related = ["county"]
    search_fields = ["code", "name", "county__name", "county__code"]
    autocomplete_fields = ["county"]


@admin.register(MeasureDepartment)
class MeasureDepartmentAdmin(AuditedAdmin):
    list_display = ["measure", "department", "responsibility"]
    list_filter = ["responsibility", "department"]
    list_select_related = ["measure", "department"]
    autocomplete_fields = ["measure", "department"]
