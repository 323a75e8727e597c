"""Session rules: an absolute lifetime, a forced password change, and how an expired session answers
htmx requests; the second factor; response headers; undecodable input refused before any view; each
request's id and its line in the log."""

import logging
import re
import time
import uuid
from urllib.parse import parse_qsl, unquote_to_bytes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp import DEVICE_ID_SESSION_KEY

from plenum import logs
from targets.accounts import security_policy, two_factor
from targets.accounts.access import access_for
from targets.accounts.sessions import PASSWORD_CHANGE_DUE, SIGNED_IN_AT
from targets.audit import trail
from targets.http import HtmxHttpRequest
from targets.models import ADMIN_KINDS

request_log = logging.getLogger("targets.requests")
# An id that nginx (or another proxy) gave the request: kept if it looks like one, so that a made-up
# header cannot write lines of its own into the log.
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

# When the session's idle clock was last restarted; restarted again after this many seconds.
IDLE_CLOCK_STARTED_AT = "idle_clock_started_at"
IDLE_CLOCK_RESOLUTION = 60
# A cookie that outlives the session, so that a request after the session expired can say so.
MARKER_COOKIE = "had_session"


class RequestLogMiddleware:
    """Gives each request an id (the proxy's X-Request-ID, else a new one), which every log line
    written while it is served carries and the response repeats, and logs one line per request
    with the user, path, status and time taken in milliseconds (logger ``targets.requests``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        current = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        token = logs.request_id.set(current)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = current
            if request_log.isEnabledFor(logging.INFO):
                user = getattr(request, "user", None)
                request_log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "user": user.get_username() if user and user.is_authenticated else None,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            logs.request_id.reset(token)


class HtmxLoginRedirectMiddleware:
    """An htmx request from an expired session sends the whole page to the login page, rather than
    swapping a login form into a fragment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "htmx", False) and response.status_code == 302:
            login_url = resolve_url(settings.LOGIN_URL)
            password_url = resolve_url(settings.PASSWORD_CHANGE_URL)
            second_step = (resolve_url("two_factor_verify"), resolve_url("two_factor_enrol"))
            if response["Location"].startswith((login_url, password_url, *second_step)):
                return HttpResponseClientRedirect(response["Location"])
        return response


class SessionLifetimeMiddleware:
    """Ends a session the policy's idle minutes after its last request (to within a minute: the
    idle clock restarts at most once a minute) and its maximum hours after sign-in, and tells a
    user whose session ended why they are asked to sign in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            policy = security_policy.current()
            started = request.session.get(SIGNED_IN_AT, 0)
            if time.time() - started > policy.session_max_hours * 3600:
                trail.record("auth.session_expired", request=request)
                logout(request)
                messages.warning(
                    request,
                    _("登录已超过%(hours)d小时,请重新登录。") % {"hours": policy.session_max_hours},
                )
                return redirect_to_login(request.get_full_path())
            # The idle clock restarts at most once a minute: saving the session on every request
            # would write to the database on every page.
            now = time.time()
            if now - request.session.get(IDLE_CLOCK_STARTED_AT, 0) >= IDLE_CLOCK_RESOLUTION:
                request.session[IDLE_CLOCK_STARTED_AT] = now
                request.session.set_expiry(policy.session_idle_minutes * 60)
        elif request.COOKIES.get(MARKER_COOKIE) and not request.htmx:
            messages.warning(
                request,
                _("会话已过期,请重新登录。未提交的内容仍保留在原页面,登录后可继续提交。"),
            )

        response = self.get_response(request)

        if request.user.is_authenticated and not request.COOKIES.get(MARKER_COOKIE):
            response.set_cookie(
                MARKER_COOKIE,
                "1",
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        elif (
            not request.user.is_authenticated
            and request.COOKIES.get(MARKER_COOKIE)
            and (not request.htmx)
        ):
            # Signed out, or told above that the session had expired.
            response.delete_cookie(MARKER_COOKIE, samesite="Lax")
        return response


class PasswordChangeRequiredMiddleware:
    """A user whose password expired, or was set or reset by an admin, changes it before going on."""

    ALLOWED = {"password_change", "logout", "set_language", "healthz"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or not request.session.get(PASSWORD_CHANGE_DUE):
            return None
        # process_view runs once the URL is resolved.
        url_name = request.resolver_match.url_name  # type: ignore[union-attr]
        if url_name in self.ALLOWED:
            return None
        return redirect("password_change")


class TwoFactorRequiredMiddleware:
    """A session that passed the password step but owes the second factor gives a code (or, with
    no authenticator yet where one is required, enrols one) before anything else."""

    ALLOWED = {
        "two_factor_verify",
        "two_factor_enrol",
        "logout",
        "set_language",
        "healthz",
        "status_colours",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        state = request.session.get(two_factor.STATE)
        if state is None or (
            state == two_factor.DONE
            and DEVICE_ID_SESSION_KEY not in request.session
            and access_for(request).kinds & set(ADMIN_KINDS)
        ):
            # A session from before two factors existed, or one that was given an admin duty
            # after signing in without a code: decided now, as at sign-in.
            state = request.session[two_factor.STATE] = two_factor.state_at_sign_in(request.user)
        # process_view runs once the URL is resolved.
        url_name = request.resolver_match.url_name  # type: ignore[union-attr]
        if state == two_factor.DONE or url_name in self.ALLOWED:
            return None
        step = "two_factor_verify" if state == two_factor.VERIFY else "two_factor_enrol"
        return redirect_to_login(request.get_full_path(), resolve_url(step), REDIRECT_FIELD_NAME)


# Browser features the app never uses, denied to it and to anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class ResponseHeadersMiddleware:
    """Headers for every response: a Permissions-Policy that denies the browser features the app
    never uses; and, for a signed-in user, `Cache-Control: no-store`, so that no page, download or
    export of theirs is kept by the browser or a proxy after they leave (剩余信息保护). Placed
    before WhiteNoise, whose static files keep their long cache (no user is known there)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)  # None for WhiteNoise's static files
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectUndecodableInputMiddleware:
    """A path or query that holds a NUL byte, or percent-encoded bytes that are not UTF-8, is
    refused here, once for every view: the path with 404, the query with 400, and a form's
    fields holding NUL with 400. (Such text would otherwise reach the database, which refuses NUL,
    and answer 500.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_clean_path(request.path_info):
            raise Http404
        if not _is_clean_query(request.META.get("QUERY_STRING", "")):
            raise BadRequest
        # Form fields (the CSRF check reads them before any view anyway); uploaded files are the
        # views' to check.
        if request.content_type in FORM_TYPES and any(
            "\x00" in part for name, values in request.POST.lists() for part in (name, *values)
        ):
            raise BadRequest
        return self.get_response(request)


def _is_clean_path(path: str) -> bool:
    """Whether the path is free of NUL and of bytes that are not UTF-8. Django has already decoded
    the path, keeping such bytes percent-encoded ("%FF"); no path of the app holds a "%"."""
    try:
        unquote_to_bytes(path).decode("utf-8")
    except UnicodeError:
        return False
    return "\x00" not in path


def _is_clean_query(query: str) -> bool:
    """Whether each name and value of the query (bytes as Latin-1, as WSGI gives them) is UTF-8
    without NUL."""
    try:
        raw = query.encode("latin-1")
    except UnicodeError:
        raw = query.encode()
    try:
        pairs = parse_qsl(raw, keep_blank_values=True)
        text = [part.decode("utf-8") for pair in pairs for part in pair]
    except (UnicodeError, ValueError):
        return False
    return all("\x00" not in part for part in text)
