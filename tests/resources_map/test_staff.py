"""Staff keep the map: forms that refuse bad points and boundaries, moderation of residents'
reports, the gap view and the diagnosis document."""

import json
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from calportal.documents.models import Document
from initiatives.models import TargetGroup
from resources_map.models import (
    Area,
    Need,
    NeedStatus,
    ReportStatus,
    ResidentReport,
    Resource,
    ResourceClass,
    ResourceKind,
)
from tests.conftest import require
from tests.factories import InitiativeFactory
from tests.initiatives.conftest import pl
from tests.resources_map.conftest import make_need, make_report, make_resource


def resource_data(**changes) -> dict:
    data = {
        "name": "Świetlica wiejska",
        "resource_class": ResourceClass.MATERIAL,
        "kind": ResourceKind.PREMISES,
        "topic": "culture",
        "conditions": "free",
        "latitude": "52.1050",
        "longitude": "17.1020",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_staff_add_a_resource_with_a_point(login, staff, area):
    client = login(staff)
    response = client.post(
        reverse("resources_map:resource_create"), resource_data(area=area.pk, is_public="on")
    )

    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("resources_map:resource_detail", args=[resource.pk])
    assert (str(resource.latitude), str(resource.longitude)) == ("52.105000", "17.102000")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"latitude": "50.0000"}, "latitude", None),
        ({"latitude": "17.0150", "longitude": "52.0889"}, "latitude", None),
        ({"longitude": ""}, "latitude", "Give both the latitude and the longitude, or neither."),
        ({"kind": ResourceKind.CALL}, "kind", None),
        (
            {"resource_class": ResourceClass.INSTITUTIONAL, "kind": ResourceKind.NGO},
            "organisation",
            "An institutional resource must name its organisation from the catalogue.",
        ),
        ({"area": "999999"}, "area", None),
    ],
)
def test_a_bad_resource_is_explained_and_nothing_is_saved(login, staff, changes, field, message):
    response = login(staff).post(reverse("resources_map:resource_create"), resource_data(**changes))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert pl(message) in errors[field]
    assert Resource.objects.count() == 0


def test_a_point_outside_the_municipality_gets_a_translated_explanation(login, staff):
    response = login(staff).post(
        reverse("resources_map:resource_create"),
        resource_data(latitude="17.0150", longitude="52.0889"),
    )

    template = pl(
        "The point %(lat)s, %(lng)s lies outside the municipality "
        "(latitude %(south)s–%(north)s, longitude %(west)s–%(east)s). "
        "Check that latitude and longitude are not swapped."
    )
    message = response.context["form"].errors["latitude"][0]
    assert message.startswith(template.split("%(lat)s")[0])
    assert "17.0150, 52.0889" in message


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[17.0, 52.08], [17.02, 52.08], [17.02, 52.1], [17.0, 52.1], [17.0, 52.08]]],
}


def area_data(**changes) -> dict:
    data = {"name": "Psarskie", "kind": "village", "population_total": "1100"}
    data.update(changes)
    return data


def test_an_area_with_a_boundary_gets_its_centre_from_it(login, staff):
    feature_collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": SQUARE}],
    }
    response = login(staff).post(
        reverse("resources_map:area_create"),
        area_data(boundary_text=json.dumps(feature_collection)),
    )

    assert response.status_code == 302
    area = Area.objects.get()
    assert area.boundary == SQUARE
    assert (float(area.latitude), float(area.longitude)) == (52.09, 17.01)


