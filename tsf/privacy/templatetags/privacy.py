from django import template

from tsf.privacy import registry

register = template.Library()


@register.simple_tag
def retention_schedule():
    """The lines of the retention schedule (the privacy notice reads its periods from here)."""
    return registry.kinds()


@register.filter
def period(kind):
    """A line's period in words: "1 anno", "90 giorni", "alla scadenza", or the law's words."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    days = kind.retention_days
    if days is None:
        return kind.kept_for
    if days == 0:
        return _("deleted when it expires")
    if days % 365 == 0:
        years = days // 365
        return ngettext("%(n)s year", "%(n)s years", years) % {"n": years}
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}


@register.simple_tag
def privacy_contacts():
    """Who the controller is and how to reach them and the data protection officer (settings)."""
    from django.conf import settings

    return {"controller": settings.TSF_PRIVACY_CONTROLLER, "contact": settings.TSF_PRIVACY_CONTACT,
            "dpo": settings.TSF_DPO_CONTACT}
