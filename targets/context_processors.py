from django.core.cache import cache
from django.http import HttpRequest

from targets.accounts.access import access_for
from targets.models import Indicator, ProgressNote
from targets.supervision.reminders import unread_count

DEMO_CACHE_KEY = "holds-demo-data"


def roles(request: HttpRequest) -> dict:
    """The signed-in user's access, for the navigation."""
    return {"access": access_for(request)}


def demo_notice(request: HttpRequest) -> dict:
    """Whether the database holds demonstration data, so that every page can say so."""
    holds_demo = cache.get(DEMO_CACHE_KEY)
    if holds_demo is None:
        holds_demo = (
            Indicator.objects.filter(is_demo=True).exists()
            or ProgressNote.objects.filter(is_demo=True).exists()
        )
        cache.set(DEMO_CACHE_KEY, holds_demo, 60)
    return {"holds_demo_data": holds_demo}


def notifications(request: HttpRequest) -> dict:
    """How many notifications the signed-in user has not read, for the page header."""
    if not request.user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(request.user)}
