"""The records of processing activities (art. 30; PRIVACY.md §6): the default register, its
page, its edits, and its PDF and XLSX exports."""

import io
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from calportal.privacy.models import ControllerRole, ProcessingActivity
from calportal.privacy.processing import (
    DEFAULT_ACTIVITIES,
    processing_add_volunteer_rows,
    processing_fill_defaults,
)
from volunteers.models import Volunteer


def make_volunteer(organisation) -> Volunteer:
    return Volunteer.objects.create(
        organisation=organisation, first_name="Wiesław", last_name="Pomocny", birth_year=1990
    )


def test_the_default_register_is_there_after_migrate(db):
    names = set(ProcessingActivity.objects.values_list("name", flat=True))

    assert {row["name"] for row in DEFAULT_ACTIVITIES} <= names
    events = ProcessingActivity.objects.get(name__startswith="Wydarzenia")
    assert "art. 9" in events.special_categories
    assert set(events.retention_rules.values_list("code", flat=True)) >= {
        "registration",
        "accessibility_needs",
    }
    assert "art. 9" in ProcessingActivity.objects.get(name="Grupy samopomocowe").special_categories
    assert all(a.retention_rules.exists() for a in ProcessingActivity.objects.all())
    assert all(
        a.controller.startswith("Ośrodek Pomocy Społecznej w Śremie")
        for a in ProcessingActivity.objects.all()
    )


def test_the_defaults_are_written_only_into_an_empty_register(db):
    ProcessingActivity.objects.filter(name="Grupy samopomocowe").delete()

    assert processing_fill_defaults() == 0
    assert not ProcessingActivity.objects.filter(name="Grupy samopomocowe").exists()

    ProcessingActivity.objects.all().delete()
    assert processing_fill_defaults() == len(DEFAULT_ACTIVITIES)


def test_a_host_organisation_without_a_row_is_shown_and_its_row_can_be_added(
    login, data_officer, organisation_a
):
    make_volunteer(organisation_a)
    client = login(data_officer)

    with translation.override("en"):
        page = client.get(reverse("privacy:processing_list")).content.decode()
    assert "host volunteers but have no row" in page
    assert organisation_a.name in page

    form = client.get(
        reverse("privacy:processing_create"), {"volunteers_of": organisation_a.name}
    ).content.decode()
    assert f"Wolontariat – {organisation_a.name}" in form

    assert processing_add_volunteer_rows() == 1
    row = ProcessingActivity.objects.get(controller=organisation_a.name)
    assert row.controller_role == ControllerRole.PROCESSOR
    assert "do podpisania" in row.agreement_status
    assert processing_add_volunteer_rows() == 0
    assert organisation_a.name not in client.get(reverse("privacy:dpo")).content.decode()


def test_a_junk_host_in_the_query_string_is_ignored(login, data_officer):
    response = login(data_officer).get(
        reverse("privacy:processing_create"), {"volunteers_of": "<b>" + "x" * 5000}
    )

    assert response.status_code == 200


def test_the_register_page_lists_every_activity_in_a_fixed_number_of_queries(
    login, dpo, django_assert_max_num_queries
):
    client = login(dpo)
    client.get(reverse("privacy:processing_list"))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("privacy:processing_list"))
    template = ProcessingActivity.objects.get(name="Grupy samopomocowe")
    rules = list(template.retention_rules.all())
    for n in range(15):
        extra = ProcessingActivity.objects.create(
            name=f"Czynność {n}",
            controller="OPS",
            purposes="p",
            legal_basis="b",
            subject_categories="s",
            data_categories="d",
            recipients="r",
            security_measures="m",
        )
        extra.retention_rules.set(rules)

    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("privacy:processing_list"))

    page = response.content.decode()
    assert "Czynność 14" in page
    assert "iod@" in page  # the DPO's contact


def test_a_data_officer_edits_a_row(login, data_officer):
    activity = ProcessingActivity.objects.get(name="Grupy samopomocowe")
    client = login(data_officer)
    form = client.get(reverse("privacy:processing_edit", args=[activity.pk]))
    assert form.status_code == 200

    data = {
        "name": "Grupy samopomocowe (RON, wsparcie w żałobie)",
        "position": 30,
        "controller": activity.controller,
        "joint_controller": "",
        "controller_role": ControllerRole.CONTROLLER,
        "agreement_status": "",
        "purposes": activity.purposes,
        "legal_basis": activity.legal_basis,
        "subject_categories": activity.subject_categories,
        "data_categories": activity.data_categories,
        "special_categories": activity.special_categories,
        "recipients": activity.recipients,
        "transfers": "brak",
        "retention_rules": [r.pk for r in activity.retention_rules.all()],
        "security_measures": activity.security_measures,
    }
    response = client.post(reverse("privacy:processing_edit", args=[activity.pk]), data)

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.name == "Grupy samopomocowe (RON, wsparcie w żałobie)"


def test_a_processor_row_must_name_the_other_party(login, data_officer):
    response = login(data_officer).post(
        reverse("privacy:processing_create"),
        {
            "name": "Wolontariat – X",
            "position": 5,
            "controller": "Fundacja X",
            "controller_role": ControllerRole.PROCESSOR,
            "purposes": "p",
            "legal_basis": "b",
            "subject_categories": "s",
            "data_categories": "d",
            "recipients": "r",
            "transfers": "brak",
            "security_measures": "m",
        },
    )

    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not ProcessingActivity.objects.filter(name="Wolontariat – X").exists()


def test_the_dpo_reads_a_row_but_gets_no_form_to_save(login, dpo):
    activity = ProcessingActivity.objects.get(name="Grupy samopomocowe")

    page = login(dpo).get(reverse("privacy:processing_edit", args=[activity.pk])).content.decode()

    assert "disabled" in page
    assert 'type="submit"' not in page.split('id="main"')[1]


def test_the_xlsx_export_holds_every_activity(login, dpo):
    from openpyxl import load_workbook

    response = login(dpo).get(reverse("privacy:processing_xlsx"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert names == list(ProcessingActivity.objects.values_list("name", flat=True))
    assert "iod@" in sheet["A3"].value
    retention = [row[11] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert all(retention)


def test_the_pdf_export_lists_every_activity(login, dpo, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    response = login(dpo).get(reverse("privacy:processing_pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "register.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Narrow columns wrap long names, and a wrapped line may come out elsewhere in the text:
    # the name's start, without whitespace, and each of its words.
    squeezed = "".join(text.split())
    for name in ProcessingActivity.objects.values_list("name", flat=True):
        assert "".join(name.split())[:14] in squeezed
        assert all(word in squeezed for word in name.split())
    assert "OśrodekPomocySpołecznejwŚremie" in squeezed
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.276" in info  # A4 landscape
