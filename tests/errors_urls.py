"""A URL configuration for the error-page tests: the project's, plus views that fail."""

from django.db import OperationalError
from django.urls import path

from plenum.urls import handler500  # noqa: F401  (the project's error page serves these too)
from plenum.urls import urlpatterns as project_urlpatterns


def failing_view(request):
    raise RuntimeError("a bug")


def database_down_view(request):
    raise OperationalError("connection refused")


urlpatterns = [
    *project_urlpatterns,
    path("test-failure/", failing_view),
    path("test-database-down/", database_down_view),
]
