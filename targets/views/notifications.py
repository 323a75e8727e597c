"""A user's notifications (reminders, escalation digests, reviewers' decisions), with the unread
ones marked."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from targets.http import AuthenticatedHttpRequest
from targets.models import Notification
from targets.orders import notices as order_notices
from targets.supervision import notices


def _entry(n: Notification) -> notices.Entry:
    """The notification in words: an order's by the orders' wording, the others' by theirs."""
    return order_notices.entry(n) if n.kind in order_notices.KINDS else notices.entry(n)


@require_GET
@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    mine = notices.listed(Notification.objects.filter(recipient=request.user))
    page = Paginator(mine, 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "entries": [_entry(n) for n in page.object_list],
        "query": "",
    }
    return render(request, "notifications/page.html", context)


@require_POST
@login_required
def open_notification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark the notification (and what it gathers) read and go where it leads."""
    notification = get_object_or_404(
        notices.listed(Notification.objects.filter(recipient=request.user)), pk=pk
    )
    if notification.read_at is None:
        Notification.objects.filter(Q(pk=pk) | Q(group=pk), read_at__isnull=True).update(
            read_at=timezone.now()
        )
    return redirect(_entry(notification).link)


@require_POST
@login_required
def read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("notifications")
