"""A user's notifications (the reminders sent to them), with the unread ones marked."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from targets.http import AuthenticatedHttpRequest
from targets.models import Notification
from targets.supervision import reminders


@require_GET
@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(recipient=request.user).select_related(
        "county", "period", "sender"
    )
    page = Paginator(mine, 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "entries": [(n, reminders.describe(n), reminders.link(n)) for n in page.object_list],
        "query": "",
    }
    return render(request, "notifications/page.html", context)


@require_POST
@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go where it leads."""
    notification = get_object_or_404(
        Notification.objects.select_related("county", "period"), pk=pk, recipient=request.user
    )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(reminders.link(notification))


@require_POST
@login_required
def read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("notifications")
