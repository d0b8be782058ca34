from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpidConfig(AppConfig):
    name = "tsf.spid"
    label = "spid"
    verbose_name = _("SPID and CIE")

    def ready(self):
        from . import conf

        conf.cache_key_loading()
