"""The Django admin for plan, geography and users, open to the admin role; every change audited."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from targets import passwords, security_policy
from targets.access import access_for
from targets.accounts import duties, grants, two_factor
from targets.models import (
    AuditRecord,
    BottomLine,
    BoundaryMap,
    Clause,
    County,
    CountyType,
    Department,
    Goal,
    Horizon,
    Indicator,
    IndicatorTarget,
    Integration,
    Measure,
    Period,
    Plan,
    Prefecture,
    Region,
    Role,
    SecuritySettings,
    StatusOption,
    TaskArea,
)
from targets.services import audit
from targets.services.boundaries import check_geojson
from targets.services.targets import set_target

User = get_user_model()


class RoleGated:
    """Permissions from our roles, not Django's per-model permissions: ``editors`` may view, add,
    change and delete; ``viewers`` may view. By default the system admin edits (三员)."""

    editors: frozenset[str] = frozenset({Role.Kind.SYSTEM_ADMIN})
    viewers: frozenset[str] = frozenset()

    def has_view_permission(self, request, obj=None) -> bool:
        return bool(access_for(request).kinds & (self.editors | self.viewers))

    def has_change_permission(self, request, obj=None) -> bool:
        return bool(access_for(request).kinds & self.editors)

    has_add_permission = has_delete_permission = has_change_permission

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)


class AuditedAdmin(RoleGated, admin.ModelAdmin):
    """An audit record with the before/after of every change made through the admin."""

    # Reverse relations edited inline, whose contents belong to this object's history.
    audited_related: tuple[str, ...] = ()

    def _snapshot(self, obj) -> dict:
        values = audit.snapshot(obj)
        for name in self.audited_related:
            values[name] = sorted(str(o) for o in getattr(obj, name).all())
        return values

    def save_model(self, request, obj, form, change) -> None:
        stored = type(obj).objects.filter(pk=obj.pk).first() if change else None
        request._audit_before = self._snapshot(stored) if stored else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        changes = audit.diff(request._audit_before, self._snapshot(obj))
        if changes:
            action = "change" if change else "add"
            audit.record(f"admin.{action}", request=request, obj=obj, changes=changes)

    def delete_model(self, request, obj) -> None:
        audit.record(
            "admin.delete", request=request, obj=obj, changes=audit.diff(self._snapshot(obj), {})
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        records = AuditRecord.objects.filter(
            object_type=self.model._meta.label, object_id=str(object_id)
        ).order_by("-id")
        context = {**(extra_context or {}), "audit_records": records}
        return super().history_view(request, object_id, extra_context=context)


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["title", "adopted_on"]
    search_fields = ["title", "title_en"]


@admin.register(Clause)
class ClauseAdmin(AuditedAdmin):
    list_display = ["number", "short_text", "trackable"]
    list_filter = ["trackable"]
    search_fields = ["text", "text_en"]

    @admin.display(description=_("原文"))
    def short_text(self, obj: Clause) -> str:
        return obj.text[:60]


class PlanRecordAdmin(AuditedAdmin):
    list_display = ["code", "text", "text_en"]
    search_fields = ["code", "text", "text_en"]
    filter_horizontal = ["clauses"]


@admin.register(Goal)
class GoalAdmin(PlanRecordAdmin):
    list_display = ["code", "horizon", "text", "text_en"]
    list_filter = ["horizon"]


@admin.register(TaskArea)
class TaskAreaAdmin(PlanRecordAdmin):
    pass


@admin.register(Integration)
class IntegrationAdmin(PlanRecordAdmin):
    list_display = ["code", "name", "problem", "name_en"]


@admin.register(Measure)
class MeasureAdmin(PlanRecordAdmin):
    list_display = ["code", "text", "task_area", "integration_names"]
    list_filter = ["task_area", "integrations", "lead_departments"]
    list_select_related = ["task_area"]
    filter_horizontal = ["clauses", "integrations", "lead_departments"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("integrations")

    @admin.display(description=_("融合方向"))
    def integration_names(self, obj: Measure) -> str:
        return "、".join(i.name for i in obj.integrations.all())


@admin.register(BottomLine)
class BottomLineAdmin(PlanRecordAdmin):
    pass


class IndicatorTargetInline(RoleGated, admin.TabularInline):
    """The versions of the targets, read-only: a revision is made through the fields above."""

    model = IndicatorTarget
    extra = 0
    can_delete = False
    fields = ["horizon", "version", "value", "reason", "set_by", "set_at"]
    readonly_fields = fields
    verbose_name_plural = _("目标值的各个版本")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class IndicatorForm(forms.ModelForm):
    target_2027 = forms.DecimalField(
        label=_("2027年目标值"), required=False, max_digits=16, decimal_places=4
    )
    target_2035 = forms.DecimalField(
        label=_("2035年目标值"), required=False, max_digits=16, decimal_places=4
    )
    target_reason = forms.CharField(
        label=_("目标值调整理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("修改目标值时填写;原目标值作为旧版本保留。"),
    )

    class Meta:
        model = Indicator
        fields = [
            "plan",
            "code",
            "name",
            "name_en",
            "unit",
            "direction",
            "level",
            "baseline_year",
            "baseline_value",
            "minimum",
            "maximum",
            "goals",
            "measures",
            "is_demo",
            "order",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for horizon in Horizon:
                target = self.instance.target_in_force(horizon.value)
                if target is not None:
                    self.fields[f"target_{horizon.value}"].initial = target.value

    def clean(self):
        cleaned = super().clean()
        changed = any(f"target_{h.value}" in self.changed_data for h in Horizon)
        if changed and self.instance.pk and not cleaned.get("target_reason"):
            self.add_error("target_reason", _("修改已有目标值时须填写理由。"))
        return cleaned


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    form = IndicatorForm
    list_display = ["code", "name", "unit", "direction", "level", "is_demo"]
    list_filter = ["level", "direction", "is_demo", "goals"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["goals", "measures"]
    inlines = [IndicatorTargetInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        for horizon in Horizon:
            value = form.cleaned_data.get(f"target_{horizon.value}")
            if value is not None:
                set_target(
                    form.instance,
                    horizon.value,
                    value,
                    user=request.user,
                    reason=form.cleaned_data.get("target_reason", ""),
                    request=request,
                )


@admin.register(Period)
class PeriodAdmin(AuditedAdmin):
    """Deadlines and locks of the reporting periods."""

    list_display = ["code", "starts_on", "ends_on", "deadline", "locked"]
    list_editable = ["deadline", "locked"]
    list_filter = ["locked", "cadence"]
    search_fields = ["code"]


@admin.register(StatusOption)
class StatusOptionAdmin(AuditedAdmin):
    """The progress statuses' labels and colours."""

    list_display = ["code", "name", "name_en", "color", "order", "is_active"]
    list_editable = ["name", "name_en", "color", "order", "is_active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # notes refer to them; retire one by making it inactive


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["name", "name_en", "order"]


@admin.register(Prefecture)
class PrefectureAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "region"]
    list_filter = ["region", "kind"]
    search_fields = ["code", "name"]


