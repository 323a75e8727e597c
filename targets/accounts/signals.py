"""Logins, logouts and failed logins go to the audit trail."""

import time

from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from targets.accounts import passwords, two_factor
from targets.accounts.sessions import PASSWORD_CHANGE_DUE, SIGNED_IN_AT
from targets.audit import trail
from targets.models import AuditRecord


@receiver(user_logged_in)
def start_session(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    """Record the sign-in, start the session's clock and note whether the password must change and
    whether a second factor is still owed."""
    trail.record("auth.login", request=request, actor=user)
    request.session[SIGNED_IN_AT] = time.time()
    request.session[PASSWORD_CHANGE_DUE] = passwords.change_due(user)
    request.session[two_factor.STATE] = two_factor.state_at_sign_in(user)


@receiver(user_logged_out)
def record_logout(
    sender: object, request: HttpRequest, user: User | None, **kwargs: object
) -> None:
    if user is not None:
        trail.record("auth.logout", request=request, actor=user)


@receiver(user_login_failed)
def record_failed_login(
    sender: object,
    credentials: dict[str, object],
    request: HttpRequest | None = None,
    **kwargs: object,
) -> None:
    """A wrong password, or a wrong code at the second step (targets.accounts.two_factor)."""
    second_factor = credentials.get("second_factor", False)
    trail.record(
        "auth.two_factor_failed" if second_factor else "auth.login_failed",
        request=request,
        actor_name=str(credentials.get("username", ""))[:150],
        outcome=AuditRecord.Outcome.FAILURE,
    )
