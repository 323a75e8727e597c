"""Two factors at sign-in (django-otp): an authenticator app's TOTP codes, and ten recovery codes
for when the phone is not at hand (each used once).

Who gives a second factor: the three admin duties always; every account when the security
admin's policy says so (``SecuritySettings.two_factor_for_all``); and any account that enrolled
of its own accord. Whether a session still owes the second step is decided once, at sign-in, and
kept in the session (``STATE``), so that pages ask the database nothing more than before; a
change of duty or policy applies from the next sign-in. A wrong code is a failed sign-in: it is
sent as Django's ``user_login_failed`` signal, which django-axes counts towards the lockout and
the audit trail records.
"""

from base64 import b32encode

import segno
from axes.utils import reset as axes_reset
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from targets.accounts import security_policy
from targets.accounts.duties import RESET_ACTIONS, duty_of
from targets.audit import trail
from targets.http import AuthenticatedHttpRequest
from targets.models import AuditRecord

# The session's second step: still to give a code, still to enrol, or nothing owed.
STATE = "two_factor"
VERIFY, ENROL, DONE = "verify", "enrol", "done"
RECOVERY_CODES = 10
# What ``verify`` found.
TOTP, RECOVERY, WRONG, WAIT = "totp", "recovery", "wrong", "wait"


def required_for(user: User) -> bool:
    """Must this account give a second factor (and so enrol if it has none)?"""
    return duty_of(user) is not None or security_policy.current().two_factor_for_all


def device_of(user: User) -> TOTPDevice | None:
    """The account's confirmed authenticator, if it enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def state_at_sign_in(user: User) -> str:
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    return ENROL if required_for(user) else DONE


def recovery_codes_left(user: User) -> int:
    left: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return left


def pending_device(request: AuthenticatedHttpRequest) -> TOTPDevice:
    """The authenticator being enrolled: the same one until it is confirmed, so that the QR code
    does not change when the page is opened again."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
        trail.record("auth.two_factor_enrolment_started", request=request, obj=user)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The base32 secret, in groups of four, to type into an app that cannot scan."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, title: str) -> str:
    """The device's otpauth URI as an inline SVG QR code, drawn on the server (no script)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, light="#fff", title=title)


def _mark_verified(request: AuthenticatedHttpRequest, device: TOTPDevice | StaticDevice) -> None:
    """The session has passed the second step (a new session key, as at the password step)."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[STATE] = DONE
    # The sign-in is complete: only now are the account's failed attempts cleared (lockout.py).
    axes_reset(username=request.user.get_username())


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes: list[str] = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def confirm(
    *, request: AuthenticatedHttpRequest, device: TOTPDevice, code: str
) -> list[str] | None:
    """Confirm the authenticator being enrolled with a code it shows. The device becomes the
    account's (replacing any other), ten new recovery codes replace the old ones, and the session
    has passed the second step. Returns the recovery codes, to be shown once; None if the code is
    wrong (recorded)."""
    user = request.user
    if not device.verify_token(normalised(code)):
        trail.record(
            "auth.two_factor_enrolment_failed",
            request=request,
            obj=user,
            outcome=AuditRecord.Outcome.FAILURE,
        )
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _new_recovery_codes(user)
    trail.record("auth.two_factor_enrolled", request=request, obj=user)
    _mark_verified(request, device)
    return codes


def renew_recovery_codes(*, request: AuthenticatedHttpRequest) -> list[str]:
    """Ten new recovery codes for a signed-in, enrolled account; the old ones stop working."""
    with transaction.atomic():
        codes = _new_recovery_codes(request.user)
        trail.record("auth.recovery_codes_renewed", request=request, obj=request.user)
    return codes


def verify(*, request: AuthenticatedHttpRequest, code: str) -> str:
    """Check the code given after the password: six digits are the authenticator's, anything else
    one of the recovery codes (used up when accepted). Returns TOTP or RECOVERY (the session has
    passed the second step), WAIT (the device refuses tries for a few seconds after wrong ones;
    nothing was checked) or WRONG (a failed sign-in, counted by django-axes)."""
    user = request.user
    code = normalised(code)
    kind = TOTP if len(code) == 6 and code.isdigit() else RECOVERY
    model = TOTPDevice if kind == TOTP else StaticDevice
    with transaction.atomic():
        device = (
            model.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("id")
            .first()
        )
        if device is not None and not device.verify_is_allowed()[0]:
            return WAIT
        accepted = device is not None and device.verify_token(code)
    if not accepted:
        # django-axes counts it (and locks at the policy's limit); targets.accounts.signals records it.
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.get_username(), "second_factor": True},
            request=request,
        )
        return WRONG
    if kind == RECOVERY:
        left = recovery_codes_left(user)
        trail.record(
            "auth.recovery_code_used",
            request=request,
            obj=user,
            changes={"recovery_codes_left": [left + 1, left]},
        )
    else:
        trail.record("auth.two_factor_passed", request=request, obj=user)
    _mark_verified(request, device)
    return kind


@transaction.atomic
def reset(*, request: HttpRequest, user: User) -> bool:
    """Remove the account's authenticator and recovery codes (a lost phone); it enrols again at
    its next sign-in. The caller checks who may (targets.accounts.duties). Returns whether there
    was anything to remove; recorded either way."""
    had_device: bool = TOTPDevice.objects.filter(user=user).exists()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    trail.record(
        RESET_ACTIONS["device"],
        request=request,
        obj=user,
        changes={"two_factor": [had_device, False]},
    )
    return had_device
