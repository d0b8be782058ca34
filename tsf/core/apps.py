from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tsf.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import lookups, model_i18n, pagecache  # noqa: F401 (lookups registers JSONField's has_item)

        pagecache.connect_signals()
        model_i18n.connect_signals()
