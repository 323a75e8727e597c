from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from targets.accounts import passwords
from targets.accounts.sessions import PASSWORD_CHANGE_DUE
from targets.audit import trail


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, recording when the password changed and ending a forced change."""

    http_method_names = ["get", "post"]
    template_name = "account/password_change.html"
    success_url = "/"

    def form_valid(self, form):
        response = super().form_valid(form)
        passwords.record_change(self.request.user)
        self.request.session[PASSWORD_CHANGE_DUE] = False
        trail.record("auth.password_changed", request=self.request, obj=self.request.user)
        messages.success(self.request, _("密码已修改。"))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["change_due"] = self.request.session.get(PASSWORD_CHANGE_DUE, False)
        return context
