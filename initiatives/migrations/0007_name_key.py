"""People are matched by a name key (apostrophes, hyphens, spaces and case written one way) and
phone numbers are kept as 9 national digits: fill the key for existing rows and bring any phone
stored another way to that form."""

import re
import unicodedata

from django.db import migrations, models

from calportal.contacts import stored_phone_or_as_typed

# A frozen copy of calportal.contacts.name_key: a migration must give the same result whatever
# that module becomes later. Phones go through calportal.contacts.stored_phone_or_as_typed, the
# one conversion every app's data migration uses (kept stable for them).
_APOSTROPHES = re.compile("['\u2019\u2018\u02bc`\u00b4\u2032]")
_HYPHENS = re.compile(r"\s*[-\u2010\u2011\u2012\u2013\u2014\u2212]\s*")
_SPACES = re.compile(r"\s+")


def _name_key(first, last):
    text = f"{first or ''} {last or ''}"
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    text = _HYPHENS.sub("-", _APOSTROPHES.sub("'", text))
    return _SPACES.sub(" ", text).strip()


def fill(apps, schema_editor):
    Participant = apps.get_model("initiatives", "Participant")
    PassApplication = apps.get_model("initiatives", "PassApplication")
    # Two open applications whose names differed only in how an apostrophe or a hyphen was
    # written are one person's: the later ones are closed as duplicates of the first (before
    # the keys are written, so the unique key of open applications never sees two).
    first_open = {}
    for application in PassApplication.objects.filter(status="new").order_by("pk"):
        same = (_name_key(application.first_name, application.last_name), application.birth_year)
        if same in first_open:
            PassApplication.objects.filter(pk=application.pk).update(
                status="rejected",
                rejection_reason=f"Powtórzony wniosek tej samej osoby (pierwszy: nr {first_open[same]}).",
            )
        else:
            first_open[same] = application.pk
    for model in (Participant, PassApplication):
        for row in model.objects.only("pk", "first_name", "last_name", "phone").iterator():
            key = _name_key(row.first_name, row.last_name)
            phone = stored_phone_or_as_typed(row.phone)
            model.objects.filter(pk=row.pk).update(name_key=key, phone=phone)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0006_pass_rules"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="passapplication",
            name="application_one_open_per_person",
        ),
        migrations.AddField(
            model_name="participant",
            name="name_key",
            field=models.TextField(db_index=True, default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="passapplication",
            name="name_key",
            field=models.TextField(db_index=True, default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="passapplication",
            constraint=models.UniqueConstraint(
                fields=("name_key", "birth_year"),
                condition=models.Q(("status", "new")),
                name="application_one_open_per_person",
            ),
        ),
    ]
