"""The Django admin, open to holders of the admin role (not only to Django's staff flag)."""

from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from targets.accounts.access import access_for


class PlanAdminSite(admin.AdminSite):
    site_header = _("城乡融合发展进展跟踪 · 管理")
    site_title = _("管理")
    index_title = _("规划、区划与用户")

    def has_permission(self, request: HttpRequest) -> bool:
        access = access_for(request)
        return request.user.is_active and (access.is_system_admin or access.is_security_admin)

    def admin_view(self, view, cacheable=False):
        """One login page for the whole site; a signed-in user without the role is refused."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request: HttpRequest, extra_context=None):
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
