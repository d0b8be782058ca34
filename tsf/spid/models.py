"""The sign-in policy staff set (one row): whether promoters must have proved who they are with
SPID or CIE before they submit a proposal."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInPolicy(models.Model):
    promoters_need_spid = models.BooleanField(
        _("promoters must sign in with SPID or CIE to submit a proposal"), null=True, blank=True,
        help_text=_("Empty: the installation's default (SPID_REQUIRED_FOR_PROMOTERS)."))
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policy")

    def __str__(self):
        return str(_("Sign-in policy"))


def promoters_need_spid() -> bool:
    row = SignInPolicy.objects.filter(pk=1).values_list("promoters_need_spid", flat=True).first()
    return settings.SPID_REQUIRED_FOR_PROMOTERS if row is None else row
