from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesMapConfig(AppConfig):
    name = "resources_map"
    verbose_name = _("Map of needs and resources")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from resources_map import documents  # noqa: F401  (registers the diagnosis PDF)
