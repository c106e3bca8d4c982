from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "calportal.projects"
    label = "projects"
    verbose_name = _("Projects and funding agreements")

    def ready(self):
        from calportal.projects import documents, reporting

        reporting.register()
        documents.register()
