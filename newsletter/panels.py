"""My area: the person's newsletter subscription (their consent to receive it), on or off; editors
get the way to the issues."""
from tsf.accounts import my_area

from . import services


@my_area.panel("editor", order=85)
def editor_newsletter_panel(request):
    return {"template": "newsletter/panels/editor.html"}


@my_area.panel(my_area.EVERYONE, order=97)
def subscription_panel(request):
    sub = services.subscription_of(request.user)
    return {"template": "newsletter/panels/subscription.html", "subscription": sub,
            "subscribed": sub is not None and sub.status == sub.Status.ACTIVE}
