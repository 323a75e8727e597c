from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from targets.views import (
    account,
    audit,
    dashboards,
    geography,
    health,
    home,
    plan,
    reporting,
    review,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="auth/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("plan/", plan.plan_page, name="plan"),
    path("province/", dashboards.overview, name="province"),
    path("province/measures/<str:measure>/", dashboards.grid, name="grid"),
    path("province/indicators/<str:code>/", dashboards.indicator, name="indicator"),
    path("province/notes/", dashboards.notes, name="notes"),
    path("province/task-areas/<str:code>/", dashboards.task_area_grid, name="task_area_grid"),
    path("province/goals/", dashboards.goals, name="goals"),
    path("province/boundaries/<int:pk>.geojson", dashboards.boundaries, name="boundaries"),
    path("province/pace/", dashboards.pace_rules, name="pace_rules"),
    path("counties/<str:code>/", geography.county, name="county"),
    path("counties/<str:code>/report/", reporting.report_current, name="report_current"),
    path("counties/<str:code>/report/<str:period>/", reporting.report, name="report"),
    path(
        "counties/<str:code>/report/<str:period>/measures/<str:measure>/",
        reporting.note,
        name="note",
    ),
    path(
        "counties/<str:code>/report/<str:period>/indicators/<str:indicator>/",
        reporting.value,
        name="value",
    ),
    path("counties/<str:code>/measures/<str:measure>/", reporting.timeline, name="timeline"),
    path("evidence/<int:pk>/", reporting.evidence_file, name="evidence"),
    path("review/", review.queue, name="review"),
    path("statuses.css", reporting.status_colours, name="status_colours"),
    path("audit/", audit.audit_page, name="audit"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
