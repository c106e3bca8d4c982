from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesMapConfig(AppConfig):
    name = "resources_map"
    verbose_name = _("Map of needs and resources")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from resources_map import (
            documents,  # noqa: F401  (registers the diagnosis PDF)
            geo,
        )
        from resources_map.models import Area

        # The municipality's box follows its areas (resources_map.geo.bounds).
        post_save.connect(geo.forget_bounds, sender=Area, dispatch_uid="geo.bounds.save")
        post_delete.connect(geo.forget_bounds, sender=Area, dispatch_uid="geo.bounds.delete")
