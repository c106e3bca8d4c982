"""Anonymous public pages come from the cache, and a change by staff shows on the next request.

Real Redis (the cache of the test settings) where it is configured; the outage test uses a port
nobody listens on.
"""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from calportal import public_cache, redis_breaker
from calportal.accounts.roles import Role
from calportal.privacy import consent
from calportal.privacy.models import ConsentPurpose
from initiatives import services
from initiatives.models import Registration
from initiatives.passes.models import ProgrammeSettings
from resources_map.models import Area, AreaKind
from selfhelp.models import GroupStatus
from tests.calportal.faults import cache_settings, free_port
from tests.factories import EventFactory, UserFactory
from tests.initiatives.conftest import signup_data
from tests.passes.conftest import make_venue
from tests.resources_map.conftest import SREM, make_need, make_resource
from tests.selfhelp.conftest import make_group

# Transactional: each change commits, as each request does, and the cache is renewed on commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def public_cache_on(settings, transactional_db):
    settings.PUBLIC_CACHE = True
    # The consent texts and the programme's settings of a migrated database (a transactional
    # test flushes them; a page would add them back on its first view, a change of its area).
    consent.current_texts([ConsentPurpose.EVENT_SIGNUP])
    ProgrammeSettings.current()


@pytest.fixture
def event(db):
    return EventFactory(title="Warsztaty ceramiki", capacity=10)


@pytest.fixture
def area(db):
    return Area.objects.create(
        name="Centrum", kind=AreaKind.DISTRICT, latitude=SREM[0], longitude=SREM[1]
    )


@pytest.fixture
def content(event, area, roles):
    """Something on every public page."""
    make_resource(name="Sala w bibliotece", area=area)
    make_need([area], title="Osamotnienie seniorów", is_public=True)
    make_venue("Kawiarnia Rynek")
    facilitator = UserFactory(email="prowadzaca@example.org", role=Role.GROUP_FACILITATOR)
    make_group(facilitator, name="Grupa wsparcia w żałobie")
    return event


def page_urls(event) -> list[str]:
    today = timezone.localdate()
    return [
        reverse("home"),
        reverse("initiatives:calendar"),
        reverse("initiatives:calendar_month_current"),
        reverse("initiatives:calendar_month", args=[today.year, today.month]),
        reverse("initiatives:event_public", args=[event.pk]),
        reverse("initiatives:feed_all"),
        reverse("initiatives:feed_initiative", args=[event.initiative.slug]),
        reverse("initiatives:event_ics", args=[event.pk]),
        reverse("resources_map:map"),
        reverse("resources_map:geojson"),
        reverse("resources_map:guide"),
        reverse("passes:programme"),
        reverse("selfhelp:group_list"),
    ]


def body(response) -> str:
    return response.content.decode()


def test_each_page_is_served_from_the_cache_the_second_time_without_queries(
    client, content, django_assert_num_queries
):
    for url in page_urls(content):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["X-Public-Cache"] == "miss", url
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200, url
        assert second["X-Public-Cache"] == "hit", url
        assert second["Content-Type"] == first["Content-Type"], url
        assert len(second.content) == len(first.content), url


def test_head_is_answered_from_the_cache_too(client, content):
    url = reverse("initiatives:calendar")
    client.get(url)

    response = client.head(url)

    assert response.status_code == 200
    assert response["X-Public-Cache"] == "hit"


def test_a_logged_in_user_gets_the_live_page(client, content, staff):
    url = reverse("initiatives:event_public", args=[content.pk])
    Client().get(url)  # cached for anonymous readers
    client.force_login(staff)

    response = client.get(url)
    content.title = "Warsztaty garncarskie"
    content.save()
    services.registration_create(
        event_id=content.pk,
        person=services.PersonData.from_data(signup_data()),
        companions=0,
        accessibility_needs="",
    )
    again = client.get(url)

    assert "X-Public-Cache" not in response and "X-Public-Cache" not in again
    assert "Log out" in body(client.get("/en" + url))
    assert "Warsztaty garncarskie" in body(again)


# --- Changes by staff show on the next anonymous request -----------------------------------------


def places_left(client, event, places: int) -> bool:
    with_places = f"{places} places left" if places != 1 else "1 place left"
    return with_places in body(client.get(f"/en/events/{event.pk}/"))


