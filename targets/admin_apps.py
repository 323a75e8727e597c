from django.contrib.admin.apps import AdminConfig


class PlanAdminConfig(AdminConfig):
    """Django's admin, on the site that the admin role opens (see admin_site.py)."""

    default_site = "targets.admin_site.PlanAdminSite"
