from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicTasksConfig(AppConfig):
    name = "calportal.public_tasks"
    label = "public_tasks"
    verbose_name = _("Public tasks")