@pytest.mark.parametrize(
    ("boundary", "expected"),
    [
        ("{not json", "This is not valid GeoJSON"),
        ('{"type": "Point", "coordinates": [17.0, 52.0]}', "Polygon or MultiPolygon"),
        (
            '{"type": "Polygon", "coordinates": [[[17.0, 52.08], [17.02, 52.08], [17.0, 52.08]]]}',
            "at least four positions",
        ),
        (
            '{"type": "Polygon", "coordinates": '
            "[[[17.0, 52.08], [17.02, 52.08], [17.02, 52.1], [17.0, 52.1]]]}",
            "not closed",
        ),
        (
            '{"type": "Polygon", "coordinates": '
            "[[[21.0, 52.2], [21.1, 52.2], [21.1, 52.3], [21.0, 52.2]]]}",
            "outside the municipality",
        ),
        ('{"type": "Polygon", "coordinates": [[["a", "b"]]]}', "at least four positions"),
        ('{"type": "FeatureCollection", "features": []}', "exactly one feature"),
        ("[" * 100000, "not valid"),
        ('{"type": "Polygon", "coordinates": [[[' + "1" * 5000 + ", 52]]]}", "not valid"),
        ('{"type": "Polygon", "coordinates": [[[' + "1" * 400 + ", 52]]]}", "outside"),
    ],
)
def test_malformed_geojson_is_explained_and_nothing_is_saved(login, staff, boundary, expected):
    response = login(staff).post(
        reverse("resources_map:area_create"), area_data(boundary_text=boundary)
    )

    assert response.status_code == 200
    assert "boundary_text" in response.context["form"].errors
    assert Area.objects.count() == 0


def test_population_figures_must_add_up(login, staff):
    response = login(staff).post(
        reverse("resources_map:area_create"),
        area_data(population_total="100", population_55_plus="80", population_60_plus="90"),
    )

    assert response.status_code == 200
    assert "population_60_plus" in response.context["form"].errors
    assert Area.objects.count() == 0


def test_a_need_must_name_an_existing_area(login, staff, area):
    client = login(staff)
    data = {
        "title": "Samotność",
        "description": "…",
        "severity": "3",
        "found_by": "survey",
        "identified_on": "2026-10-01",
        "status": "identified",
    }
    unknown = client.post(reverse("resources_map:need_create"), {**data, "areas": ["999999"]})
    none = client.post(reverse("resources_map:need_create"), data)

    assert "areas" in unknown.context["form"].errors
    assert pl("Choose at least one area.") in none.context["form"].errors["areas"]
    assert Need.objects.count() == 0
    client.post(reverse("resources_map:need_create"), {**data, "areas": [area.pk]})
    assert Need.objects.get().areas.get() == area


# --- Residents' reports ------------------------------------------------------------------------


def report_data(**changes) -> dict:
    data = {
        "kind": "room",
        "description": "Mogę udostępnić salę w remizie na spotkania.",
        "name": "Jan",
        "email": "jan@example.org",
        "consent": "on",
    }
    data.update(changes)
    return data


def test_a_resident_reports_an_offer_and_it_waits_for_moderation(client, roles, area):
    response = client.post(reverse("resources_map:report"), report_data(area=area.pk))

    assert response.status_code == 302
    report = ResidentReport.objects.get()
    assert report.status == ReportStatus.NEW
    assert report.area == area
    assert Resource.objects.count() == 0
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"email": "", "phone": ""},
            "Give an e-mail address or a phone number, so that we can reach you.",
        ),
        (
            {"consent": ""},
            "Please tick the consent: without it we cannot contact you about the report.",
        ),
        ({"kind": ""}, "Choose whether you report a need or offer help."),
        ({"description": "x" * 2001}, None),
        (
            {"phone": "12"},
            "Enter a Polish phone number: 9 digits, e.g. 601 234 567 or 61 283 00 00 "
            "(you may write +48 or 0048 in front).",
        ),
    ],
)
def test_a_bad_report_is_explained_and_nothing_is_saved(client, roles, changes, message):
    response = client.post(reverse("resources_map:report"), report_data(**changes))

    assert response.status_code == 200
    body = response.content.decode()
    if message:
        assert pl(message) in body
    assert 'value="Jan"' in body  # what was typed is kept
    assert ResidentReport.objects.count() == 0


def test_the_honeypot_and_the_rate_limit_stop_spam(client, roles, settings):
    settings.SIGNUP_RATE_LIMIT = "2/h"
    spam = client.post(reverse("resources_map:report"), report_data(hp_check="buy now"))
    assert spam.status_code == 200
    assert ResidentReport.objects.count() == 0

    for _ in range(2):
        assert client.post(reverse("resources_map:report"), report_data()).status_code == 302
    limited = client.post(reverse("resources_map:report"), report_data())

    assert limited.status_code == 429
    assert ResidentReport.objects.count() == 2


