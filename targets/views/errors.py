"""Plain error pages in the user's language; never a trace."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from targets.accounts import security_policy


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout answer. It does not say whether the account exists. A pause on the
    client's address (targets.accounts.lockout) says so, and when to try again."""
    pause = getattr(request, "axes_address_pause", None)
    if pause is not None:
        response = render(
            request, "auth/address_paused.html", {"minutes": pause.minutes_left}, status=429
        )
        response["Retry-After"] = str(pause.seconds_left)
        return response
    minutes = security_policy.current().lockout_minutes
    return render(request, "auth/locked.html", {"cooloff_minutes": minutes}, status=429)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; or, when the database cannot be reached, a 503 that asks to retry shortly
    (the app reconnects by itself once the database is back). Rendered without the context
    processors, which would ask the database."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
