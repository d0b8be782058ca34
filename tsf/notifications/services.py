"""Notify people of an event: in the portal, and by e-mail through the outbox.

    notify(users, "proposal_submitted", {"proposal": p}, url=p.get_absolute_url())

renders `notifications/<event>/subject.txt`, `body.txt` and (if present) `body.html` in each
recipient's language, writes a Notification and an OutboxEmail per recipient in the current
transaction, and queues the sending after commit (`tsf.notifications.outbox`).

The package's modules import one way: `deadlines` -> `services` -> `outbox` -> `models`; `tasks`
(what Celery runs) imports `deadlines` and `outbox`, and nothing imports `tasks`.
"""
import logging
from collections.abc import Iterable

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation

from tsf.core import pagecache
from tsf.core.i18n import language_of, translate_to
from tsf.core.sharing import site_url

from .models import Notification
from .outbox import queue_email

logger = logging.getLogger(__name__)


def _render(event: str, part: str, context: dict) -> str:
    """Render one part of an event's message. The text parts (subject, plain body) are rendered
    without HTML escaping: an apostrophe in "L'esito" must stay an apostrophe in the e-mail."""
    from django.template import Context

    template = get_template(f"notifications/{event}/{part}")
    if part.endswith(".txt") and hasattr(template, "template"):
        return template.template.render(Context(context, autoescape=False))
    return template.render(context)


def notify(users, event: str, context: dict | None = None, *, url: str = "", email: bool = True):
    """Tell each of `users` (a user or an iterable) about `event`. Returns the notifications."""
    if not isinstance(users, Iterable):
        users = [users]
    context = dict(context or {})
    created = []
    for user in {u.pk: u for u in users if u is not None}.values():
        language = language_of(user)
        user_url = translate_to(url, language)  # the page in the recipient's language
        with translation.override(language):
            ctx = {**context, "user": user, "url": user_url, "site_url": site_url(), "LANGUAGE_CODE": language}
            subject = " ".join(_render(event, "subject.txt", ctx).split())
            body = _render(event, "body.txt", ctx).strip()
            try:
                html = _render(event, "body.html", ctx)
            except TemplateDoesNotExist:
                html = ""
        created.append(
            Notification.objects.create(recipient=user, event=event, title=subject, body=body, url=user_url)
        )
        if email and user.email:
            queue_email(user.email, subject, body, html, event=event, recipient=user)
    return created


def notify_address(address: str, event: str, context: dict | None = None, *, language: str, url: str = "",
                   headers: dict | None = None):
    """E-mail `event` to an address that may have no account (a visitor), in `language`, through the
    outbox: the same templates as `notify`, no notification in the portal. Returns the outbox row."""
    with translation.override(language):
        ctx = {**(context or {}), "url": url, "site_url": site_url(), "LANGUAGE_CODE": language}
        subject = " ".join(_render(event, "subject.txt", ctx).split())
        body = _render(event, "body.txt", ctx).strip()
        try:
            html = _render(event, "body.html", ctx)
        except TemplateDoesNotExist:
            html = ""
    return queue_email(address, subject, body, html, event=event, headers=headers)


def mark_read(user, notification_id=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    count = qs.update(read_at=timezone.now())
    if count:
        # update() sends no signal: the unread count on the pages kept for this person changes now.
        pagecache.invalidate_private()
    return count
