"""Demo data of the privacy lifecycle: two data-subject requests (one due within days), one
data breach, and the records of processing with a row for every organisation hosting volunteers.
Every person here is invented. Idempotent: a second load changes nothing.
"""

import datetime

from django.utils import timezone

from calportal.privacy.models import (
    Breach,
    IdentityCheck,
    RequestChannel,
    RequestKind,
    RequestStatus,
    RetentionRun,
    SubjectRequest,
)
from calportal.privacy.processing import processing_add_volunteer_rows, processing_fill_defaults

BREACH_DESCRIPTION = (
    "Lista obecności z warsztatów „Bezpieczny senior w sieci” (imiona, nazwiska, telefony) "
    "została wysłana e-mailem do niewłaściwego adresata – wolontariusza innej organizacji. "
    "Adresat potwierdził usunięcie wiadomości tego samego dnia."
)


def privacy_demo_load() -> None:
    """Load the demo requests, breach and register rows (after the organisations and their
    volunteers exist)."""
    processing_fill_defaults()
    processing_add_volunteer_rows()
    _record_consents()
    # What the nightly retention run would do today, as the DPO's pages show it.
    from calportal.privacy import retention

    if not RetentionRun.objects.exists():
        retention.run(dry_run=True)
    today = timezone.localdate()
    for kind, received_ago, channel, name, contact, check, status in (
        (
            RequestKind.ACCESS,
            10,
            RequestChannel.IN_PERSON,
            "Halina Przykładowa (demo)",
            "halina.przykladowa@example.org",
            IdentityCheck.ID_DOCUMENT,
            RequestStatus.IN_PROGRESS,
        ),
        (
            RequestKind.ERASURE,
            27,
            RequestChannel.EMAIL,
            "Zbigniew Testowy (demo)",
            "zbigniew.testowy@example.org",
            IdentityCheck.EMAIL_ON_FILE,
            RequestStatus.RECEIVED,
        ),
    ):
        received_on = today - datetime.timedelta(days=received_ago)
        SubjectRequest.objects.get_or_create(
            kind=kind,
            requester_name=name,
            defaults={
                "received_on": received_on,
                "deadline": SubjectRequest.deadline_for(received_on),
                "channel": channel,
                "requester_contact": contact,
                "birth_year": 1948 if kind == RequestKind.ACCESS else 1956,
                "identity_check": check,
                "status": status,
            },
        )
    found_at = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(days=40)
    Breach.objects.get_or_create(
        description=BREACH_DESCRIPTION,
        defaults={
            "found_at": found_at,
            "categories": "uczestnicy warsztatów: imię, nazwisko, telefon",
            "affected_count": 14,
            "reported_to_authority": False,
            "not_reported_reason": (
                "Naruszenie mało prawdopodobne, by skutkowało ryzykiem (art. 33 ust. 1 RODO): "
                "jeden znany adresat zobowiązany do poufności, wiadomość usunięta w ciągu "
                "2 godzin; ocena IOD z dnia stwierdzenia."
            ),
            "subjects_notified": False,
            "measures": (
                "Listy obecności wysyłane wyłącznie jako link w portalu; przypomnienie dla "
                "koordynatorów o sprawdzaniu adresata."
            ),
        },
    )


def _record_consents() -> None:
    """The demo's people consented as the forms record it: one Consent per record, to the
    registry's text (the demo loaders create their rows directly, without the forms)."""
    import importlib

    from django.apps import apps

    importlib.import_module("calportal.privacy.migrations.0003_consent_texts").create_consents(apps)
