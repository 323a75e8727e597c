"""Signing in with both factors in tests, the way a user does: an authenticator with a known key
(enrolled for the account if it has none), and the code it shows now, given at the second step."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from targets.accounts import two_factor

# RFC 6238's test key (the ASCII "12345678901234567890", in hex).
KEY = "3132333435363738393031323334353637383930"
VERIFY_URL = "/login/code/"


def enrol(user, key: str = KEY) -> TOTPDevice:
    """The account's confirmed authenticator, made with ``key`` if it has none."""
    device = two_factor.device_of(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", key=key, confirmed=True)
    return device


def code_now(device: TOTPDevice, steps: int = 0) -> str:
    """The code the authenticator shows now (or ``steps`` time steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def fresh_code(user) -> str:
    """A code for the account's authenticator that it has not accepted yet. A device accepts each
    time step's code once; tests that sign the same account in twice within 30 seconds would
    otherwise be refused (that refusal is tested in test_two_factor.py)."""
    device = enrol(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    return code_now(device)


def sign_in(client, user):
    """Sign ``client`` in as ``user`` with both factors where the account owes a second one: the
    password step (``force_login``), then the current code posted to the second step."""
    client.logout()
    if user is None:
        return client
    if two_factor.required_for(user):
        enrol(user)
    client.force_login(user)
    if client.session.get(two_factor.STATE) == two_factor.VERIFY:
        response = client.post(VERIFY_URL, {"code": fresh_code(user)})
        assert response.status_code == 302, "the second step refused the code"
        assert client.session.get(two_factor.STATE) == two_factor.DONE
    return client
