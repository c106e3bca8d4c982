from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalportalConfig(AppConfig):
    name = "calportal"
    verbose_name = _("CAL portal")

    def ready(self):
        from calportal import public_cache
        from calportal.forms import harden_form_fields

        harden_form_fields()
        # Saves in every process (web, worker, commands) renew the public pages' cache.
        public_cache.connect()
