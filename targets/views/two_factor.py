"""The second step of signing in, enrolling an authenticator, and the account's two-factor page
(see targets/accounts/two_factor.py for who must give a second factor)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from targets.accounts import two_factor
from targets.http import AuthenticatedHttpRequest
from targets.views.errors import locked_out


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


def _next(request: HttpRequest) -> str:
    """Where to go once the step is done: the ``next`` the user came with, if it is ours."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url("home")


@require_http_methods(["GET", "POST"])
@login_required
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator, or one recovery code."""
    if request.session.get(two_factor.STATE) != two_factor.VERIFY:
        return redirect(_next(request))
    if two_factor.device_of(request.user) is None:
        # Reset by an admin since the password step: enrol again (where required).
        request.session[two_factor.STATE] = two_factor.state_at_sign_in(request.user)
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = two_factor.verify(request=request, code=form.cleaned_data["code"])
        if outcome == two_factor.WRONG and getattr(request, "axes_locked_out", False):
            # The limit of failed sign-ins is reached: the half-done session ends too.
            logout(request)
            return locked_out(request)
        if outcome == two_factor.WRONG:
            form.add_error("code", _("验证码不正确,或该恢复码已用过。"))
        elif outcome == two_factor.WAIT:
            form.add_error("code", _("错误次数较多,请稍等几秒再试。"))
        else:
            if outcome == two_factor.RECOVERY:
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _("已使用一个恢复码,还剩%(left)d个。请在“两步验证”页面生成新的恢复码。")
                    % {"left": left},
                )
            return redirect(_next(request))
    context = {"form": form, "next": _next(request)}
    return render(request, "account/two_factor_verify.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add an authenticator: scan the QR code (or type the secret), confirm with one code, and
    take the ten recovery codes, shown this once."""
    if two_factor.device_of(request.user) is not None:
        return redirect("two_factor")
    device = two_factor.pending_device(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm(request=request, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            context = {"codes": codes, "next": _next(request), "enrolled": True}
            return render(request, "account/recovery_codes.html", context)
        form.add_error(
            "code", _("验证码不正确。请核对手机的时间,再输入身份验证器当前显示的6位数字。")
        )
    context = {
        "form": form,
        "next": _next(request),
        "required": request.session.get(two_factor.STATE) == two_factor.ENROL,
        "qr": two_factor.qr_svg(device, _("用身份验证器扫描此二维码")),
        "secret": two_factor.secret_of(device),
        "uri": device.config_url,
    }
    return render(request, "account/two_factor_enrol.html", context)


@require_GET
@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The account's two-factor status, with enrolment or new recovery codes."""
    device = two_factor.device_of(request.user)
    context = {
        "device": device,
        "required": two_factor.required_for(request.user),
        "codes_left": two_factor.recovery_codes_left(request.user) if device else 0,
    }
    return render(request, "account/two_factor.html", context)


@require_POST
@login_required
def renew_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ten new recovery codes (the old ones stop working), for an enrolled account."""
    if two_factor.device_of(request.user) is None:
        messages.error(request, _("请先启用两步验证。"))
        return redirect("two_factor")
    codes = two_factor.renew_recovery_codes(request=request)
    return render(request, "account/recovery_codes.html", {"codes": codes, "enrolled": False})
