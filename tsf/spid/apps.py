from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpidConfig(AppConfig):
    name = "tsf.spid"
    label = "spid"
    verbose_name = _("SPID and CIE")

    def ready(self):
        from . import conf, privacy  # noqa: F401 - privacy: the erasure step of closing an account

        conf.cache_key_loading()
