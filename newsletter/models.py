"""The newsletter: subscribers (double opt-in, one-click unsubscribe) and the issues editors compose
from recent posts, sent through the outbox in batches. One Subscriber row per address is the
record of the person's consent to receive it (a signed-in person's subscription is theirs)."""
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import Post


def new_token():
    return secrets.token_urlsafe(24)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    email = models.EmailField(_("e-mail address"), unique=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="newsletter_subscription")
    language = models.CharField(_("language"), max_length=8, default="it")
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")
        ordering = ["email"]

    def __str__(self):
        return self.email

    def confirm_url(self):
        return reverse("newsletter:confirm", kwargs={"token": self.token})

    def unsubscribe_url(self):
        return reverse("newsletter:unsubscribe", kwargs={"token": self.token})


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    subject = models.CharField(_("subject"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True,
                             help_text=_("A few sentences before the posts (plain text)."))
    posts = models.ManyToManyField(Post, verbose_name=_("posts"), related_name="newsletter_issues")
    language = models.CharField(_("language"), max_length=8, default="it")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    test_sent_at = models.DateTimeField(_("test sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("newsletter:issue", kwargs={"pk": self.pk})


class Delivery(models.Model):
    """One issue written to one subscriber's outbox row: never twice (unique), so a batch that runs
    again, late or twice, goes on where the last one stopped."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("newsletter delivery")
        verbose_name_plural = _("newsletter deliveries")
        constraints = [models.UniqueConstraint(fields=["issue", "subscriber"], name="newsletter_one_delivery")]

    def __str__(self):
        return f"{self.issue_id} → {self.subscriber_id}"
