from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessibilityConfig(AppConfig):
    name = "tsf.accessibility"
    label = "accessibility"
    verbose_name = _("Accessibility")

    def ready(self):
        from . import deadlines, panels  # noqa: F401
