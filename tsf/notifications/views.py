from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
from .models import Notification


@login_required
def inbox(request):
    qs = Notification.objects.filter(recipient=request.user).only(
        "id", "title", "body", "url", "created_at", "read_at", "event"
    )
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page_obj": page, "only_unread": bool(request.GET.get("unread"))})


@login_required
@require_POST
def open_notification(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(request.user, notification.pk)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(request.user)
    return redirect("notifications:inbox")
