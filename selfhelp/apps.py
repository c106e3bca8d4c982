from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfhelpConfig(AppConfig):
    name = "selfhelp"
    verbose_name = _("Self-help groups")

    def ready(self):
        from selfhelp import documents  # noqa: F401  (registers the groups' report PDF)
