"""allauth adapter: allauth's e-mails (verification, password reset, security notices) go through
the outbox, in the recipient's language, so that they are never lost when the mail server is down."""
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        from tsf.notifications.services import queue_email

        request = allauth_context.request
        user = context.get("user")
        lang = getattr(user, "language", None) or translation.get_language() or settings.LANGUAGE_CODE
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        with translation.override(lang):
            msg = self.render_mail(template_prefix, email, ctx)
        html = ""
        for content, mimetype in getattr(msg, "alternatives", []):
            if mimetype == "text/html":
                html = content
        queue_email(
            email,
            msg.subject,
            msg.body,
            html,
            event=template_prefix.rsplit("/", 1)[-1],
            recipient=user if getattr(user, "pk", None) else None,
        )
