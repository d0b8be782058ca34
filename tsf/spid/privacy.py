"""Closing an account (tsf.privacy): the codice fiscale linked by SPID/CIE goes with it, so that the
identity is no longer matched to the closed account (a new sign-in starts a new one)."""
from django.utils.translation import gettext_lazy as _

from tsf.privacy import registry
from tsf.privacy.registry import PlanItem


def _plan(user):
    if not user.fiscal_code:
        return []
    return [PlanItem(_("Your codice fiscale, linked with SPID or CIE"), "delete", count=1)]


@registry.erasure("spid", plan=_plan, order=2)
def erase(user, pseudonym):
    linked = 1 if user.fiscal_code else 0
    user.fiscal_code = None
    user.fiscal_code_verified = False
    user.company_fiscal_code = ""
    user.save(update_fields=["fiscal_code", "fiscal_code_verified", "company_fiscal_code"])
    return {"fiscal_code": linked}
