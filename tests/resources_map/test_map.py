"""The public map, the GeoJSON layers and the guide: what the public sees, and how fast."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.models import TargetGroup
from resources_map.models import Area, AreaKind, NeedStatus, ResourceClass, ResourceKind, Topic
from tests.resources_map.conftest import SREM, make_need, make_resource

SECRET = "SEKRETNA-NOTATKA-WEWNETRZNA"


@pytest.fixture
def mixed_map(roles, area):
    public = make_resource(name="Punkt pomocy publiczny", topic=Topic.SOCIAL_WELFARE, area=area)
    hidden = make_resource(name="Pokój ukryty przed publicznością", is_public=False, area=area)
    noted = make_resource(name="Zasób z notatką", internal_notes=SECRET, area=area)
    shown_need = make_need([area], title="Potrzeba jawna", internal_notes=SECRET)
    hidden_need = make_need([area], title="Potrzeba niejawna", is_public=False)
    return {
        "public": public,
        "hidden": hidden,
        "noted": noted,
        "need": shown_need,
        "hidden_need": hidden_need,
    }


def _geojson(client, query: str = "") -> dict:
    response = client.get(reverse("resources_map:geojson") + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    return json.loads(response.content)


def _names(data: dict) -> set[str]:
    return {
        feature["properties"].get("name") or feature["properties"].get("title")
        for feature in data["features"]
    }


@pytest.mark.parametrize(
    "url_name", ["resources_map:map", "resources_map:guide", "resources_map:geojson"]
)
def test_public_pages_never_show_non_public_resources_or_internal_notes(
    client, mixed_map, url_name
):
    body = client.get(reverse(url_name)).content.decode()

    assert "Punkt pomocy publiczny" in body
    assert "Pokój ukryty przed publicznością" not in body
    assert "Potrzeba niejawna" not in body
    assert SECRET not in body


def test_the_guide_lists_public_resources_only(client, mixed_map):
    body = client.get(reverse("resources_map:guide")).content.decode()

    assert "Punkt pomocy publiczny" in body
    assert "Zasób z notatką" in body
    assert "Pokój ukryty przed publicznością" not in body
    assert SECRET not in body


def test_the_public_geojson_has_areas_public_points_and_public_needs(client, mixed_map, area):
    area.boundary = {
        "type": "Polygon",
        "coordinates": [[[17.0, 52.08], [17.03, 52.08], [17.03, 52.1], [17.0, 52.08]]],
    }
    area.save()

    data = _geojson(client)

    layers = {}
    for feature in data["features"]:
        layers.setdefault(feature["properties"]["layer"], []).append(feature)
    assert {f["properties"]["name"] for f in layers["resource"]} == {
        "Punkt pomocy publiczny",
        "Zasób z notatką",
    }
    assert [f["properties"]["title"] for f in layers["need"]] == ["Potrzeba jawna"]
    # A need sits on the centre of each of its areas.
    assert layers["need"][0]["geometry"] == {
        "type": "MultiPoint",
        "coordinates": [[float(SREM[1]), float(SREM[0])]],
    }
    assert layers["area"][0]["geometry"]["type"] == "Polygon"
    assert all("public" not in f["properties"] for f in layers["resource"])


def test_staff_see_every_resource_on_the_map_marked_as_not_public(login, staff, mixed_map):
    data = _geojson(login(staff))

    by_name = {f["properties"].get("name"): f["properties"] for f in data["features"]}
    assert by_name["Pokój ukryty przed publicznością"]["public"] is False
    assert "Potrzeba niejawna" in _names(data)
    assert SECRET not in json.dumps(data)


def test_filters_drive_both_the_list_and_the_layers(client, roles, area):
    seniors = TargetGroup.objects.get(code="seniors_60")
    other_area = Area.objects.create(name="Mechlin", kind=AreaKind.VILLAGE)
    make_resource(name="Klub seniora", target_groups=[seniors], area=area)
    make_resource(
        name="Fundusz sołecki",
        resource_class=ResourceClass.FINANCIAL,
        kind=ResourceKind.FUNDING_SOURCE,
        area=other_area,
    )
    make_need([area], title="Dojazd na zajęcia", status=NeedStatus.IDENTIFIED)
    make_need([other_area], title="Ławki", status=NeedStatus.MET)

    query = f"?resource_class=material&area={area.pk}&status=identified"
    page = client.get(reverse("resources_map:map") + query).content.decode()
    data = _geojson(client, query)

    assert "Klub seniora" in page and "Fundusz sołecki" not in page
    assert "Dojazd na zajęcia" in page and "Ławki" not in page
    assert _names(data) == {"Klub seniora", "Dojazd na zajęcia"}
    only_needs = _geojson(client, "?layer=needs")
    assert {f["properties"]["layer"] for f in only_needs["features"]} == {"need"}


@pytest.mark.parametrize(
    "query",
    [
        "?area=abc",
        "?area=999999",
        "?severity=x&status=nope",
        "?target_group=%00",
        "?page=zz&needs_page=-1",
        "?layer=everything",
        "?resource_class=" + "x" * 3000,
    ],
)
def test_nonsense_in_the_query_string_never_breaks_the_map(client, mixed_map, query):
    # A NUL byte gets the site's 400 page (calportal.middleware) before any view sees it.
    expected = 400 if "%00" in query else 200
    assert client.get(reverse("resources_map:map") + query).status_code == expected
    assert client.get(reverse("resources_map:geojson") + query).status_code == expected
    assert client.get(reverse("resources_map:guide") + query).status_code == expected


def _fill(count: int, area) -> None:
    from resources_map.models import Need, Resource

    groups = list(TargetGroup.objects.all())
    resources = Resource.objects.bulk_create(
        [
            Resource(
                name=f"Zasób {i}",
                resource_class=ResourceClass.MATERIAL,
                kind=ResourceKind.ROOM,
                latitude=SREM[0],
                longitude=SREM[1],
                area=area,
                is_public=True,
            )
            for i in range(count)
        ]
    )
    Resource.target_groups.through.objects.bulk_create(
        [
            Resource.target_groups.through(resource=resource, targetgroup=group)
            for resource in resources
            for group in groups[:2]
        ]
    )
    needs = Need.objects.bulk_create(
        [Need(title=f"Potrzeba {i}", description="…", found_by="survey") for i in range(count)]
    )
    Need.areas.through.objects.bulk_create(
        [Need.areas.through(need=need, area=area) for need in needs]
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name",
    [
        "resources_map:geojson",
        "resources_map:map",
        "resources_map:guide",
        "resources_map:resource_list",
        "resources_map:need_list",
        "resources_map:gaps",
        "resources_map:area_list",
    ],
)
def test_pages_run_the_same_number_of_queries_for_10_and_500_rows(login, staff, area, url_name):
    client = login(staff)
    url = reverse(url_name)
    _fill(10, area)
    client.get(url)  # the first request may fill caches (the municipality's box)
    few = _queries(client, url)
    _fill(490, area)
    many = _queries(client, url)

    assert few == many
    assert many <= 15