def test_staff_turn_a_report_into_a_resource_that_then_appears_in_public(login, staff, area):
    report = make_report(kind="room", description="Sala w remizie OSP", area=area)
    client = login(staff)
    form = client.get(reverse("resources_map:report_accept", args=[report.pk]))
    assert form.context["form"].initial["name"] == "Sala w remizie OSP"
    assert form.context["form"].initial["is_public"] is False

    response = client.post(
        reverse("resources_map:report_accept", args=[report.pk]),
        resource_data(name="Sala w remizie OSP", area=area.pk, is_public="on"),
    )

    resource = Resource.objects.get()
    report.refresh_from_db()
    assert response.status_code == 302
    assert (report.status, report.resource, report.handled_by) == (
        ReportStatus.ACCEPTED,
        resource,
        staff,
    )
    # The information clause promises it: contact details go once the report is handled.
    assert (report.name, report.email, report.phone) == ("", "", "")
    assert "Sala w remizie OSP" in client.get(reverse("resources_map:guide")).content.decode()
    # A handled report cannot be turned into a second entry.
    again = client.post(
        reverse("resources_map:report_accept", args=[report.pk]), resource_data(name="Drugi")
    )
    assert again.status_code == 302
    assert Resource.objects.count() == 1


def test_a_need_report_becomes_a_need_found_by_a_residents_report(login, team_member, area):
    report = make_report(description="Brakuje ławek\nprzy przychodni", area=area)
    client = login(team_member)
    initial = (
        client.get(reverse("resources_map:report_accept", args=[report.pk])).context["form"].initial
    )
    assert initial["title"] == "Brakuje ławek"
    assert initial["found_by"] == "report"
    assert initial["is_public"] is False  # the resident's words are not published as they are

    client.post(
        reverse("resources_map:report_accept", args=[report.pk]),
        {
            "title": "Ławki przy przychodni",
            "description": "Brakuje miejsc do odpoczynku.",
            "areas": [area.pk],
            "severity": "2",
            "found_by": "report",
            "identified_on": "2026-11-01",
            "status": "identified",
            "is_public": "on",
        },
    )

    need = Need.objects.get()
    report.refresh_from_db()
    assert report.need == need
    assert report.status == ReportStatus.ACCEPTED


def test_an_invalid_moderation_form_leaves_the_report_waiting(login, staff, area):
    report = make_report(kind="skill", area=area)

    response = login(staff).post(
        reverse("resources_map:report_accept", args=[report.pk]), resource_data(latitude="10")
    )

    report.refresh_from_db()
    assert response.status_code == 200
    assert report.status == ReportStatus.NEW
    assert Resource.objects.count() == 0


def test_reporters_contact_details_never_reach_public_pages(client, login, staff, area):
    report = make_report(kind="room", area=area, name="Zofia Tajna", email="zofia@example.org")
    login(staff).post(
        reverse("resources_map:report_accept", args=[report.pk]),
        resource_data(name="Sala", area=area.pk, is_public="on"),
    )
    client.logout()

    for url_name in ("resources_map:map", "resources_map:guide", "resources_map:geojson"):
        body = client.get(reverse(url_name)).content.decode()
        assert "Zofia Tajna" not in body and "zofia@example.org" not in body


# --- Gaps and the diagnosis --------------------------------------------------------------------


def test_the_gap_view_shows_unanswered_needs_and_unused_resources_by_area(login, staff, area):
    initiative = InitiativeFactory()
    answered = make_need([area], title="Potrzeba z inicjatywą")
    answered.initiatives.add(initiative)
    make_need([area], title="Potrzeba bez odpowiedzi")
    make_need([area], title="Potrzeba zaspokojona", status=NeedStatus.MET)
    used = make_resource(name="Zasób w użyciu", area=area)
    used.used_by.add(initiative)
    make_resource(name="Zasób nieużywany", area=area)

    body = login(staff).get(reverse("resources_map:gaps")).content.decode()

    assert "Potrzeba bez odpowiedzi" in body
    assert "Zasób nieużywany" in body
    assert "Potrzeba z inicjatywą" not in body
    assert "Potrzeba zaspokojona" not in body
    assert "Zasób w użyciu" not in body


