"""The clauses of the forms that take a phone number say that the portal may send text messages
and that the SMS provider receives the number and the message (issue 16). A new version of each
(PRIVACY.md §5: never edited in place) is in force from this migration on; the earlier version
ends then. Not a material change: the purpose and the data are the same, a channel is named.
"""

from django.db import migrations
from django.utils import timezone

VERSION = "2026-12"
PURPOSES = ["event_signup", "senior_pass", "volunteer", "selfhelp"]
SMS_SENTENCE = {
    "pl": (
        "Jeśli poda Pani/Pan numer telefonu komórkowego, możemy w tej sprawie wysyłać SMS-y; "
        "numer i treść wiadomości otrzymuje wtedy operator bramki SMS, który je dla nas "
        "dostarcza. Bez adresu e-mail zadzwonimy do Pani/Pana z biura."
    ),
    "en": (
        "If you give a mobile number, we may send you text messages about it; the SMS "
        "provider that delivers them for us then receives the number and the message. "
        "Without an e-mail address, the office will call you."
    ),
}


def add_versions(apps, schema_editor):
    ConsentText = apps.get_model("privacy", "ConsentText")
    now = timezone.now()
    for purpose in PURPOSES:
        for language, sentence in SMS_SENTENCE.items():
            current = (
                ConsentText.objects.filter(
                    purpose=purpose, language=language, valid_to__isnull=True
                )
                .order_by("-valid_from", "-pk")
                .first()
            )
            if current is None or current.version == VERSION:
                continue
            information, _sep, agreement = current.text.partition("\n\n")
            ConsentText.objects.create(
                purpose=purpose,
                version=VERSION,
                language=language,
                text=f"{information} {sentence}\n\n{agreement}".strip(),
                valid_from=now,
                material_change=False,
            )
            ConsentText.objects.filter(pk=current.pk).update(valid_to=now)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0004_field_labels")]

    operations = [migrations.RunPython(add_versions, migrations.RunPython.noop)]