@admin.register(CountyType)
class CountyTypeAdmin(AuditedAdmin):
    list_display = ["name", "name_en", "order"]


@admin.register(County)
class CountyAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "prefecture",
        "county_type",
        "is_county_domain",
        "is_underdeveloped",
        "is_pilot",
    ]
    list_filter = [
        "prefecture__region",
        "prefecture",
        "kind",
        "county_type",
        "is_county_domain",
        "is_underdeveloped",
        "is_pilot",
    ]
    list_editable = ["county_type", "is_county_domain", "is_underdeveloped", "is_pilot"]
    list_select_related = ["prefecture", "county_type"]
    search_fields = ["code", "name"]


class BoundaryMapForm(forms.ModelForm):
    class Meta:
        model = BoundaryMap
        fields = ["name", "source", "file", "code_property"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload and hasattr(upload, "content_type") and cleaned.get("code_property"):
            codes = set(County.objects.values_list("code", flat=True))
            try:
                self.instance.counties_matched = check_geojson(
                    upload, cleaned["code_property"], codes
                )
            except ValidationError as error:
                self.add_error("file", error)
        return cleaned


@admin.register(BoundaryMap)
class BoundaryMapAdmin(AuditedAdmin):
    """An uploaded map of county boundaries offers a choropleth beside the tile map."""

    form = BoundaryMapForm
    list_display = ["name", "source", "counties_matched", "uploaded_at"]
    readonly_fields = ["counties_matched", "uploaded_at"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name"]


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ["user", "kind", "county", "prefecture", "department"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        cleaned = super().clean()
        user, kind = cleaned.get("user"), cleaned.get("kind")
        if user is not None and kind:
            refused = grants.refusal(
                actor=self.request.user if self.request is not None else None,
                user=user,
                kind=kind,
                county=cleaned.get("county"),
                prefecture=cleaned.get("prefecture"),
                exclude_pk=self.instance.pk,
            )
            if refused:
                raise forms.ValidationError(refused)
        needed = {
            Role.Kind.COUNTY_REPORTER: "county",
            Role.Kind.PREFECTURE_REVIEWER: "prefecture",
            Role.Kind.DEPARTMENT: "department",
        }.get(kind)
        for scope in ("county", "prefecture", "department"):
            if scope == needed and not cleaned.get(scope):
                self.add_error(scope, _("此角色须指定范围。"))
            elif scope != needed and cleaned.get(scope):
                self.add_error(scope, _("此角色不使用这一范围。"))
        return cleaned


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    """Roles are granted by the security admin, never to themselves."""

    editors = frozenset({Role.Kind.SECURITY_ADMIN})
    form = RoleForm
    list_display = ["user", "kind", "county", "prefecture", "department"]
    list_filter = ["kind", "prefecture"]
    list_select_related = ["user", "county", "prefecture", "department"]
    search_fields = ["user__username", "user__first_name", "county__name", "prefecture__name"]
    autocomplete_fields = ["user", "county", "prefecture", "department"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change, **kwargs)

        class RoleFormForRequest(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, request=request, **form_kwargs)

        return RoleFormForRequest

    def has_change_permission(self, request, obj=None) -> bool:
        kept = obj is None or duties.may_keep(request.user, obj.user)
        return super().has_change_permission(request, obj) and kept

    def has_delete_permission(self, request, obj=None) -> bool:
        kept = obj is None or duties.may_keep(request.user, obj.user)
        return super().has_delete_permission(request, obj) and kept


# Accounts are managed here; roles on their own page; Django's groups and permissions are unused;
# second factors are reset from the account's page, under the rule of targets.accounts.duties.
for model in (User, Group, AccessAttempt, AccessLog, AccessFailureLog, TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def check_reset(request, target, factor: str, *, allowed: bool = True) -> None:
    """``duties.check_reset`` for the admin's reset pages, after the page's own permission
    (``allowed``); a refused POST is recorded."""
    try:
        duties.check_reset(request.user, target, factor)
        if not allowed:
            raise PermissionDenied
    except PermissionDenied:
        if request.method == "POST":
            audit.record(
                duties.RESET_ACTIONS[factor],
                request=request,
                obj=target,
                outcome=AuditRecord.Outcome.FAILURE,
            )
        raise


@admin.register(User)
class AccountAdmin(AuditedAdmin, UserAdmin):
    """The system admin creates and deactivates accounts and resets passwords; the security admin
    reads them to grant roles. An admin duty's account is kept only by its keeper duty
    (``accounts.duties``), and no one changes their own account here. An account that an admin
    created or reset must change its password at the next sign-in."""

    viewers = frozenset({Role.Kind.SECURITY_ADMIN})

    list_display = ["username", "first_name", "is_active", "last_login", "role_names"]
    list_filter = ["is_active", "roles__kind"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["first_name", "last_name", "email"]}),
        (_("状态"), {"fields": ["is_active", "last_login", "date_joined", "two_factor"]}),
    ]
    readonly_fields = ["last_login", "date_joined", "two_factor"]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None or duties.duty_of(obj) is None:
            return super().has_change_permission(request, obj) and (
                obj is None or duties.may_keep(request.user, obj)
            )
        return duties.may_keep(request.user, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        kept = obj is None or duties.may_keep(request.user, obj)
        return super().has_delete_permission(request, obj) and kept

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description=_("角色"))
    def role_names(self, obj) -> str:
        return "、".join(str(role) for role in obj.roles.all())

    @admin.display(description=_("两步验证"))
    def two_factor(self, obj) -> str:
        if obj.pk is None or two_factor.device_of(obj) is None:
            return gettext("未启用")
        return format_html(
            '{} <a href="{}">{}</a>',
            gettext("已启用"),
            reverse("admin:auth_user_two_factor_reset", args=[obj.pk]),
            gettext("重置(手机丢失时)"),
        )

    def get_urls(self):
        reset = self.admin_site.admin_view(self.two_factor_reset_view)
        return [
            path("<path:object_id>/two-factor/reset/", reset, name="auth_user_two_factor_reset"),
            *super().get_urls(),
        ]

    @staticmethod
    def check_resets_two_factor(request, target) -> None:
        """The security admin resets the system and audit admins' second factor, the system admin
        the security admin's (targets.accounts.duties); other accounts' the system admin, who
        keeps the accounts; no one their own, and no keeper both factors of an admin. A refused
        reset is recorded."""
        allowed = duties.duty_of(target) is not None or access_for(request).is_system_admin
        check_reset(request, target, "device", allowed=allowed)

    @method_decorator(require_http_methods(["GET", "POST"]))
    def two_factor_reset_view(self, request, object_id):
        """Confirm, then remove the account's authenticator and recovery codes (recorded)."""
        target = self.get_object(request, unquote(object_id))
        if target is None:
            raise Http404
        if not self.has_view_permission(request, target):
            raise PermissionDenied
        self.check_resets_two_factor(request, target)
        if request.method == "POST":
            two_factor.reset(request=request, user=target)
            self.message_user(
                request,
                gettext("已重置%(user)s的两步验证;该账号下次登录时须重新启用。")
                % {"user": target.get_username()},
            )
            return redirect("admin:auth_user_change", target.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("重置两步验证"),
            "opts": self.model._meta,
            "original": target,
            "enrolled": two_factor.device_of(target) is not None,
        }
        return TemplateResponse(request, "admin/two_factor_reset.html", context)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            passwords.require_change(obj)

    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, id)
        if target is None:
            raise Http404
        check_reset(
            request, target, "password", allowed=self.has_change_permission(request, target)
        )
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            passwords.require_change(user)
            audit.record(duties.RESET_ACTIONS["password"], request=request, obj=user)
        return response


class SingletonAdmin(AuditedAdmin):
    """A settings row of which there is exactly one: its list opens the row, which is neither
    added nor deleted."""

    def the_row(self):
        raise NotImplementedError

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", self.the_row().pk)


@admin.register(SecuritySettings)
class SecuritySettingsAdmin(SingletonAdmin):
    """The one row of the security policy, changed by the security admin only."""

    editors = frozenset({Role.Kind.SECURITY_ADMIN})
    fields = [
        "password_max_age_days",
        "session_idle_minutes",
        "session_max_hours",
        "login_failure_limit",
        "lockout_minutes",
        "two_factor_for_all",
    ]

    def the_row(self):
        return security_policy.current()


class SecurityAdminOnly(RoleGated):
    editors = frozenset()
    viewers = frozenset({Role.Kind.SECURITY_ADMIN})


@admin.register(AccessAttempt)
class LockoutAdmin(SecurityAdminOnly, AccessAttemptAdmin):
    """Failed sign-ins and lockouts: deleting an account's entries unlocks it; deleting an
    address's entries ends its pause (targets.lockout). Each deletion is recorded."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return access_for(request).is_security_admin

    def delete_model(self, request, obj) -> None:
        audit.record(
            "security.unlock",
            request=request,
            obj=obj,
            changes={"username": [obj.username, None], "address": [obj.ip_address, None]},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AccessLog)
class AccessLogAdminForSecurity(SecurityAdminOnly, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdminForSecurity(SecurityAdminOnly, AccessFailureLogAdmin):
    pass


# Registered from their own module; imported last because it builds on AuditedAdmin above.
from targets import admin_supervision  # noqa: E402, F401
