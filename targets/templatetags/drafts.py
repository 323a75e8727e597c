"""``{% draft_owner %}``: the key under which static/js/drafts.js keeps the signed-in user's
unsent form content in the browser, so that the next person to sign in on that browser never gets
it. Opaque (an HMAC of the user's id under the secret key): it names no one in the page."""

from django import template
from django.utils.crypto import salted_hmac

register = template.Library()


@register.simple_tag(takes_context=True)
def draft_owner(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return salted_hmac("targets.drafts.owner", str(user.pk), algorithm="sha256").hexdigest()[:32]
