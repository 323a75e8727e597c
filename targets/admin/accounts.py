"""The admin of accounts, roles, the security policy and lockouts, under the
rule of the three admin duties (targets.accounts.duties)."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
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

from targets.accounts import duties, grants, passwords, security_policy, two_factor
from targets.accounts.access import access_for
from targets.admin.base import AuditedAdmin, RoleGated, SingletonAdmin
from targets.audit import trail
from targets.models import (
    AuditRecord,
    Role,
    SecuritySettings,
)

User = get_user_model()


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ["user", "kind", "county", "prefecture", "department", "county_department"]

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
            Role.Kind.COUNTY_DEPARTMENT: "county_department",
        }.get(kind)
        for scope in ("county", "prefecture", "department", "county_department"):
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
    list_display = ["user", "kind", "county", "prefecture", "department", "county_department"]
    list_filter = ["kind", "prefecture"]
    list_select_related = [
        "user",
        "county",
        "prefecture",
        "department",
        "county_department__county",
    ]
    search_fields = ["user__username", "user__first_name", "county__name", "prefecture__name"]
    autocomplete_fields = ["user", "county", "prefecture", "department", "county_department"]

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
            trail.record(
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
            trail.record(duties.RESET_ACTIONS["password"], request=request, obj=user)
        return response


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
    address's entries ends its pause (targets.accounts.lockout). Each deletion is recorded."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return access_for(request).is_security_admin

    def delete_model(self, request, obj) -> None:
        trail.record(
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
