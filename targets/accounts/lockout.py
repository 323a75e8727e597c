"""Failed sign-ins: the account's lockout (django-axes) and the address-wide pause.

Axes counts failures per account and per (account, address) (AXES_LOCKOUT_PARAMETERS) and locks
the account; a success deletes only that account's failures. An address is never locked: when
many failures (of any accounts) come from one address, sign-ins from it are paused for a few
minutes after each failure, without checking the password and without counting the paused
attempts against anyone. So a guesser behind an office's shared address is slowed to one guess
per pause, and a colleague's correct password is refused for at most one pause.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone

from targets.accounts import two_factor


@dataclass(frozen=True)
class AddressPause:
    until: datetime

    @property
    def seconds_left(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    @property
    def minutes_left(self) -> int:
        return math.ceil(self.seconds_left / 60)


def address_pause(request: HttpRequest) -> AddressPause | None:
    """The pause on the request's address, if one is running: LOGIN_ADDRESS_FAILURE_LIMIT or more
    failures from it within the lockout window, the last one less than
    LOGIN_ADDRESS_PAUSE_MINUTES ago."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return None
    failures = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(count=Sum("failures_since_start"), last=Max("attempt_time"))
    if (failures["count"] or 0) < settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return None
    until = failures["last"] + timedelta(minutes=settings.LOGIN_ADDRESS_PAUSE_MINUTES)
    return AddressPause(until) if until > timezone.now() else None


class MarkedRequest(HttpRequest):
    """A request as the handler below marks it (the attributes are set on Django's request)."""

    axes_sign_in_unfinished: bool
    axes_address_pause: AddressPause


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, plus the address-wide pause (AXES_HANDLER). A password that is
    right while a second factor is still owed clears no failures: otherwise whoever holds the
    password could guess codes below the limit, sign in again, and go on. The account's failures
    are cleared when the second step passes (``accounts.two_factor``)."""

    def user_logged_in(
        self, sender: object, request: MarkedRequest, user: User, **kwargs: object
    ) -> None:
        request.axes_sign_in_unfinished = two_factor.state_at_sign_in(user) != two_factor.DONE
        super().user_logged_in(sender, request, user, **kwargs)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, object] | None = None
    ) -> int:
        if getattr(request, "axes_sign_in_unfinished", False):
            return 0
        reset: int = super().reset_user_attempts(request, credentials)
        return reset

    def is_locked(
        self, request: MarkedRequest, credentials: dict[str, object] | None = None
    ) -> bool:
        if super().is_locked(request, credentials):
            return True
        pause = address_pause(request)
        if pause is None:
            return False
        # For the lockout page (targets.views.errors.locked_out): a pause, not an account's lock.
        request.axes_address_pause = pause
        return True
