from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "calportal.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # The files of report runs are documents. The report kinds (which load every app's
        # figures) are imported on first use, by calportal.reports.registry.
        from calportal.reports import documents  # noqa: F401
