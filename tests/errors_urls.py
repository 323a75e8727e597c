"""A URL configuration for the error-page tests: the project's, plus a view that fails."""

from django.urls import path

from plenum.urls import urlpatterns as project_urlpatterns


def failing_view(request):
    raise RuntimeError("a bug")


urlpatterns = [*project_urlpatterns, path("test-failure/", failing_view)]
