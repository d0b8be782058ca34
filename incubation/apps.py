from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubationConfig(AppConfig):
    name = "incubation"
    verbose_name = _("Incubation")

    def ready(self):
        from . import panels, reminders  # noqa: F401
