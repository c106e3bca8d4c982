import re

from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory


def test_a_password_reset_email_leads_to_a_new_password(
    client, roles, django_capture_on_commit_callbacks
):
    person = UserFactory(email="ewa@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "EWA@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ewa@example.org"]
    assert message.subject == "Resetowanie hasła w portalu CAL Śrem"
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    link = re.search(r"http://testserver(/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    client.post(set_url, {"new_password1": "Zupelnie-Nowe-42", "new_password2": "Zupelnie-Nowe-42"})
    person.refresh_from_db()
    assert person.check_password("Zupelnie-Nowe-42")


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_a_used_or_forged_link_says_it_is_no_longer_valid(client, db):
    response = client.get(
        reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"})
    )

    assert response.status_code == 200
    assert "jest już nieważny" in response.content.decode()
