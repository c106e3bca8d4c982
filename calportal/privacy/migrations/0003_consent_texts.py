"""The consent-text registry's first entries (PRIVACY.md §5): the clauses the public forms
showed until now, in Polish and English, plus the new separate consent for health data
(art. 9(2)(a)); then one :class:`Consent` for every record that has ``consent_given_at``.

The texts are written out here, not taken from the translation catalogue: a registry entry
is what was shown, and must not change when a translation is edited later.
"""

import datetime

from django.db import migrations

# The registry's first versions are in force from their version's month (November 2026); a
# consent recorded earlier (the portal's first weeks, or a test's frozen clock) is to the
# first version, which the forms showed from the start (consent.current_text).
SHOWN_SINCE = datetime.datetime(2026, 10, 31, 23, 0, tzinfo=datetime.UTC)  # 1.11.2026 Warsaw

OPS = "Ośrodek Pomocy Społecznej w Śremie, ul. Mickiewicza 40, 63-100 Śrem"
CENTRE = "The Social Welfare Centre in Śrem, ul. Mickiewicza 40, 63-100 Śrem"

# {purpose: (version, Polish text, English text)}
TEXTS = {
    "event_signup": (
        "2026-11",
        f"{OPS}, przetwarza Pani/Pana dane osobowe w celu zapisania na to wydarzenie i "
        "kontaktu w jego sprawie, na podstawie Pani/Pana zgody. Informacje o szczególnych "
        "potrzebach widzą wyłącznie organizatorzy. Zgodę można wycofać w każdej chwili, "
        "anulując zapis.\n\n"
        "Wyrażam zgodę na przetwarzanie moich danych osobowych w celu zapisania mnie na to "
        "wydarzenie, zgodnie z klauzulą informacyjną.",
        f"{CENTRE}, processes your data to sign you up for this event and contact you about "
        "it, on the basis of your consent. Information about your needs is seen only by the "
        "organisers. You can withdraw your consent at any time by cancelling your "
        "registration.\n\n"
        "I agree to the processing of my data to sign me up for this event, as described in "
        "the information clause.",
    ),
    "disability": (
        "2026-11",
        f"{OPS}, przetwarza podane przez Panią/Pana informacje o stanie zdrowia – opis "
        "szczególnych potrzeb i informację o orzeczeniu o niepełnosprawności – wyłącznie po "
        "to, aby przygotować dla Pani/Pana wydarzenie, na podstawie Pani/Pana wyraźnej zgody "
        "(art. 9 ust. 2 lit. a RODO). Widzą je tylko organizatorzy. Opis potrzeb usuwamy 30 "
        "dni po wydarzeniu. Ta zgoda jest dobrowolna i odrębna od zgody na zapis: bez niej "
        "zapiszemy Panią/Pana, ale bez tych informacji. Zgodę można wycofać w każdej chwili.\n\n"
        "Wyrażam wyraźną zgodę na przetwarzanie informacji o moim stanie zdrowia (szczególne "
        "potrzeby, orzeczenie o niepełnosprawności) w opisanym celu.",
        f"{CENTRE}, processes the information about your health you give us – the "
        "description of your needs and whether you have a disability certificate – only to "
        "prepare the event for you, on the basis of your explicit consent (Article 9(2)(a) "
        "GDPR). Only the organisers see it. We delete the description of your needs 30 days "
        "after the event. This consent is voluntary and separate from the consent to sign up: "
        "without it we sign you up, but without this information. You can withdraw it at any "
        "time.\n\n"
        "I explicitly agree to the processing of information about my health (my needs, a "
        "disability certificate) for this purpose.",
    ),
    "senior_pass": (
        "2026-11-sps",
        f"{OPS}, przetwarza Pani/Pana dane osobowe w celu wydania karnetu i kontaktu w jego "
        "sprawie, na podstawie Pani/Pana zgody. Lokale partnerskie widzą wyłącznie imię oraz "
        "informację, czy karnet jest ważny.\n\n"
        "Wyrażam zgodę na przetwarzanie moich danych osobowych w celu wydania karnetu i "
        "kontaktu w jego sprawie, zgodnie z klauzulą informacyjną.",
        f"{CENTRE}, processes your data to issue the pass and contact you about it, on the "
        "basis of your consent. Partner cafés see only your first name and whether the pass "
        "is valid.\n\n"
        "I agree to the processing of my data to issue the pass and contact me about it, as "
        "described in the information clause.",
    ),
    "volunteer": (
        "2026-11",
        "Pani/Pana dane osobowe przetwarza wybrana organizacja wraz z Ośrodkiem Pomocy "
        "Społecznej w Śremie, ul. Mickiewicza 40, 63-100 Śrem, "
        "w celu zorganizowania wolontariatu, na podstawie Pani/Pana zgody. Jeśli wolontariat "
        "nie zostanie podjęty, usuwamy dane w ciągu sześciu miesięcy. Zgodę można wycofać w "
        "każdej chwili.\n\n"
        "Wyrażam zgodę na przetwarzanie moich danych osobowych w celu kontaktu ze mną przez "
        "wybraną organizację w sprawie wolontariatu, zgodnie z klauzulą informacyjną.",
        f"Your data is processed by the organisation you chose, with the {CENTRE[4:]}, to "
        "arrange your volunteering, on the basis of your consent. If you do not start "
        "volunteering, we delete it within six months. You can withdraw your consent at any "
        "time.\n\n"
        "I agree to the processing of my data so that the organisation I chose can contact "
        "me about volunteering, as described in the information clause.",
    ),
    "selfhelp": (
        "2026-11",
        f"{OPS}, przetwarza podane tutaj dane wyłącznie po to, aby osoba prowadząca grupę "
        "mogła się z Panią/Panem skontaktować, na podstawie Pani/Pana zgody. Dane widzą tylko "
        "ta osoba i koordynator grup samopomocowych; każde ich otwarcie jest rejestrowane. "
        "Nigdy nie publikujemy informacji o tym, kto należy do grupy. W temacie naszych "
        "wiadomości e-mail nigdy nie podajemy nazwy grupy. W każdej chwili może Pani/Pan "
        "wycofać zgodę i poprosić o usunięcie swoich danych.\n\n"
        "Wyrażam zgodę na to, aby osoba prowadząca grupę skontaktowała się ze mną, zgodnie z "
        "klauzulą informacyjną.",
        f"{CENTRE}, processes what you give here only so that the person leading the group "
        "can contact you, on the basis of your consent. Only that person and the coordinator "
        "of the groups can see it; every opening is recorded. We never publish who belongs "
        "to a group. Our e-mails never name the group in the subject. You can withdraw your "
        "consent and ask us to erase your data at any time.\n\n"
        "I agree that the person leading the group contacts me, as described in the "
        "information clause.",
    ),
    "map_report": (
        "2026-11",
        f"{OPS}, przetwarza Pani/Pana imię i nazwisko oraz dane kontaktowe w celu kontaktu w "
        "sprawie tego zgłoszenia, na podstawie Pani/Pana zgody, i usuwa je po rozpatrzeniu "
        "zgłoszenia. Zgodę można wycofać w każdej chwili.\n\n"
        "Wyrażam zgodę na przetwarzanie moich danych osobowych w celu kontaktu ze mną przez "
        "Zespół CAL w sprawie tego zgłoszenia, zgodnie z klauzulą informacyjną.",
        f"{CENTRE}, processes your name and contact details to talk to you about this "
        "report, on the basis of your consent, and deletes them when the report has been "
        "handled. You can withdraw your consent at any time.\n\n"
        "I agree to the processing of my data so that the CAL team can contact me about this "
        "report, as described in the information clause.",
    ),
}

