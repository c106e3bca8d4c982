import re

import pytest
from django.core import mail
from django.urls import reverse

from calportal.accounts.models import User
from calportal.accounts.roles import Role
from tests.factories import OrganisationFactory

INVITE = reverse("accounts:user_invite")


def invite(client, **overrides):
    data = {
        "full_name": "Zofia Nowa",
        "email": "Zofia.Nowa@example.org",
        "role": Role.PARTNER_COORDINATOR.value,
        **overrides,
    }
    return client.post(INVITE, data)


def test_staff_invite_a_partner_coordinator_who_sets_a_password_and_is_logged_in(
    login, staff, organisation_a, django_capture_on_commit_callbacks
):
    client = login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, organisation=organisation_a.pk)

    assert response.status_code == 302
    invited = User.objects.get(email="zofia.nowa@example.org")
    assert invited.organisation == organisation_a
    assert invited.has_role(Role.PARTNER_COORDINATOR)
    assert invited.invitation_pending
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zofia.nowa@example.org"]
    assert organisation_a.name in message.body
    link = re.search(r"http://127\.0\.0\.1:8000(/\S+/)", message.body).group(1)

    client.logout()
    page = client.get(link, follow=True)
    assert "Witamy w portalu CAL" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Moje-Haslo-2026", "new_password2": "Moje-Haslo-2026"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    invited.refresh_from_db()
    assert invited.check_password("Moje-Haslo-2026")
    assert client.get(reverse("dashboard")).context["user"] == invited
    # The link works once only.
    client.logout()
    assert "jest już nieważne" in client.get(link, follow=True).content.decode()


def test_a_partner_coordinator_needs_an_organisation(login, staff):
    response = invite(login(staff))

    assert response.status_code == 200
    assert "musi być przypisany do organizacji" in response.content.decode()
    assert not User.objects.filter(email="zofia.nowa@example.org").exists()


def test_a_partner_coordinator_needs_a_partner_organisation(login, staff):
    not_a_partner = OrganisationFactory(is_partner=False)

    response = invite(login(staff), organisation=not_a_partner.pk)

    assert response.status_code == 200
    assert not User.objects.filter(email="zofia.nowa@example.org").exists()


def test_an_address_already_in_use_is_refused_whatever_its_case(login, staff, organisation_a):
    response = invite(login(staff), email="STAFF@example.org", organisation=organisation_a.pk)

    assert response.status_code == 200
    assert "już istnieje" in response.content.decode()
    assert mail.outbox == []


def test_a_malformed_address_is_shown_next_to_the_field_in_english(login, staff):
    client = login(staff)

    response = client.post("/en" + INVITE, {"full_name": "X", "email": "nope", "role": "x"})

    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "Select a valid choice." in html


def test_staff_can_invite_a_cal_team_member_without_an_organisation(
    login, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(login(staff), role=Role.CAL_TEAM_MEMBER.value)

    assert User.objects.get(email="zofia.nowa@example.org").has_role(Role.CAL_TEAM_MEMBER)
    assert len(mail.outbox) == 1


def test_a_pending_invitation_can_be_sent_again(
    login, staff, organisation_a, django_capture_on_commit_callbacks
):
    client = login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, organisation=organisation_a.pk)
    invited = User.objects.get(email="zofia.nowa@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:user_resend", args=[invited.pk]))

    assert response.status_code == 302
    assert len(mail.outbox) == 2


def test_an_accepted_invitation_is_not_sent_again(login, staff, partner_a):
    response = login(staff).post(reverse("accounts:user_resend", args=[partner_a.pk]), follow=True)

    assert "ma już ustawione hasło" in response.content.decode()
    assert mail.outbox == []


def test_staff_deactivate_and_reactivate_an_account(login, staff, partner_a):
    client = login(staff)

    client.post(reverse("accounts:user_set_active", args=[partner_a.pk]), {"active": "0"})
    partner_a.refresh_from_db()
    assert not partner_a.is_active

    client.post(reverse("accounts:user_set_active", args=[partner_a.pk]), {"active": "1"})
    partner_a.refresh_from_db()
    assert partner_a.is_active


def test_staff_cannot_deactivate_themselves(login, staff):
    login(staff).post(reverse("accounts:user_set_active", args=[staff.pk]), {"active": "0"})

    staff.refresh_from_db()
    assert staff.is_active


@pytest.mark.parametrize("name", ["accounts:user_resend", "accounts:user_set_active"])
def test_account_actions_accept_post_only(login, staff, partner_a, name):
    assert login(staff).get(reverse(name, args=[partner_a.pk])).status_code == 405


@pytest.mark.parametrize("role", ["partner_a", "team_member"])
def test_other_roles_cannot_invite_or_change_accounts(request, login, partner_b, role):
    client = login(request.getfixturevalue(role))

    assert invite(client, organisation=partner_b.organisation.pk).status_code == 403
    assert (
        client.post(
            reverse("accounts:user_set_active", args=[partner_b.pk]), {"active": "0"}
        ).status_code
        == 403
    )
    partner_b.refresh_from_db()
    assert partner_b.is_active


def test_the_account_list_uses_a_constant_number_of_queries(
    login, staff, roles, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    client = login(staff)
    for _ in range(3):
        UserFactory(organisation=OrganisationFactory(), role=Role.PARTNER_COORDINATOR)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("accounts:user_list"))
    for _ in range(20):
        UserFactory(organisation=OrganisationFactory(), role=Role.PARTNER_COORDINATOR)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("accounts:user_list"))

    assert response.status_code == 200


def test_the_account_list_filters_by_role(login, staff, partner_a, team_member):
    response = login(staff).get(reverse("accounts:user_list"), {"role": Role.CAL_TEAM_MEMBER.value})

    accounts = list(response.context["page"])
    assert accounts == [team_member]


@pytest.mark.parametrize(
    "name", ["accounts:user_resend", "accounts:user_set_active", "accounts:user_invite"]
)
def test_anonymous_visitors_are_sent_to_log_in_by_account_actions(client, partner_a, name):
    args = [] if name == "accounts:user_invite" else [partner_a.pk]

    response = client.post(reverse(name, args=args), {"active": "0"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    partner_a.refresh_from_db()
    assert partner_a.is_active


def test_a_malformed_active_flag_changes_nothing(login, staff, partner_a):
    response = login(staff).post(
        reverse("accounts:user_set_active", args=[partner_a.pk]), {"active": "maybe"}
    )

    assert response.status_code == 400
    partner_a.refresh_from_db()
    assert partner_a.is_active


def test_an_organisation_is_kept_only_for_partner_coordinators(
    login, staff, organisation_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(login(staff), role=Role.OPS_STAFF.value, organisation=organisation_a.pk)

    assert User.objects.get(email="zofia.nowa@example.org").organisation is None
