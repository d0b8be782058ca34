from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grants")

    def ready(self):
        from . import deadlines, giving, home, panels  # noqa: F401 (giving: the check of the 360Giving prefix)
