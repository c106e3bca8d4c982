import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

LOGIN = reverse("accounts:login")


@pytest.fixture
def person(roles):
    return UserFactory(email="jan.kowalski@example.org")


def test_a_person_logs_in_with_their_email_address(client, person):
    response = client.post(LOGIN, {"username": "jan.kowalski@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_the_email_address_is_matched_whatever_its_case(client, person):
    response = client.post(LOGIN, {"username": "Jan.Kowalski@Example.org", "password": PASSWORD})

    assert response.status_code == 302


def test_a_wrong_password_is_explained_in_polish(client, person):
    response = client.post(LOGIN, {"username": person.email, "password": "wrong"})

    assert response.status_code == 200
    assert "Wprowadź poprawne wartości" in response.content.decode()


def test_a_wrong_password_is_explained_in_english_on_the_english_page(client, person):
    response = client.post("/en" + LOGIN, {"username": person.email, "password": "wrong"})

    assert "Please enter a correct" in response.content.decode()


def test_a_malformed_address_gets_an_error_next_to_the_field(client, db):
    response = client.post(LOGIN, {"username": "not-an-address", "password": "x"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error_1_id_username"' in html
    assert "Wprowadź poprawny adres email" in html


def test_after_five_failures_the_login_is_locked_even_with_the_right_password(client, person):
    for _attempt in range(5):
        client.post(LOGIN, {"username": person.email, "password": "wrong"})

    response = client.post(LOGIN, {"username": person.email.upper(), "password": PASSWORD})

    assert response.status_code == 429
    assert "Zbyt wiele nieudanych prób" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_of_one_address_does_not_lock_another(client, person, roles):
    other = UserFactory(email="other@example.org")
    for _attempt in range(5):
        client.post(LOGIN, {"username": person.email, "password": "wrong"})

    response = client.post(LOGIN, {"username": other.email, "password": PASSWORD})

    assert response.status_code == 302


def test_logout_needs_post(login, person):
    client = login(person)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_password_change_checks_the_old_password(login, person):
    client = login(person)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "Nowe-Haslo-2026",
            "new_password2": "Nowe-Haslo-2026",
        },
    )

    assert response.status_code == 200
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_a_password_change_saves_the_new_password(login, person):
    client = login(person)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Nowe-Haslo-2026",
            "new_password2": "Nowe-Haslo-2026",
        },
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Nowe-Haslo-2026")
