"""An admin's first sign-in in a real browser: the password, then enrolling an authenticator (the
secret read off the page, as a phone app would), the recovery codes, and the next sign-in with a
code."""

import re
import time
from base64 import b32decode

from django_otp.oath import TOTP
from playwright.sync_api import expect

from targets.demo.seed import DEMO_PASSWORD


def code_for(secret: str, steps: int = 0) -> str:
    """What an authenticator app shows for the secret the page gave (``steps`` 30 s on)."""
    totp = TOTP(b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6)
    totp.time = time.time() + steps * 30
    return f"{totp.token():06d}"


def password_step(page, live_server, next_path: str) -> None:
    page.goto(f"{live_server.url}/login/?next={next_path}")
    page.get_by_label("用户名").fill("security")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


def test_an_admin_enrols_at_the_first_sign_in_and_then_signs_in_with_a_code(
    app_data, live_server, page, screenshot
):
    password_step(page, live_server, "/admin/")
    expect(page).to_have_url(re.compile(r"/account/two-factor/enrol/\?next=/admin/$"))
    expect(page.locator(".qr svg")).to_be_visible()
    # Nothing else opens before enrolling.
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/account/two-factor/enrol/"))
    secret = page.locator("code.secret").inner_text()
    screenshot("enrol")

    page.get_by_label("验证码").fill(code_for(secret))
    page.get_by_role("button", name="启用", exact=True).click()
    expect(page.get_by_role("heading", name="恢复码")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="已保存,继续").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")

    page.context.clear_cookies()  # another day, another session
    password_step(page, live_server, "/admin/")
    expect(page).to_have_url(re.compile(r"/login/code/\?next=/admin/$"))
    # The code of the enrolment is spent; the app's next one is accepted.
    page.get_by_label("验证码").fill(code_for(secret, steps=1))
    page.get_by_role("button", name="验证", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_role("link", name="角色").first).to_be_visible()