def test_an_edited_event_shows_on_the_next_request(client, event):
    for url in ("/en/", "/en/events/", f"/en/events/{event.pk}/", "/en/events/feed.ics"):
        client.get(url)

    data = {
        field: getattr(event, field)
        for field in ("title", "starts_at", "ends_at", "place_name", "address", "capacity")
    }
    services.event_update(event_id=event.pk, data={**data, "title": "Warsztaty garncarskie"})

    for url in ("/en/", "/en/events/", f"/en/events/{event.pk}/", "/en/events/feed.ics"):
        assert "Warsztaty garncarskie" in body(client.get(url)), url


def test_a_place_taken_by_a_signup_shows_on_the_next_request(client, event):
    assert places_left(client, event, 10)
    assert client.get(f"/en/events/{event.pk}/")["X-Public-Cache"] == "hit"

    response = client.post(f"/en/events/{event.pk}/", signup_data(companions="1"))

    assert response.status_code == 302
    assert places_left(client, event, 8)
    assert "8 places left" in body(client.get("/en/events/"))


def test_a_cancelled_registration_gives_its_places_back_on_the_next_request(client, event):
    result = services.registration_create(
        event_id=event.pk,
        person=services.PersonData.from_data(signup_data()),
        companions=2,
        accessibility_needs="",
    )
    assert places_left(client, event, 7)

    services.registration_cancel(registration_id=result.registration.pk, by_staff=True)

    assert places_left(client, event, 10)


def test_more_places_show_on_the_next_request(client, event):
    assert places_left(client, event, 10)

    services.event_set_capacity(event_id=event.pk, capacity=12)

    assert places_left(client, event, 12)


def test_a_cancelled_event_leaves_the_calendar_on_the_next_request(client, event):
    assert "Warsztaty ceramiki" in body(client.get("/en/events/"))
    client.get(f"/en/events/{event.pk}/")

    services.event_cancel(event_id=event.pk)

    assert "Warsztaty ceramiki" not in body(client.get("/en/events/"))
    assert "Warsztaty ceramiki" not in body(client.get("/en/events/feed.ics"))
    assert "Cancelled" in body(client.get(f"/en/events/{event.pk}/"))


def test_a_published_resource_shows_on_the_next_request(client, area):
    resource = make_resource(name="Świetlica Promyk", area=area, is_public=False)
    for url in ("/en/map/", "/en/map/data.geojson", "/en/where-to-get-help/"):
        assert "Świetlica Promyk" not in body(client.get(url)), url

    resource.is_public = True
    resource.save()

    for url in ("/en/map/", "/en/map/data.geojson", "/en/where-to-get-help/"):
        assert "Świetlica Promyk" in body(client.get(url)), url


def test_a_need_and_an_area_change_show_on_the_next_request(client, area):
    need = make_need([area], title="Brak transportu", is_public=False)
    assert "Brak transportu" not in body(client.get("/en/map/data.geojson"))
    assert "Brak transportu" not in body(client.get("/en/map/"))

    need.is_public = True
    need.save()
    assert "Brak transportu" in body(client.get("/en/map/data.geojson"))
    assert "Centrum" in body(client.get("/en/map/"))

    area.name = "Stare Miasto"
    area.save()
    assert "Stare Miasto" in body(client.get("/en/map/"))

    other = Area.objects.create(
        name="Jeziorki", kind=AreaKind.DISTRICT, latitude=SREM[0], longitude=SREM[1]
    )
    need.areas.add(other)  # m2m: no save of the need
    assert "Jeziorki" in body(client.get("/en/map/"))


def test_a_group_closed_or_full_shows_on_the_next_request(client, roles):
    facilitator = UserFactory(email="prowadzaca@example.org", role=Role.GROUP_FACILITATOR)
    group = make_group(facilitator, name="Grupa wsparcia w żałobie")
    assert "The group welcomes new members." in body(client.get("/en/groups/"))

    group.status = GroupStatus.CLOSED
    group.save()

    assert "Grupa wsparcia w żałobie" not in body(client.get("/en/groups/"))


def test_a_group_closed_to_new_members_by_its_facilitator_shows_on_the_next_request(roles):
    facilitator = UserFactory(email="prowadzaca@example.org", role=Role.GROUP_FACILITATOR)
    group = make_group(facilitator, name="Grupa wsparcia w żałobie")
    anonymous = Client()
    assert "The group welcomes new members." in body(anonymous.get("/en/groups/"))
    staff_client = Client()
    staff_client.force_login(facilitator)

    staff_client.post(reverse("selfhelp:group_accepting", args=[group.pk]), {"accepts": "0"})

    assert "The group is not taking new members now" in body(anonymous.get("/en/groups/"))


