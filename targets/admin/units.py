"""The admin of the units that answer for the work: provincial and county departments with their
members, and the province's division of each measure (system admin).

A unit's members are the users holding a role of that unit. They are listed here read-only, each
linking to its role for those who keep roles: roles are granted by the security admin (三员), not
by the system admin who keeps the units. A unit that still answers for work is neither
deactivated nor deleted (targets.units.keeping); the refusal names the work."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from targets.accounts.access import access_for
from targets.admin.base import AuditedAdmin, RoleGated
from targets.models import (
    CountyDepartment,
    Department,
    MeasureDepartment,
    Responsibility,
    Role,
)
from targets.units import keeping

UNIT_KEEPERS = frozenset({Role.Kind.SYSTEM_ADMIN})
ROLE_KEEPERS = frozenset({Role.Kind.SECURITY_ADMIN})


class MemberInline(RoleGated, admin.TabularInline):
    """The unit's members, read-only; the link opens the role (for the security admin)."""

    model = Role
    editors = frozenset()
    viewers = UNIT_KEEPERS | ROLE_KEEPERS
    extra = 0
    can_delete = False
    fields = readonly_fields = ("user", "member_name", "kind")
    verbose_name = _("成员")
    verbose_name_plural = _("成员(持有本单位角色的用户;角色由安全管理员授予)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def get_formset(self, request, obj=None, **kwargs):
        # The link to a member's role only for those who keep roles (this inline is made anew
        # for each request).
        self.show_change_link = bool(access_for(request).kinds & ROLE_KEEPERS)
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("姓名"))
    def member_name(self, role: Role) -> str:
        return role.user.get_full_name()


class DepartmentMemberInline(MemberInline):
    fk_name = "department"


class CountyDepartmentMemberInline(MemberInline):
    fk_name = "county_department"


class UnitForm(forms.ModelForm):
    """Deactivating a unit is refused while it still answers for work."""

    def clean_is_active(self) -> bool:
        active = self.cleaned_data["is_active"]
        if self.instance.pk and self.instance.is_active and not active:
            refused = keeping.stopping_refused(self.instance)
            if refused:
                raise ValidationError(refused)
        return active


class UnitAdmin(AuditedAdmin):
    editors = UNIT_KEEPERS
    viewers = ROLE_KEEPERS  # who grants a unit's roles sees the unit and its members
    form = UnitForm

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("roles"))

    @admin.display(description=_("成员数"), ordering="member_count")
    def members(self, obj) -> int:
        return obj.member_count

    def get_deleted_objects(self, objs, request):
        """Deleting a unit that answers for work is refused as Django refuses to delete what
        protected records point to: the page lists why, and the deletion is not done."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusals = [refused for refused in map(keeping.stopping_refused, objs) if refused]
        if refusals:  # the work is named, rather than the kinds of record it is made of
            return deleted, counts, set(), [*refusals, *protected]
        return deleted, counts, perms_needed, protected


@admin.register(Department)
class DepartmentAdmin(UnitAdmin):
    list_display = ["code", "name", "name_en", "is_active", "members"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_en"]
    inlines = [DepartmentMemberInline]


@admin.register(CountyDepartment)
class CountyDepartmentAdmin(UnitAdmin):
    list_display = ["county", "code", "name", "is_active", "members"]
    list_filter = ["is_active", "county__prefecture"]
    list_select_related = ["county"]
    search_fields = ["code", "name", "county__name", "county__code"]
    autocomplete_fields = ["county"]
    inlines = [CountyDepartmentMemberInline]


class DivisionForm(forms.ModelForm):
    class Meta:
        model = MeasureDepartment
        fields = ["department", "responsibility"]

    def validate_constraints(self) -> None:
        """The one-lead rule is checked by DivisionFormSet over all the rows: a lead may pass
        from one row to another in one save, which a row checked against the stored rows
        would refuse."""


class DivisionFormSet(BaseInlineFormSet):
    """A measure's division: one lead at most, no cooperating unit without a lead."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        leads = [row for row in kept if row.get("responsibility") == Responsibility.LEAD]
        if len(leads) > 1:
            raise ValidationError(_("一项举措只能有一个牵头单位。"))
        if kept and not leads:
            raise ValidationError(_("有配合单位的举措须有牵头单位。"))


class MeasureDepartmentInline(RoleGated, admin.TabularInline):
    """The province's division of the measure, kept on the measure's page; its changes are
    recorded in the measure's history (MeasureAdmin.audited_related)."""

    model = MeasureDepartment
    form = DivisionForm
    formset = DivisionFormSet
    extra = 0
    verbose_name = _("责任单位")
    verbose_name_plural = _("省级分工(牵头单位一个,配合单位若干)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = Department.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(MeasureDepartment)
class MeasureDepartmentAdmin(AuditedAdmin):
    """The whole matrix at a glance, read-only: a measure's division is changed on the measure's
    page or by the units workbook, so that each change lands in the measure's history."""

    editors = frozenset()
    viewers = UNIT_KEEPERS | ROLE_KEEPERS
    list_display = ["measure", "department", "responsibility"]
    list_filter = ["responsibility", "department"]
    list_select_related = ["measure", "department"]
    search_fields = ["measure__code", "department__name", "department__code"]
