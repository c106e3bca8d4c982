"""The subject-access package (PRIVACY.md §3 "Package"): everything of the person, nothing of
anyone else; facilitator notes only after the art. 15(4) review; retention from the rules."""

import io
import json
import shutil
import subprocess
import zipfile

import pytest
from django.utils import translation

from calportal.privacy import package, search
from calportal.privacy.models import SubjectRequest
from tests.privacy.test_search import EMAIL, OTHERS, build_world


def make_request(world, **fields) -> SubjectRequest:
    import datetime

    received = datetime.date(2026, 11, 2)
    return SubjectRequest.objects.create(
        kind="access",
        received_on=received,
        channel="in_person",
        requester_name="Zofia Wierzbicka",
        requester_contact=EMAIL,
        birth_year=1948,
        identity_check="id_document",
        deadline=SubjectRequest.deadline_for(received),
        matches=[
            {"model": k.split(":")[0], "pk": int(k.split(":")[1])}
            for k in sorted(world.person_keys)
        ],
        **fields,
    )


def pdf_text(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


@pytest.mark.django_db
def test_the_data_lists_everything_of_the_person_and_nothing_of_anyone_else():
    world = build_world()
    data = package.package_data(make_request(world))

    assert [p["last_name"] for p in data["identity"]] == ["Wierzbicka"]
    registrations = data["events"]["registrations"]
    assert [r["event"] for r in registrations] == ["Majówka Seniorów", "Akademia pełni życia"]
    first = registrations[0]
    assert first["places"] == 2 and first["companions"] == 1
    assert first["attendance"] and first["source"]
    assert first["accessibility_needs"] == "Wózek inwalidzki"
    assert first["disability_declared"] is True
    assert first["consents"][0]["version"] == "2026-01"
    assert "Zgadzam się" in first["consents"][0]["text"]
    assert "Towarzystwo „Nadzieja”" in data["events"]["recipients"]

    [own_pass] = data["pass"]["passes"]
    assert own_pass["number"] == "SPS-2026-0001"
    assert [u["venue"] for u in own_pass["uses"]] == ["Kawiarnia Rynek", "Kawiarnia Rynek"]
    assert len(data["pass"]["applications"]) == 1
    assert data["pass"]["recipients"] == ["Kawiarnia Rynek"]

    [volunteer] = data["volunteering"]["volunteers"]
    assert volunteer["organisation"] == "Lokalne Centrum Wolontariatu"
    assert [h["hours"] for h in volunteer["hours"]] == ["2", "3"]
    assert (
        len(volunteer["agreements"])
        == len(volunteer["checks"])
        == len(volunteer["certificates"])
        == 1
    )

    assert [r["group"] for r in data["selfhelp"]["requests"]] == ["Grupa wsparcia w żałobie"]
    [membership] = data["selfhelp"]["memberships"]
    assert [m["topic"] for m in membership["meetings_attended"]] == ["Pierwsze spotkanie"]
    assert [r["description"] for r in data["map"]["reports"]] == ["Brak ławek przy przystanku."]

    text = json.dumps(data, ensure_ascii=False)
    for trace in OTHERS + ["SPS-2026-0002", "Dyżur", "Pętla indukcyjna", "uczyć obsługi"]:
        assert trace not in text


@pytest.mark.django_db
def test_emails_sent_to_the_person_are_listed_by_type_and_date_only_theirs():
    from calportal.outbox.services import queue_rendered_email

    world = build_world()
    queue_rendered_email(
        "Potwierdzenie", "Treść", None, [EMAIL], template="initiatives/registration_confirmed"
    )
    queue_rendered_email(
        "Dla Jana",
        "Treść",
        None,
        ["jan.kowalski@example.org"],
        template="initiatives/registration_confirmed",
    )
    emails = package.package_data(make_request(world))["emails"]
    assert [(e["type"], e["subject"]) for e in emails] == [
        ("initiatives/registration_confirmed", "Potwierdzenie")
    ]
    assert emails[0]["queued_at"]


@pytest.mark.django_db
def test_facilitator_notes_only_after_the_review():
    world = build_world()
    subject_request = make_request(world)
    data = package.package_data(subject_request)
    text = json.dumps(data, ensure_ascii=False)
    assert "Prywatna notatka" not in text and "płakała" not in text
    assert data["selfhelp"]["notes_withheld"] is True
    assert data["facilitator_notes_included"] is False

    for entry in subject_request.matches:
        if entry["model"] in search.NOTE_MODELS:
            entry["notes_reviewed"] = True
    subject_request.save()
    data = package.package_data(subject_request)
    assert (
        data["selfhelp"]["requests"][0]["facilitator_note"]
        == "Prywatna notatka prowadzącej o Zofii"
    )
    assert data["selfhelp"]["memberships"][0]["meetings_attended"][0]["facilitator_notes"]
    assert data["facilitator_notes_included"] is True
    # The other member's own request and its note never come in.
    assert "Notatka o Krystynie" not in json.dumps(data, ensure_ascii=False)


@pytest.mark.django_db
def test_retention_dates_come_from_the_rules():
    world = build_world()
    with translation.override("en"):
        kept = package.package_data(make_request(world))["retention"]
    events = {row["what"]: row["until"] for row in kept["events"]}
    # An event of 2026 outside any project: identifiable until 30 June of the next year.
    assert events["Registration: Majówka Seniorów, 2026-05-09"] == "2027-06-30"
    # The accessibility-needs text: deleted 30 days after the event (due 8 June).
    assert events["Accessibility needs told for Majówka Seniorów"] == "2026-06-07"
    # An active pass: while active, then 12 months after its end (1 March 2027 → 2028).
    pass_rows = kept["pass"]
    assert pass_rows[0]["until"] == "" and "2028-02-29" in pass_rows[0]["note"]
    assert kept["selfhelp"] and kept["map"] and kept["volunteering"]


@pytest.mark.django_db
def test_project_participants_are_kept_until_the_agreement_retention_end():
    import datetime

    from calportal.projects.models import Project

    world = build_world()
    project = Project.objects.create(
        name="Aktywni razem",
        funder="WUP",
        agreement_number="FEWP.06.01-1/26",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
        retention_end=datetime.date(2032, 12, 31),
    )
    project.initiatives.add(world.events[0].initiative)
    kept = package.package_data(make_request(world))["retention"]["events"]
    assert kept[0]["until"] == "2032-12-31"


@pytest.mark.django_db
def test_the_zip_holds_json_csv_and_a_pdf_that_reads_well(settings):
    world = build_world()
    subject_request = make_request(world)
    content = package.package_bytes(subject_request)
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = set(archive.namelist())
    assert {
        "data.json",
        package.PDF_NAME,
        "identity.csv",
        "events-registrations.csv",
        "pass-uses.csv",
        "volunteering-hours.csv",
        "self-help-requests.csv",
        "map-reports.csv",
    } <= names
    assert json.loads(archive.read("data.json"))["identity"][0]["email"] == EMAIL
    uses = archive.read("pass-uses.csv").decode("utf-8-sig").splitlines()
    assert len(uses) == 3  # the header and the two uses

    pdf = archive.read(package.PDF_NAME)
    # The brief asks for the rendered PDF there, to look at it.
    with open("/tmp/privacy_package.pdf", "wb") as file:  # noqa: S108
        file.write(pdf)
    text = " ".join(pdf_text(pdf).split())
    for expected in (
        "Zofia Wierzbicka",
        "Majówka Seniorów",
        "Akademia pełni życia",
        "SPS-2026-0001",
        "Kawiarnia Rynek",
        "Lokalne Centrum Wolontariatu",
        "Grupa wsparcia w żałobie",
        settings.DPO_EMAIL,
        "Prezes",
        "2027-06-30",
    ):
        assert expected in text, expected
    for trace in OTHERS + ["SPS-2026-0002"]:
        assert trace not in text


@pytest.mark.django_db
def test_large_print_sets_a_bigger_font():
    world = build_world()
    subject_request = make_request(world)
    data = package.package_data(subject_request)
    normal = package.render_information_pdf(subject_request, data)
    large = package.render_information_pdf(subject_request, data, large_print=True)
    with open("/tmp/privacy_package_large.pdf", "wb") as file:  # noqa: S108
        file.write(large)
    pages = subprocess.run(["pdfinfo", "-"], input=large, capture_output=True).stdout.decode()
    normal_pages = subprocess.run(
        ["pdfinfo", "-"], input=normal, capture_output=True
    ).stdout.decode()

    def count(info):
        return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))

    assert count(pages) > count(normal_pages)


@pytest.mark.django_db
def test_the_package_is_stored_as_a_document_and_audited(data_officer):
    from calportal.audit.models import AccessEvent

    world = build_world()
    subject_request = make_request(world)
    document = package.package_create(subject_request=subject_request, user=data_officer)
    assert document.status == "ready" and document.file
    assert document.requested_by is None  # never in anyone's "my documents"
    assert package.latest_package(subject_request) == document
    assert AccessEvent.objects.filter(
        user=data_officer, action="subject_access_package", object_id=subject_request.pk
    ).exists()


@pytest.mark.django_db
def test_no_package_without_confirmed_records(data_officer):
    subject_request = SubjectRequest.objects.create(
        kind="access",
        channel="letter",
        requester_name="Ktoś",
        deadline=SubjectRequest.deadline_for(__import__("datetime").date(2026, 11, 2)),
    )
    with pytest.raises(package.DeliveryError):
        package.package_create(subject_request=subject_request, user=data_officer)
