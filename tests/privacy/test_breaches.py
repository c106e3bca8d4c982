"""The data-breach register (art. 33(5) GDPR; PRIVACY.md §6): what is recorded, and the 72 hours
of art. 33(1) — computed, and a breach neither reported nor explained after them flagged in
words, not by colour only."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from calportal.privacy.models import Breach

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
FOUND = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=WARSAW)
OVERDUE = "Overdue: not reported and not explained 72 hours after it was found."


def en(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def breach(**fields) -> Breach:
    values = {
        "found_at": FOUND,
        "description": "Laptop z listą uczestników skradziony z samochodu.",
        "categories": "uczestnicy wydarzeń: imię, nazwisko, telefon",
        "affected_count": 40,
    }
    return Breach.objects.create(**{**values, **fields})


def form_data(**fields) -> dict:
    values = {
        "found_at": "2026-11-20T09:30",
        "description": "Wiadomość z listą obecności wysłana do złego adresata.",
        "categories": "uczestnicy: imię, nazwisko, telefon",
        "affected_count": "12",
        "reported_to_authority": "",
        "reported_at": "",
        "not_reported_reason": "",
        "measures": "",
    }
    return {**values, **fields}


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (datetime.timedelta(hours=72), "Yes, reported within 72 hours."),
        (datetime.timedelta(hours=72, minutes=1), "No: reported after 72 hours."),
        (datetime.timedelta(hours=5), "Yes, reported within 72 hours."),
    ],
)
def test_a_report_counts_as_in_time_up_to_72_hours_after_the_breach_was_found(
    login, dpo, after, expected
):
    breach(reported_to_authority=True, reported_at=FOUND + after)

    page = login(dpo).get(en("privacy:breach_list")).content.decode()

    assert expected in page
    assert "Attention" not in page


def test_a_breach_neither_reported_nor_explained_is_flagged_once_72_hours_have_passed(login, dpo):
    breach()
    client = login(dpo)

    with time_machine.travel(FOUND + datetime.timedelta(hours=71, minutes=59), tick=False):
        page = client.get(en("privacy:breach_list")).content.decode()
        assert "Not reported yet: report or record why not by 23.11.2026 09:30." in page
        assert OVERDUE not in page
        assert "Attention" not in client.get(en("privacy:dpo")).content.decode()

    with time_machine.travel(FOUND + datetime.timedelta(hours=72, minutes=1), tick=False):
        page = client.get(en("privacy:breach_list")).content.decode()
        assert OVERDUE in page
        assert "Attention: 1 breach is neither reported to UODO nor explained" in page
        overview = client.get(en("privacy:dpo")).content.decode()
        assert "Attention: 1 breach is neither reported to UODO nor explained" in overview


def test_a_breach_not_reported_for_a_recorded_reason_is_not_flagged(login, dpo):
    breach(not_reported_reason="Dane zaszyfrowane; ryzyko mało prawdopodobne.")

    with time_machine.travel(FOUND + datetime.timedelta(days=10), tick=False):
        page = login(dpo).get(en("privacy:breach_list")).content.decode()

    assert "Not reported: the reason is recorded." in page
    assert OVERDUE not in page


def test_a_data_officer_records_a_breach(login, data_officer):
    with time_machine.travel(FOUND + datetime.timedelta(hours=30), tick=False):
        response = login(data_officer).post(
            en("privacy:breach_create"),
            form_data(reported_to_authority="on", reported_at="2026-11-21T12:00"),
        )

    assert response.status_code == 302
    saved = Breach.objects.get()
    assert saved.recorded_by == data_officer
    assert saved.found_at == FOUND
    assert saved.reported_at == datetime.datetime(2026, 11, 21, 12, 0, tzinfo=WARSAW)
    assert saved.affected_count == 12


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"reported_to_authority": "on"}, "Give when it was reported to UODO."),
        ({"reported_at": "2026-11-21T12:00"}, "Tick this when the breach was reported"),
        (
            {"reported_to_authority": "on", "reported_at": "2026-11-19T12:00"},
            "The report cannot come before the breach was found.",
        ),
        ({"found_at": "2026-12-24T10:00"}, "The breach cannot be found in the future."),
        (
            {
                "reported_to_authority": "on",
                "reported_at": "2026-11-21T12:00",
                "not_reported_reason": "bez ryzyka",
            },
            "leave the reason for not reporting empty",
        ),
        ({"affected_count": "-3"}, "error-summary"),
        ({"found_at": "0001-01-01T00:00"}, "error-summary"),
    ],
)
def test_a_contradictory_breach_is_a_form_error_and_nothing_is_saved(
    login, data_officer, fields, error
):
    with time_machine.travel(FOUND + datetime.timedelta(days=2), tick=False):
        response = login(data_officer).post(en("privacy:breach_create"), form_data(**fields))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Breach.objects.exists()


def test_a_data_officer_changes_a_breach_and_the_dpo_cannot(login, dpo, data_officer):
    entry = breach()
    data = form_data(
        not_reported_reason="Ocena IOD: ryzyko mało prawdopodobne.", measures="Szyfrowanie dysków."
    )

    refused = login(dpo).post(en("privacy:breach_edit", entry.pk), data)
    assert refused.status_code == 403
    entry.refresh_from_db()
    assert entry.not_reported_reason == ""

    saved = login(data_officer).post(en("privacy:breach_edit", entry.pk), data)
    assert saved.status_code == 302
    entry.refresh_from_db()
    assert entry.measures == "Szyfrowanie dysków."


def test_the_dpo_reads_a_breach_with_its_72_hour_state(login, dpo):
    entry = breach(reported_to_authority=True, reported_at=FOUND + datetime.timedelta(hours=80))

    page = login(dpo).get(en("privacy:breach_edit", entry.pk)).content.decode()

    assert "No: reported after 80 hours." in page
    assert "disabled" in page


def test_the_register_is_read_in_a_fixed_number_of_queries(login, dpo, data_officer):
    breach(recorded_by=data_officer)
    client = login(dpo)
    client.get(en("privacy:breach_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(en("privacy:breach_list"))
    for n in range(30):
        breach(recorded_by=data_officer, affected_count=n)

    with CaptureQueriesContext(connection) as many:
        response = client.get(en("privacy:breach_list"))

    assert len(many) == len(few)
    assert "31 breaches" in response.content.decode()


def test_a_bad_page_number_is_no_error(login, dpo):
    breach()

    response = login(dpo).get(en("privacy:breach_list"), {"page": "x\x01'"})

    assert response.status_code == 200