def test_the_diagnosis_pdf_follows_the_methods_structure(
    login, staff, area, django_capture_on_commit_callbacks, tmp_path, settings
):
    require(bool(shutil.which("pdftotext")), "poppler-utils is not installed")
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    seniors = TargetGroup.objects.get(code="seniors_60")
    make_resource(name="Biblioteka Publiczna", target_groups=[seniors], area=area)
    make_need([area], title="Osamotnienie seniorów", internal_notes="NOTATKA-WEWNĘTRZNA")
    client = login(staff)
    client.post(
        reverse("resources_map:diagnosis"),
        {
            "title": "Mapa zasobów i potrzeb 2026",
            "community": "Gmina liczy 40 300 mieszkańców.",
            "conclusions": "Seniorzy są samotni.",
            "action_plan": "Utworzyć klub seniora.",
        },
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("resources_map:diagnosis_pdf"))

    document = Document.objects.get()
    assert response["Location"] == document.get_absolute_url()
    pdf = b"".join(client.get(reverse("documents:download", args=[document.pk])).streaming_content)
    (tmp_path / "diagnosis.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "diagnosis.pdf"), "-"],
        capture_output=True,
        text=True,
    ).stdout
    for expected in (
        "Mapa zasobów i potrzeb 2026",
        "Gmina liczy 40 300 mieszkańców.",
        "Centrum",
        "7800",
        "Biblioteka Publiczna",
        "Osamotnienie seniorów",
        "Seniorzy są samotni.",
        "Utworzyć klub seniora.",
    ):
        assert expected in text
    order = [
        text.index(pl(heading))
        for heading in (
            "1. Description of the community",
            "2. Resources",
            "3. Needs and problems",
            "4. Conclusions",
            "5. Action plan",
        )
    ]
    assert order == sorted(order)
    assert "NOTATKA-WEWNĘTRZNA" not in text


def test_a_team_member_reads_the_diagnosis_but_cannot_change_its_texts(login, team_member):
    client = login(team_member)
    page = client.get(reverse("resources_map:diagnosis"))
    assert page.status_code == 200
    assert page.context["form"] is None

    response = client.post(reverse("resources_map:diagnosis"), {"conclusions": "Zmiana"})
    assert response.status_code == 403


def test_passes_statistics_show_reach_as_a_share_of_the_districts_residents_60_plus(
    login, staff, area
):
    from initiatives.passes import services as pass_services
    from tests.passes.conftest import senior

    for n in range(49):
        pass_services.pass_issue(
            person=senior(n).__class__(**{**senior(n).__dict__, "district": " centrum "}),
            issued_by=staff,
        )

    page = login(staff).get(reverse("passes:statistics"))

    row = next(row for row in page.context["by_district"] if row["district"] == "centrum")
    assert row["count"] == 49
    assert row["share"] == 2.0  # 49 of 2,450 residents aged 60+
    assert "2.0%" in page.content.decode() or "2,0%" in page.content.decode()


def test_the_dashboard_counts_waiting_reports_and_unanswered_needs(login, staff, partner_a, area):
    make_report()
    make_report(kind="skill")
    make_need([area])

    body = login(staff).get(reverse("dashboard")).content.decode()
    assert "2 zgłoszenia mieszkańców czekają na moderację" in body
    with translation.override("pl"):  # "1 otwarta potrzeba bez odpowiedzi" once merged
        unanswered = translation.ngettext(
            "%(counter)s open need nothing answers yet",
            "%(counter)s open needs nothing answers yet",
            1,
        ) % {"counter": 1}
    assert unanswered in body
    assert (
        "zgłoszenia mieszkańców" not in login(partner_a).get(reverse("dashboard")).content.decode()
    )


def test_rejecting_a_report_erases_the_reporters_contact(login, team_member):
    report = make_report(name="Zofia", phone="600100200", email="zofia@example.org")

    login(team_member).post(
        reverse("resources_map:report_reject", args=[report.pk]), {"reason": "Duplikat"}
    )

    report.refresh_from_db()
    assert report.status == ReportStatus.REJECTED
    assert (report.name, report.email, report.phone) == ("", "", "")
    assert report.description  # the report itself stays, for the record
