"""Plain error pages in the user's language; never a trace."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from targets import security_policy


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout answer. It does not say whether the account exists."""
    minutes = security_policy.current().lockout_minutes
    return render(request, "auth/locked.html", {"cooloff_minutes": minutes}, status=429)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
