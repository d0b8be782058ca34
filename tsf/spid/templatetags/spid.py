from django import template
from django.conf import settings

from tsf.spid import conf

register = template.Library()


@register.inclusion_tag("spid/buttons.html", takes_context=True)
def spid_buttons(context, link=False, reauth=False):
    """"Entra con SPID" with its menu of identity providers, and "Entra con CIE" (`link`: from the
    profile of a signed-in person, to link the identity to the account; `reauth`: a signed-in person
    confirms who they are before a sensitive action, tsf.spid.views.reauthenticate)."""
    request = context.get("request")
    next_url = request.GET.get("next", "") if request is not None else ""
    enabled = settings.SPID_ENABLED
    return {
        "spid_enabled": enabled,
        "spid_idps": conf.identity_providers(conf.SPID, request) if enabled else [],
        "cie_idps": conf.identity_providers(conf.CIE, request) if enabled else [],
        "next": next_url,
        "link": link or reauth,
        "mode": "reauth" if reauth else ("link" if link else ""),
    }
