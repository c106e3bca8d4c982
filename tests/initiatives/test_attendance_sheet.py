"""The attendance sheet PDF: requested on the event page, rendered by a Celery task."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from calportal.documents.models import Document
from initiatives import services
from tests.conftest import require
from tests.factories import EventFactory, UserFactory


@pytest.fixture
def event_with_people(db):
    event = EventFactory(title="Akademia pełni życia – warsztat", capacity=5)
    for n, surname in enumerate(["Żółkiewska", "Łęcki", "Ścibor"]):
        services.registration_create(
            event_id=event.pk,
            person=services.PersonData(
                first_name="Grażyna", last_name=surname, email=f"p{n}@example.org"
            ),
        )
    return event


def test_staff_get_an_attendance_sheet_with_everyone_and_polish_letters(
    login, staff, event_with_people, django_capture_on_commit_callbacks, tmp_path, settings
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client = login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("initiatives:attendance_sheet", args=[event_with_people.pk]))

    document = Document.objects.get()
    assert response["Location"] == reverse("documents:detail", args=[document.pk])
    status = client.get(reverse("documents:status", args=[document.pk])).json()
    assert (status["status"], status["finished"]) == ("ready", True)
    download = client.get(reverse("documents:download", args=[document.pk]))
    pdf = b"".join(download.streaming_content)
    assert pdf.startswith(b"%PDF")
    assert download["Content-Disposition"].startswith("attachment")
    require(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils) is not installed")
    pdf_path = tmp_path / "sheet.pdf"
    pdf_path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for name in ("Grażyna Żółkiewska", "Grażyna Łęcki", "Grażyna Ścibor"):
        assert name in text
    assert "Lista obecności" in text
    assert "Podpis" in text
    assert "Strona 1 z 1" in text


def test_another_staff_member_cannot_open_someone_elses_document(
    login, staff, roles, event_with_people, django_capture_on_commit_callbacks, tmp_path, settings
):
    from calportal.accounts.roles import Role

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        login(staff).post(reverse("initiatives:attendance_sheet", args=[event_with_people.pk]))
    document = Document.objects.get()
    colleague = UserFactory(email="colleague@example.org", role=Role.OPS_STAFF)

    client = login(colleague)

    assert client.get(reverse("documents:detail", args=[document.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404


def test_partners_and_anonymous_cannot_request_or_read_documents(
    login, partner_a, event_with_people, client
):
    assert (
        login(partner_a)
        .post(reverse("initiatives:attendance_sheet", args=[event_with_people.pk]))
        .status_code
        == 403
    )
    assert not Document.objects.exists()
    client.logout()
    assert client.get(reverse("documents:detail", args=[1])).status_code == 302
