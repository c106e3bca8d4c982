import re

import pytest
from django.urls import reverse


@pytest.mark.parametrize("name", ["home", "privacy", "accessibility"])
def test_public_pages_are_polish_by_default(client, db, name):
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en-GB,en")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="pl"' in html
    assert "Przejdź do treści" in html


@pytest.mark.parametrize("name", ["home", "privacy", "accessibility"])
def test_public_pages_have_an_english_version_under_en(client, db, name):
    with_prefix = "/en" + reverse(name)

    html = client.get(with_prefix).content.decode()

    assert '<html lang="en"' in html
    assert "Skip to main content" in html


def language_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="language-switch.*?</nav>', html, re.S).group()
    return {code: href for href, code in re.findall(r'href="([^"]+)" lang="(\w+)"', nav)}


def test_the_language_switch_links_to_the_same_page_and_query_in_each_language(client, db):
    polish = client.get(reverse("privacy") + "?from=menu").content.decode()
    english = client.get("/en" + reverse("privacy") + "?from=menu").content.decode()

    assert language_links(polish) == {"pl": "/privacy/?from=menu", "en": "/en/privacy/?from=menu"}
    assert language_links(english) == {"pl": "/privacy/?from=menu", "en": "/en/privacy/?from=menu"}
    assert 'aria-current="true">English' in english
    assert "csrfmiddlewaretoken" not in polish  # nothing per reader: the page can be cached


def test_the_language_switch_of_a_missing_page_leads_to_the_home_page(client, db):
    html = client.get("/no-such-page/").content.decode()

    assert language_links(html)["en"] == "/en/"


def test_the_old_language_form_still_works(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("privacy")})

    assert response.status_code == 302
    assert response["Location"] == "/en/privacy/"


def test_the_home_page_has_landmarks_and_the_contact(client, db):
    html = client.get(reverse("home")).content.decode()

    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert "ul. Mickiewicza 40" in html
    assert 'href="/privacy/"' in html and 'href="/accessibility/"' in html


def test_the_accessibility_statement_names_the_act_and_the_feedback_procedure(client, db):
    html = client.get(reverse("accessibility")).content.decode()

    assert "dostępności cyfrowej" in html
    assert "Rzecznik" in html


def test_the_text_size_links_are_remembered_and_lead_back(client, db):
    html = client.get(reverse("privacy") + "?a=1&b=2").content.decode()
    link = re.search(r'href="([^"]+)" rel="nofollow" class="[^"]*">A\+\+', html).group(1)

    response = client.get(link.replace("&amp;", "&"))

    assert response["Location"] == "/privacy/?a=1&b=2"
    assert response.cookies["text_size"].value == "xlarge"
    assert 'class="text-size-xlarge"' in client.get(reverse("privacy")).content.decode()


def test_the_text_size_form_still_works(client, db):
    response = client.post(reverse("text_size"), {"size": "large", "next": "/privacy/"})

    assert response["Location"] == "/privacy/"
    assert response.cookies["text_size"].value == "large"


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_text_size_switch_ignores_unknown_sizes_and_foreign_redirects(client, db, method):
    response = getattr(client, method)(
        reverse("text_size"), {"size": "<script>", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"
    assert "text_size" not in response.cookies
    assert 'class="text-size-normal"' in client.get(reverse("home")).content.decode()


def test_the_text_size_switch_takes_no_other_method(client, db):
    assert client.put(reverse("text_size")).status_code == 405


def test_a_missing_page_is_a_friendly_404(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Nie znaleziono strony" in response.content.decode()


def test_pages_send_a_strict_content_security_policy(client, db):
    policy = client.get(reverse("home"))["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy


def test_the_dashboard_shows_staff_their_tiles(login, staff, organisation_a):
    html = login(staff).get(reverse("dashboard")).content.decode()

    assert "Otwórz katalog" in html
    assert "Zarządzaj kontami" in html


def test_the_dashboard_shows_a_partner_only_their_organisation(login, partner_a, partner_b):
    html = login(partner_a).get(reverse("dashboard")).content.decode()

    assert partner_a.organisation.name in html
    assert partner_b.organisation.name not in html
    assert "Otwórz katalog" not in html
    assert "Zarządzaj kontami" not in html


def test_the_language_switch_takes_an_english_reader_back_to_the_polish_page(client, db):
    response = client.post("/en/i18n/setlang/", {"language": "pl", "next": "/en/privacy/"})

    assert response["Location"] == "/privacy/"


def test_error_summary_links_reach_checkbox_lists_too(login, staff):
    response = login(staff).post(
        reverse("team:meeting_create"),
        {"held_on": "2026-11-20", "agenda": "x", "attendees": ["999999"]},
    )

    html = response.content.decode()
    assert 'href="#id_attendees_0"' in html
