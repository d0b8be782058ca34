"""Accessibility feedback (AgID's model statement, "meccanismo di feedback"): a person reports a
barrier or asks for content in an accessible form; staff answer within 30 days; the thread is kept."""
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_token():
    return secrets.token_urlsafe(24)


class Feedback(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("accessibility feedback", "Waiting for an answer")
        ANSWERED = "answered", _("Answered")

    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    page_url = models.CharField(_("page where the problem is"), max_length=500, blank=True)
    language = models.CharField(max_length=8, default="it")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    due_at = models.DateTimeField(_("answer due by"), db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")
        ordering = ["due_at", "pk"]

    def __str__(self):
        return f"{self.name} ({timezone.localtime(self.created_at):%d/%m/%Y})"

    def get_absolute_url(self):
        """The person's own page of the thread (the link in their e-mails)."""
        return reverse("accessibility:thread", kwargs={"token": self.token})

    def get_staff_url(self):
        return reverse("accessibility:staff_detail", kwargs={"pk": self.pk})

    @property
    def is_overdue(self):
        return self.status == self.Status.OPEN and self.due_at < timezone.now()


class FeedbackMessage(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    from_staff = models.BooleanField(_("written by the staff"), default=False)
    text = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("accessibility feedback message")
        verbose_name_plural = _("accessibility feedback messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:40]
