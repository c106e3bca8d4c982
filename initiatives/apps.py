from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Initiatives and events")

    def ready(self):
        from initiatives import documents  # noqa: F401 - registers the document builders
        from initiatives.passes import documents as pass_documents  # noqa: F401
