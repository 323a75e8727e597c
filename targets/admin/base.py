"""What every model admin here shares: permissions from our roles and an audited save."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from targets.accounts.access import access_for
from targets.audit import trail
from targets.models import (
    AuditRecord,
    Role,
)

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
        values = trail.snapshot(obj)
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
        changes = trail.diff(request._audit_before, self._snapshot(obj))
        if changes:
            action = "change" if change else "add"
            trail.record(f"admin.{action}", request=request, obj=obj, changes=changes)

    def delete_model(self, request, obj) -> None:
        trail.record(
            "admin.delete", request=request, obj=obj, changes=trail.diff(self._snapshot(obj), {})
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
