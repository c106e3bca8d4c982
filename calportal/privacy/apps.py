from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def fill_processing_register(sender, using="default", **kwargs):
    """After ``migrate`` (and after a test database is flushed): write the default records of
    processing (art. 30) into an empty register, once. A register with any row is the OPS's and
    is left alone. Skipped while the privacy tables do not exist (migrating backwards)."""
    from django.db import connections

    from calportal.privacy.models import ProcessingActivity, RetentionRule

    tables = set(connections[using].introspection.table_names())
    needed = {
        ProcessingActivity._meta.db_table,
        ProcessingActivity.retention_rules.through._meta.db_table,
        RetentionRule._meta.db_table,
        "organisations_organisation",
        "volunteers_volunteer",
        "volunteers_opportunity",
    }
    if not needed <= tables or using != "default":
        return
    from calportal.privacy.processing import processing_fill_defaults

    processing_fill_defaults()


class PrivacyConfig(AppConfig):
    name = "calportal.privacy"
    label = "privacy"
    verbose_name = _("Privacy (RODO)")

    def ready(self):
        # Sent for each app; this app's sender runs it once per migrate.
        post_migrate.connect(fill_processing_register, sender=self, dispatch_uid="privacy_register")
        # The consent texts' guard against editing in place (a pre_save receiver) and the
        # subject-access package's document kind, in every process (web and worker).
        from calportal.privacy import consent, documents  # noqa: F401