# Registrations' source → the consent's channel.
CHANNELS = {"online": "online", "phone": "phone", "on_site": "on_site"}
BATCH = 2000


def create_texts(apps, schema_editor=None) -> dict:
    """Create the registry entries (idempotent); return {(purpose, language): ConsentText}."""
    ConsentText = apps.get_model("privacy", "ConsentText")
    texts = {}
    for purpose, (version, polish, english) in TEXTS.items():
        for language, text in (("pl", polish), ("en", english)):
            texts[purpose, language], _created = ConsentText.objects.get_or_create(
                purpose=purpose,
                version=version,
                language=language,
                defaults={"text": text, "valid_from": SHOWN_SINCE},
            )
    return texts


def _text_for(texts, purpose, language):
    return texts.get((purpose, language)) or texts[purpose, "pl"]


def create_consents(apps, schema_editor=None) -> int:
    """One Consent for every record with ``consent_given_at`` and no Consent yet. Registrations
    staff took (source phone / on site, or ``created_by`` set) get that channel and
    ``taken_by``; a participant's channel is that of their first registration. Returns the
    number created."""
    texts = create_texts(apps)
    Consent = apps.get_model("privacy", "Consent")
    Participant = apps.get_model("initiatives", "Participant")
    Registration = apps.get_model("initiatives", "Registration")
    PassApplication = apps.get_model("initiatives", "PassApplication")
    Volunteer = apps.get_model("volunteers", "Volunteer")
    JoinRequest = apps.get_model("selfhelp", "JoinRequest")
    ResidentReport = apps.get_model("resources_map", "ResidentReport")
    rows = []

    def registration_channel(source, created_by_id):
        channel = CHANNELS.get(source, "online")
        if channel == "online" and created_by_id:
            channel = "phone"
        return channel, (created_by_id if channel != "online" else None)

    first_registration = {}
    for participant_id, source, created_by_id, language in (
        Registration.objects.order_by("participant_id", "created_at", "pk")
        .values_list("participant_id", "source", "created_by_id", "language")
        .iterator(chunk_size=BATCH)
    ):
        first_registration.setdefault(participant_id, (source, created_by_id, language))

    for pk, given_at in (
        Participant.objects.filter(consent_given_at__isnull=False, consents=None)
        .values_list("pk", "consent_given_at")
        .iterator(chunk_size=BATCH)
    ):
        source, created_by_id, language = first_registration.get(pk, ("online", None, "pl"))
        channel, taken_by = registration_channel(source, created_by_id)
        rows.append(Consent(
            text=_text_for(texts, "event_signup", language), given_at=given_at,
            channel=channel, taken_by_id=taken_by, participant_id=pk,
        ))
    for pk, given_at, source, created_by_id, language in (
        Registration.objects.filter(consent_given_at__isnull=False, consents=None)
        .values_list("pk", "consent_given_at", "source", "created_by_id", "language")
        .iterator(chunk_size=BATCH)
    ):
        channel, taken_by = registration_channel(source, created_by_id)
        rows.append(Consent(
            text=_text_for(texts, "event_signup", language), given_at=given_at,
            channel=channel, taken_by_id=taken_by, registration_id=pk,
        ))
    simple = (
        (PassApplication, "senior_pass", "pass_application_id", None),
        (Volunteer, "volunteer", "volunteer_id", None),
        (JoinRequest, "selfhelp", "join_request_id", "language"),
        (ResidentReport, "map_report", "resident_report_id", "language"),
    )
    for model, purpose, subject_field, language_field in simple:
        fields = ["pk", "consent_given_at"] + ([language_field] if language_field else [])
        for values in (
            model.objects.filter(consent_given_at__isnull=False, consents=None)
            .values_list(*fields)
            .iterator(chunk_size=BATCH)
        ):
            language = values[2] if language_field else "pl"
            rows.append(Consent(
                text=_text_for(texts, purpose, language), given_at=values[1],
                channel="online", **{subject_field: values[0]},
            ))
    Consent.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def forwards(apps, schema_editor):
    create_consents(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_roles_and_retention_rules"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
