from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self):
        from django.db.backends.signals import connection_created

        from volunteers import documents  # noqa: F401  (registers the certificate PDF)
        from volunteers.figures import sqlite_functions

        connection_created.connect(sqlite_functions, dispatch_uid="volunteers-sqlite-functions")
