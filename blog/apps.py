from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Blog")

    def ready(self):
        from . import home, panels, project_hooks  # noqa: F401 - home section, "my area" panel, project pages
