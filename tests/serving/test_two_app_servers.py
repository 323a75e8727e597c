"""Two app servers behind one nginx, one PostgreSQL: a user who signs in through one continues
through the other, a file uploaded through one downloads through the other, and a change to the
plan shows on both at once."""

import http.cookiejar
import re
import urllib.parse
import urllib.request
import uuid

import pytest
from django.utils import timezone

from targets.demo.seed import DEMO_PASSWORD, seed_demo
from targets.geography.loader import load_divisions
from targets.models import Evidence, Measure, StatusOption
from targets.plan.loader import load_plan
from targets.supervision.periods import current_period
from targets.supervision.reporting_setup import setup_reporting

# The app servers share the tests' database, so it must be a database server's; nginx fronts them.
pytestmark = [pytest.mark.postgres, pytest.mark.nginx]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Browser:
    """Cookies kept across servers, as a browser keeps them for one site name."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str):
        with self.opener.open(url, timeout=30) as response:
            return response.status, response.geturl(), response.read()

    def post(self, url: str, body: bytes, content_type: str):
        request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.geturl(), response.read()

    def csrf_token(self, page: bytes) -> str:
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()

    def sign_in(self, base: str, username: str) -> None:
        _status, _url, page = self.get(f"{base}/login/")
        form = {
            "csrfmiddlewaretoken": self.csrf_token(page),
            "username": username,
            "password": DEMO_PASSWORD,
        }
        body = urllib.parse.urlencode(form).encode()
        _status, landed, _page = self.post(
            f"{base}/login/", body, "application/x-www-form-urlencoded"
        )
        assert "/login/" not in landed, f"signing in as {username} failed"


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def load_app_data() -> str:
    load_divisions()
    load_plan()
    setup_reporting()
    seed_demo(reports=False)
    return current_period(timezone.localdate()).code


def test_a_session_begun_on_one_server_continues_on_the_other(two_app_servers):
    first, second, _proxy = two_app_servers
    period = load_app_data()
    browser = Browser()
    browser.sign_in(first.url, "jinjiang")

    status, landed, page = browser.get(f"{second.url}/counties/510104/report/{period}/")
    assert status == 200
    assert landed == f"{second.url}/counties/510104/report/{period}/"  # not sent to sign in
    assert "锦江区".encode() in page


def test_a_file_uploaded_through_one_server_downloads_through_the_other(two_app_servers):
    first, second, _proxy = two_app_servers
    period = load_app_data()
    browser = Browser()
    browser.sign_in(first.url, "jinjiang")
    form_url = f"{first.url}/counties/510104/report/{period}/measures/T1.1/"
    _status, _url, page = browser.get(form_url)
    body, content_type = multipart(
        {
            "csrfmiddlewaretoken": browser.csrf_token(page),
            "status": str(StatusOption.objects.get(code="on_schedule").pk),
            "percent": "40",
            "narrative": "完成了县城污水管网改造方案编制。",
            "bottom_line": "",
            "risk_reason": "",
            "version": "",
            "action": "save",
        },
        {"files": ("方案.pdf", PDF)},
    )
    status, _landed, _page = browser.post(form_url, body, content_type)
    assert status == 200
    evidence = Evidence.objects.get(note__measure=Measure.objects.get(code="T1.1"))

    status, _url, downloaded = browser.get(f"{second.url}/evidence/{evidence.pk}/")
    assert status == 200
    assert downloaded == PDF


def test_through_nginx_both_servers_serve_one_signed_in_user(two_app_servers):
    first, second, proxy = two_app_servers
    period = load_app_data()
    browser = Browser()
    browser.sign_in(proxy, "jinjiang")
    served_before = (first.requests_served(), second.requests_served())
    for _ in range(8):
        status, landed, _page = browser.get(f"{proxy}/counties/510104/report/{period}/")
        assert status == 200
        assert "/login/" not in landed
    served = (
        first.requests_served() - served_before[0],
        second.requests_served() - served_before[1],
    )
    assert min(served) >= 2, f"requests per app server: {served}"


def test_a_change_to_the_plan_shows_at_once_on_both_servers(two_app_servers):
    """A county's page reads the plan afresh, and the grid kept in the shared page cache starts
    a new generation that both servers read: a change made in another process shows at once."""
    first, second, _proxy = two_app_servers
    period = load_app_data()
    reporter, reviewer = Browser(), Browser()
    reporter.sign_in(first.url, "jinjiang")
    reviewer.sign_in(first.url, "province")
    pages = [
        (reporter, f"/counties/510104/report/{period}/"),
        (reviewer, f"/province/measures/T1.1/?period={period}"),
    ]
    measure = Measure.objects.get(code="T1.1")
    for server in (first, second):
        for browser, page in pages:
            assert measure.text.encode() in browser.get(server.url + page)[2]
    measure.text = "两台服务器都应立即显示的新表述"
    measure.save()
    for server in (first, second):
        for browser, page in pages:
            assert measure.text.encode() in browser.get(server.url + page)[2]
