from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    """An anonymised participant row (PRIVACY.md §2) has no e-mail address or phone."""

    dependencies = [
        ("initiatives", "0011_anonymisation_fields"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="participant", name="participant_has_contact"),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone="") | Q(anonymised_year__isnull=False),
                name="participant_has_contact",
                violation_error_message="Give an e-mail address or a phone number.",
            ),
        ),
    ]