def test_programme_settings_and_venues_show_on_the_next_request(client, db):
    assert "aged 60 and over" in body(client.get("/en/senior-friend/"))

    programme = ProgrammeSettings.current()
    programme.min_age = 65
    programme.save()
    assert "aged 65 and over" in body(client.get("/en/senior-friend/"))

    make_venue("Cukiernia Słodka")
    assert "Cukiernia Słodka" in body(client.get("/en/senior-friend/"))


def test_an_organisation_renamed_is_a_change_of_every_page(client, event):
    client.get("/en/groups/")
    generation, _page = public_cache._lookup(("shared",), "no-page")

    event.initiative.lead_organisation.name = "Stowarzyszenie Nowe"
    event.initiative.lead_organisation.save()

    assert public_cache._lookup(("shared",), "no-page")[0] != generation
    assert client.get("/en/groups/")["X-Public-Cache"] == "miss"


def test_changed_refuses_an_unknown_area():
    with pytest.raises(ValueError):
        public_cache.changed("calendar")


# --- What a page varies on -----------------------------------------------------------------------


def csrf_token_of(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body(response)).group(1)


def test_a_signup_after_a_cached_page_passes_the_csrf_check(event):
    url = f"/en/events/{event.pk}/"
    Client(enforce_csrf_checks=True).get(url)  # someone else's visit fills the cache
    reader = Client(enforce_csrf_checks=True)

    page = reader.get(url)
    response = reader.post(url, {**signup_data(), "csrfmiddlewaretoken": csrf_token_of(page)})

    assert page["X-Public-Cache"] == "hit"
    assert response.status_code == 302
    assert Registration.objects.filter(event=event).count() == 1


def test_each_reader_gets_a_token_of_their_own(event):
    url = f"/en/events/{event.pk}/"
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

    page_one, page_two = first.get(url), second.get(url)
    # The second reader's token does not pass with the first reader's cookie.
    refused = first.post(url, {**signup_data(), "csrfmiddlewaretoken": csrf_token_of(page_two)})
    text_size = second.post(
        "/text-size/",
        {"size": "large", "next": url, "csrfmiddlewaretoken": csrf_token_of(page_two)},
    )

    assert page_two["X-Public-Cache"] == "hit"
    assert csrf_token_of(page_one) != csrf_token_of(page_two)
    assert refused.status_code == 403
    assert text_size.status_code == 302
    assert text_size.cookies["text_size"].value == "large"


def test_text_size_and_language_variants_do_not_mix(client, event):
    large = Client()
    large.cookies["text_size"] = "large"

    normal_en = body(client.get("/en/events/"))
    large_en = body(large.get("/en/events/"))
    normal_pl = body(client.get("/events/"))

    assert 'class="text-size-normal"' in normal_en and 'lang="en"' in normal_en
    assert 'class="text-size-large"' in large_en and 'lang="en"' in large_en
    assert 'class="text-size-normal"' in normal_pl and 'lang="pl"' in normal_pl
    assert 'class="text-size-large"' in body(large.get("/en/events/"))
    assert 'class="text-size-normal"' in body(client.get("/en/events/"))


def test_the_query_string_is_part_of_the_page(client, event):
    client.get("/en/events/")

    filtered = client.get("/en/events/?category=health")

    assert filtered["X-Public-Cache"] == "miss"
    assert "Warsztaty ceramiki" not in body(filtered)


def test_a_message_waiting_for_the_reader_is_shown_and_the_page_not_served_from_cache(event):
    url = "/en/events/"
    Client().get(url)
    reader = Client()
    storage = CookieStorage(RequestFactory().get("/"))
    reader.cookies["messages"] = storage._encode(
        [Message(constants.SUCCESS, "Your registration is cancelled.")]
    )

    response = reader.get(url)

    assert "X-Public-Cache" not in response
    assert "Your registration is cancelled." in body(response)
    assert "Your registration is cancelled." not in body(Client().get(url))


