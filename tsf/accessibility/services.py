"""Accessibility feedback: received, answered, replied to. Each change is atomic and audited; the
e-mails go through the outbox after commit (tsf.notifications)."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from tsf.accounts.permissions import require_role
from tsf.core import audit
from tsf.notifications.services import notify, notify_address

from .models import Feedback, FeedbackMessage


def answer_due(moment):
    return moment + timezone.timedelta(days=settings.TSF_ACCESSIBILITY["answer_days"])


def staff_recipients():
    return list(get_user_model().objects.with_role("staff"))


def _tell_person(feedback, event, context):
    """The person hears by e-mail in the language they wrote in; a signed-in person in the portal too."""
    context = {"feedback": feedback, **context}
    if feedback.user_id and feedback.user.is_active:
        notify(feedback.user, event, context, url=feedback.get_absolute_url())
    else:
        notify_address(feedback.email, event, context, language=feedback.language, url=feedback.get_absolute_url())


@transaction.atomic
def submit_feedback(*, name, email, text, page_url="", user=None, language=None) -> Feedback:
    """A person reports a barrier: kept with its answer deadline (30 days), acknowledged to the
    person with the link to their thread, and announced to the staff."""
    now = timezone.now()
    user = user if user is not None and user.is_authenticated else None
    feedback = Feedback.objects.create(
        name=name.strip(), email=email.strip(), user=user, page_url=page_url.strip()[:500],
        language=(language or get_language() or "it")[:8], created_at=now, due_at=answer_due(now))
    FeedbackMessage.objects.create(feedback=feedback, author=user, from_staff=False, text=text.strip(), created_at=now)
    audit.record(user, "accessibility.feedback_received", feedback)
    _tell_person(feedback, "accessibility_feedback_received", {})
    notify(staff_recipients(), "accessibility_feedback_new", {"feedback": feedback, "text": text.strip()},
           url=feedback.get_staff_url())
    return feedback


@transaction.atomic
def answer_feedback(feedback, *, text, by) -> FeedbackMessage:
    """Staff answer: the thread keeps it, the person receives it (e-mail, and the portal if signed up)."""
    require_role(by, "staff")
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    now = timezone.now()
    message = FeedbackMessage.objects.create(feedback=feedback, author=by, from_staff=True, text=text.strip(),
                                             created_at=now)
    feedback.status = Feedback.Status.ANSWERED
    feedback.answered_at = now
    feedback.save(update_fields=["status", "answered_at"])
    audit.record(by, "accessibility.feedback_answered", feedback, changes={"status": ["open", "answered"]})
    _tell_person(feedback, "accessibility_feedback_answered", {"answer": message.text})
    return message


@transaction.atomic
def reply_to_feedback(feedback, *, text) -> FeedbackMessage:
    """The person writes again on their thread (from the link they received): it opens again, with
    a new 30-day deadline, and the staff are told."""
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    now = timezone.now()
    message = FeedbackMessage.objects.create(feedback=feedback, author=feedback.user, from_staff=False,
                                             text=text.strip(), created_at=now)
    feedback.status = Feedback.Status.OPEN
    feedback.due_at = answer_due(now)
    feedback.save(update_fields=["status", "due_at"])
    audit.record(feedback.user, "accessibility.feedback_reply", feedback)
    notify(staff_recipients(), "accessibility_feedback_new", {"feedback": feedback, "text": message.text},
           url=feedback.get_staff_url())
    return message
