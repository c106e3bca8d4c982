"""A need is answered by an initiative, a running self-help group or an open volunteering
opportunity — the gap view, the lists, the dashboard, the GeoJSON and the diagnosis PDF agree."""

import json
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from calportal.documents.models import Document
from resources_map import selectors
from resources_map.models import Need, NeedStatus
from selfhelp.models import GroupStatus
from tests.conftest import require
from tests.factories import InitiativeFactory
from tests.resources_map.conftest import make_need, make_resource
from tests.selfhelp.conftest import make_group
from volunteers.models import Opportunity

BEREAVED = "Support for bereaved people"
GROUP_NAME = "Grupa wsparcia dla osób w żałobie"


def _nothing_answers() -> str:
    with translation.override("pl"):
        return translation.gettext("nothing answers it yet")


@pytest.fixture
def bereaved_need(area):
    return make_need([area], title=BEREAVED, status=NeedStatus.IDENTIFIED)


@pytest.fixture
def bereavement_group(staff, bereaved_need):
    group = make_group(staff, name=GROUP_NAME, slug="zaloba")
    bereaved_need.self_help_groups.add(group)
    return group


def _gap_titles() -> list[str]:
    return [need.title for row in selectors.gaps()["rows"] for need in row["needs"]]


def test_a_need_answered_only_by_a_running_group_is_not_a_gap(
    login, staff, bereaved_need, bereavement_group
):
    client = login(staff)
    body = client.get(reverse("resources_map:gaps")).content.decode()

    assert BEREAVED not in _gap_titles()
    assert BEREAVED not in body
    assert selectors.dashboard_counts()["unanswered"] == 0
    assert list(Need.objects.unanswered()) == []


def test_a_closed_group_no_longer_answers_the_need(login, staff, bereaved_need, bereavement_group):
    bereavement_group.status = GroupStatus.CLOSED
    bereavement_group.save()
    client = login(staff)

    assert BEREAVED in _gap_titles()
    assert BEREAVED in client.get(reverse("resources_map:gaps")).content.decode()
    assert selectors.dashboard_counts()["unanswered"] == 1
    detail = client.get(reverse("resources_map:need_detail", args=[bereaved_need.pk]))
    assert GROUP_NAME not in detail.content.decode()


@pytest.mark.parametrize("group_status", [GroupStatus.FORMING, GroupStatus.PAUSED])
def test_a_forming_or_paused_group_still_answers(staff, bereaved_need, group_status):
    bereaved_need.self_help_groups.add(make_group(staff, status=group_status))

    assert BEREAVED not in _gap_titles()


def test_an_open_volunteering_opportunity_answers_and_a_closed_one_does_not(
    staff, organisation_a, bereaved_need
):
    opportunity = Opportunity.objects.create(
        organisation=organisation_a, title="Odwiedziny u osób w żałobie"
    )
    bereaved_need.opportunities.add(opportunity)
    assert BEREAVED not in _gap_titles()

    opportunity.is_open = False
    opportunity.save()
    assert BEREAVED in _gap_titles()


def test_the_need_list_shows_what_answers_it_and_filters_unanswered(
    login, staff, area, bereaved_need, bereavement_group
):
    make_need([area], title="Dojazd z sołectw")
    client = login(staff)

    listing = client.get(reverse("resources_map:need_list")).content.decode()
    assert GROUP_NAME in listing
    assert reverse("selfhelp:group_public", args=["zaloba"]) in listing

    unanswered = client.get(reverse("resources_map:need_list"), {"unanswered": "true"})
    assert "Dojazd z sołectw" in unanswered.content.decode()
    assert BEREAVED not in unanswered.content.decode()
    answered = client.get(reverse("resources_map:need_list"), {"unanswered": "false"})
    assert BEREAVED in answered.content.decode()
    assert "Dojazd z sołectw" not in answered.content.decode()


def test_the_need_detail_lists_the_group(login, staff, bereaved_need, bereavement_group):
    body = (
        login(staff)
        .get(reverse("resources_map:need_detail", args=[bereaved_need.pk]))
        .content.decode()
    )

    assert GROUP_NAME in body


def test_the_geojson_says_whether_a_need_is_answered(
    client, area, bereaved_need, bereavement_group
):
    make_need([area], title="Dojazd z sołectw")
    data = json.loads(client.get(reverse("resources_map:geojson")).content)

    answered = {
        feature["properties"]["title"]: feature["properties"]["answered"]
        for feature in data["features"]
        if feature["properties"]["layer"] == "need"
    }
    assert answered == {BEREAVED: True, "Dojazd z sołectw": False}


def test_staff_link_groups_and_opportunities_from_the_need_form(
    login, staff, area, organisation_a, bereaved_need
):
    group = make_group(staff, name=GROUP_NAME, slug="zaloba")
    opportunity = Opportunity.objects.create(organisation=organisation_a, title="Odwiedziny")
    client = login(staff)
    response = client.post(
        reverse("resources_map:need_edit", args=[bereaved_need.pk]),
        {
            "title": BEREAVED,
            "description": "Osoby po stracie bliskich.",
            "areas": [area.pk],
            "severity": 2,
            "found_by": "interview",
            "identified_on": "2026-01-10",
            "status": NeedStatus.IDENTIFIED,
            "self_help_groups": [group.pk],
            "opportunities": [opportunity.pk],
            "is_public": "on",
        },
    )

    assert response.status_code == 302
    assert list(bereaved_need.self_help_groups.all()) == [group]
    assert list(bereaved_need.opportunities.all()) == [opportunity]


def _diagnosis_text(client, tmp_path, capture) -> str:
    with capture(execute=True):
        client.post(reverse("resources_map:diagnosis_pdf"))
    document = Document.objects.latest("pk")
    pdf = b"".join(client.get(reverse("documents:download", args=[document.pk])).streaming_content)
    path = tmp_path / f"diagnosis-{document.pk}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return " ".join(text.split())  # table cells wrap: compare words, not lines


def test_the_diagnosis_pdf_names_the_group_and_not_no_initiative(
    login,
    staff,
    bereaved_need,
    bereavement_group,
    django_capture_on_commit_callbacks,
    tmp_path,
    settings,
):
    require(bool(shutil.which("pdftotext")), "poppler-utils is not installed")
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    make_resource(name="Biblioteka Publiczna w Śremie")
    client = login(staff)

    text = _diagnosis_text(client, tmp_path, django_capture_on_commit_callbacks)
    assert "Biblioteka Publiczna w Śremie" in text
    assert "Imię i nazwisko" not in text  # a resource has a name ("Nazwa"), not a person's
    assert BEREAVED in text
    assert GROUP_NAME in text
    assert _nothing_answers() not in text
    assert "na razie brak inicjatywy" not in text

    bereavement_group.status = GroupStatus.CLOSED
    bereavement_group.save()
    text = _diagnosis_text(client, tmp_path, django_capture_on_commit_callbacks)
    assert _nothing_answers() in text
    assert GROUP_NAME not in text


def test_an_initiative_still_answers(staff, bereaved_need):
    bereaved_need.initiatives.add(InitiativeFactory())

    assert BEREAVED not in _gap_titles()


def test_the_resource_list_heads_the_name_column_nazwa_in_polish(login, staff, area):
    """Passes once the lead merges the PO fragments (msgctxt "resource", "Name" → "Nazwa")."""
    make_resource(name="Biblioteka Publiczna w Śremie")
    body = login(staff).get(reverse("resources_map:resource_list")).content.decode()

    assert '<th scope="col">Nazwa</th>' in body
    assert "Imię i nazwisko" not in body
