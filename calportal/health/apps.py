from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "calportal.health"
    label = "health"
    verbose_name = "Health"
