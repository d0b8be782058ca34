from django.db.models import Count

from .models import Feedback


def feedback_list(state="open"):
    qs = Feedback.objects.annotate(message_count=Count("messages"))
    if state != "all":
        qs = qs.filter(status=state)
    return qs.order_by("due_at", "pk") if state == "open" else qs.order_by("-created_at", "-pk")


def open_counts(now):
    open_items = Feedback.objects.filter(status=Feedback.Status.OPEN)
    return {"open": open_items.count(), "overdue": open_items.filter(due_at__lt=now).count()}