def test_a_response_that_sets_a_cookie_is_not_kept(db):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    calls = []

    @public_cache.public_page("events")
    def view(request):
        calls.append(request)
        response = HttpResponse("hello")
        response.set_cookie("chosen", "yes")
        return response

    def request():
        made = RequestFactory().get("/somewhere/")
        made.user = AnonymousUser()
        return made

    view(request())
    view(request())

    assert len(calls) == 2


# --- Redis down -----------------------------------------------------------------------------------


def test_pages_are_served_live_when_redis_does_not_answer(content, monkeypatch):
    monkeypatch.setattr(redis_breaker, "PAUSE_SECONDS", 0.0)
    redis_breaker.reset()
    try:
        with override_settings(CACHES=cache_settings(f"redis://127.0.0.1:{free_port()}/0")):
            client = Client()
            for url in page_urls(content):
                for _attempt in range(2):
                    response = client.get(url)
                    assert response.status_code == 200, url
                    assert "X-Public-Cache" not in response, url
            response = client.post(f"/events/{content.pk}/", signup_data())
            assert response.status_code == 302
    finally:
        redis_breaker.reset()


# --- Compression and pages without a token ------------------------------------------------------


def test_a_reader_taking_gzip_gets_the_same_page_compressed_from_the_cache(client, content):
    import gzip

    for url in ("/en/map/", "/en/map/data.geojson"):
        plain = client.get(url)
        client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

        packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        again = client.get(url)

        assert packed["X-Public-Cache"] == "hit" and packed["Content-Encoding"] == "gzip", url
        assert gzip.decompress(packed.content) == plain.content, url
        assert again["X-Public-Cache"] == "hit" and not again.has_header("Content-Encoding")
        assert again.content == plain.content, url
        for response in (plain, packed, again):
            assert "Accept-Encoding" in response["Vary"], url
    assert len(packed.content) < len(plain.content)
    assert (
        len(client.get("/en/map/", HTTP_ACCEPT_ENCODING="gzip").content)
        < len(client.get("/en/map/").content) / 3
    )


def test_a_page_with_a_form_is_never_kept_compressed(client, event):
    url = f"/en/events/{event.pk}/"
    client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    hit = client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert hit["X-Public-Cache"] == "hit"
    assert not hit.has_header("Content-Encoding")  # it carries the reader's own CSRF token
    assert 'name="csrfmiddlewaretoken"' in body(hit)


def test_pages_without_a_form_set_no_cookie_and_carry_no_token(content):
    for url in ("/en/", "/en/groups/", "/en/map/", "/en/senior-friend/", "/en/events/"):
        Client().get(url)
        hit = Client().get(url)

        assert hit["X-Public-Cache"] == "hit", url
        assert not hit.cookies, url
        assert "csrfmiddlewaretoken" not in body(hit), url


def test_a_page_from_the_cache_has_the_headers_of_a_live_page(client, content):
    live = client.get("/en/groups/")
    hit = client.get("/en/groups/")

    assert (live["X-Public-Cache"], hit["X-Public-Cache"]) == ("miss", "hit")
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language"):
        assert hit.has_header(header), header
        assert hit[header].split(";")[0] == live[header].split(";")[0], header
    assert hit["Content-Type"] == live["Content-Type"]


def test_an_address_of_a_page_that_is_not_public_is_not_looked_up_again(monkeypatch):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.urls import resolve

    looked_up = []
    monkeypatch.setattr(
        public_cache, "_serve_stored", lambda request: looked_up.append(request.path) or None
    )

    def view(request):
        request.resolver_match = resolve(request.path_info)
        return HttpResponse("page")

    middleware = public_cache.PublicCacheMiddleware(view)
    for path in ("/privacy/", "/privacy/", "/groups/", "/groups/"):
        request = RequestFactory().get(path)
        request.user = AnonymousUser()
        middleware(request)

    assert looked_up == ["/privacy/", "/groups/", "/groups/"]


@pytest.mark.parametrize(
    "accept, compressed",
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("*", True),
        ("gzip;q=0", False),
        ("br, gzip;q=0.0", False),
        ("identity", False),
        ("gzip;q=zero", False),
    ],
)
def test_only_a_reader_who_takes_gzip_gets_it(client, content, accept, compressed):
    client.get("/en/map/", HTTP_ACCEPT_ENCODING=accept)
    hit = client.get("/en/map/", HTTP_ACCEPT_ENCODING=accept)

    assert hit["X-Public-Cache"] == "hit"
    assert (hit.get("Content-Encoding") == "gzip") == compressed
