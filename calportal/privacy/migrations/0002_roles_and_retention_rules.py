from django.db import migrations

from calportal.accounts.roles import Role, grant

MODELS = (
    "retentionrule",
    "retentionrun",
    "consenttext",
    "consent",
    "subjectrequest",
    "erasurerecord",
    "recipientnotice",
    "breach",
    "processingactivity",
)

PERMISSIONS = {
    # The DPO reads everything of the privacy lifecycle and changes nothing (PRIVACY.md §6).
    Role.DPO: [f"privacy.view_{model}" for model in MODELS],
    # The OPS staff who answer requests, erase, and keep the rules, texts and registers.
    Role.DATA_REQUESTS: [f"privacy.view_{model}" for model in MODELS]
    + [
        "privacy.change_retentionrule",
        "privacy.run_retention",
        "privacy.add_consenttext",
        "privacy.add_subjectrequest",
        "privacy.change_subjectrequest",
        "privacy.add_erasurerecord",
        "privacy.add_breach",
        "privacy.change_breach",
        "privacy.add_processingactivity",
        "privacy.change_processingactivity",
    ],
}


def forwards(apps, schema_editor):
    from calportal.privacy.rules import RULES

    grant(apps, PERMISSIONS)
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for code, spec in RULES.items():
        RetentionRule.objects.get_or_create(
            code=code, defaults={"amount": spec.amount, "unit": spec.unit}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("accounts", "0004_user_deactivated_at"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
