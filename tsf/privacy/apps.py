from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "tsf.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from . import own  # noqa: F401 (the kinds of record, sections and erasure steps of the shared apps)
