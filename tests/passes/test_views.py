"""Who sees what in the programme, and the counter at work."""

import pytest
from django.urls import reverse

from initiatives.passes import services
from initiatives.passes.models import PassApplication, Redemption, SeniorPass
from tests.initiatives.conftest import pl
from tests.passes.conftest import senior

ALLOWED, DENIED, LOGIN = "allowed", "denied", "login"
ROLES = ["staff", "venue_user_a", "partner_a", "team_member", None]
MATRIX = {
    "passes:application_list": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
    "passes:pass_list": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
    "passes:pass_issue": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
    "passes:pass_detail": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
    "passes:venue_list": (ALLOWED, DENIED, DENIED, ALLOWED, LOGIN),
    "passes:venue_create": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
    "passes:settings": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
    "passes:statistics": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
    "passes:redemption_list": (ALLOWED, DENIED, DENIED, DENIED, LOGIN),
    "passes:counter": (DENIED, ALLOWED, DENIED, DENIED, LOGIN),
    "passes:counter_history": (DENIED, ALLOWED, DENIED, DENIED, LOGIN),
    "passes:programme": (ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED),
    "passes:apply": (ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED),
}


@pytest.mark.parametrize("view_name", MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=lambda i: ROLES[i] or "anonymous")
def test_each_role_gets_what_it_may(request, login, a_pass, venue_a, view_name, role_index):
    role = ROLES[role_index]
    client = login(request.getfixturevalue(role) if role else None)
    args = [a_pass.pk] if view_name == "passes:pass_detail" else []

    response = client.get(reverse(view_name, args=args))

    expected = MATRIX[view_name][role_index]
    assert response.status_code == {ALLOWED: 200, DENIED: 403, LOGIN: 302}[expected]


def scan(client, senior_pass):
    return client.get(reverse("passes:check", args=[services.pass_token(senior_pass)]))


def test_a_venue_scans_a_valid_pass_and_sees_only_the_first_name(login, venue_user_a, a_pass):
    response = scan(login(venue_user_a), a_pass)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Halina" in html
    assert "Żurawska" not in html and "1950" not in html and "600100001" not in html
    assert "verdict-valid" in html


def test_recording_lowers_the_allowance_and_resending_counts_once(login, venue_user_a, a_pass):
    client = login(venue_user_a)
    token = scan(client, a_pass).context["redeem_token"]

    first = client.post(reverse("passes:redeem"), {"token": token})
    again = client.post(reverse("passes:redeem"), {"token": token})  # a reload or a retry
    client.get(first["Location"])  # reloading the result page records nothing either

    assert first.status_code == 302 and again.status_code == 302
    assert Redemption.objects.count() == 1
    assert scan(client, a_pass).context["check"].uses_left == 3


def test_a_button_from_another_venue_or_a_made_up_one_records_nothing(
    login, venue_user_a, venue_user_b, a_pass
):
    token_for_a = scan(login(venue_user_a), a_pass).context["redeem_token"]

    at_b = login(venue_user_b).post(reverse("passes:redeem"), {"token": token_for_a})
    made_up = login(venue_user_b).post(reverse("passes:redeem"), {"token": "1:2:3"})

    for response in (at_b, made_up):
        assert response.status_code == 200
        assert response.context["check"].valid is False
        assert "Halina" not in response.content.decode()
    assert not Redemption.objects.exists()


def test_a_forged_code_shows_not_valid(login, venue_user_a, a_pass):
    response = login(venue_user_a).get(reverse("passes:check", args=["forged-token"]))

    assert "verdict-invalid" in response.content.decode()
    assert response.context["check"].valid is False


def test_typing_a_number_checks_it_and_a_malformed_one_is_explained(login, venue_user_a, a_pass):
    client = login(venue_user_a)

    good = client.get(reverse("passes:counter"), {"number": a_pass.number.lower()})
    bad = client.get(reverse("passes:counter"), {"number": "1234"})
    unknown = client.get(reverse("passes:counter"), {"number": "SPS-2001-9999"})

    assert good.context["check"].valid
    assert bad.status_code == 200 and 'id="error_1_id_number"' in bad.content.decode()
    assert unknown.context["check"].valid is False


def test_a_venue_sees_only_its_own_redemptions(
    login, venue_user_a, venue_user_b, venue_a, venue_b, a_pass
):
    services.redemption_record(pass_id=a_pass.pk, venue_id=venue_b.pk, recorded_by=venue_user_b)

    html = login(venue_user_a).get(reverse("passes:counter_history")).content.decode()

    assert a_pass.number not in html


def test_a_user_without_a_venue_cannot_record(login, partner_a, venue_user_a, a_pass):
    token = scan(login(venue_user_a), a_pass).context["redeem_token"]

    response = login(partner_a).post(reverse("passes:redeem"), {"token": token})

    assert response.status_code == 403
    assert not Redemption.objects.exists()


def test_staff_opening_a_qr_link_land_on_the_pass(login, staff, a_pass):
    response = scan(login(staff), a_pass)

    assert response.status_code == 302
    assert response["Location"] == a_pass.get_absolute_url()


def test_the_public_application_lands_in_the_queue(client, programme):
    response = client.post(
        reverse("passes:apply"),
        {
            "first_name": "Halina",
            "last_name": "Żurawska",
            "birth_year": "1950",
            "phone": "601 200 300",
            "call_back": "on",
            "consent": "on",
            "hp_check": "",
        },
    )

    assert response.status_code == 302
    assert "/senior-friend/apply/thanks/" in response["Location"]
    application = PassApplication.objects.get()
    assert (application.phone, application.call_back) == ("601200300", True)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"birth_year": "2090"}, "birth_year"),
        ({"phone": "", "email": ""}, None),
        ({"consent": ""}, "consent"),
    ],
)
def test_bad_applications_are_explained_and_nothing_is_saved(client, programme, overrides, field):
    data = {
        "first_name": "Halina",
        "last_name": "Ż",
        "birth_year": "1950",
        "phone": "601200300",
        "consent": "on",
        "hp_check": "",
        **overrides,
    }

    response = client.post(reverse("passes:apply"), data)

    assert response.status_code == 200
    if field:
        assert f'id="error_1_id_{field}"' in response.content.decode()
    assert not PassApplication.objects.exists()


def test_a_too_young_applicant_is_told_why(client, programme):
    response = client.post(
        reverse("passes:apply"),
        {
            "first_name": "Jan",
            "last_name": "Młody",
            "birth_year": "1990",
            "phone": "601200300",
            "consent": "on",
        },
    )

    assert pl("The pass is for people aged %(age)s and over.", age=60) in response.content.decode()
    assert not PassApplication.objects.exists()


def test_the_honeypot_stops_bots(client, programme):
    client.post(
        reverse("passes:apply"),
        {
            "first_name": "Bot",
            "last_name": "Bot",
            "birth_year": "1950",
            "phone": "601200300",
            "consent": "on",
            "hp_check": "http://spam",
        },
    )

    assert not PassApplication.objects.exists()


def test_staff_issue_from_an_application_and_replace_a_lost_pass(login, staff, programme):
    application = services.application_create(person=senior(5), call_back=False, message="")
    client = login(staff)

    client.post(
        reverse("passes:application_issue", args=[application.pk]),
        {
            "first_name": "Halina",
            "last_name": "Żurawska5",
            "birth_year": "1950",
            "gender": "woman",
            "phone": "600100005",
            "district": "Jeziorany",
        },
    )
    issued = SeniorPass.objects.get()
    response = client.post(
        reverse("passes:pass_action", args=[issued.pk, "replace"]), {"note": "zgubiony"}
    )

    new = SeniorPass.objects.exclude(pk=issued.pk).get()
    assert response["Location"] == new.get_absolute_url()
    issued.refresh_from_db()
    assert issued.status == "replaced"


def test_statistics_use_the_same_number_of_queries_whatever_the_data(
    login,
    staff,
    venue_a,
    venue_b,
    programme,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    client = login(staff)
    with django_assert_max_num_queries(30) as baseline:
        client.get(reverse("passes:statistics"))
    for n in range(30):
        senior_pass = services.pass_issue(
            person=senior(n, district=f"Osiedle {n % 5}"), issued_by=staff
        )
        services.redemption_record(
            pass_id=senior_pass.pk, venue_id=(venue_a if n % 2 else venue_b).pk, recorded_by=None
        )

    with django_assert_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse("passes:statistics"))

    assert response.context["active_total"] == 30


def test_the_pass_list_uses_the_same_number_of_queries_for_few_or_many(
    login, staff, programme, django_assert_num_queries, django_assert_max_num_queries
):
    client = login(staff)
    services.pass_issue(person=senior(900), issued_by=staff)
    with django_assert_max_num_queries(30) as baseline:
        client.get(reverse("passes:pass_list"))
    for n in range(40):
        services.pass_issue(person=senior(n), issued_by=staff)

    with django_assert_num_queries(len(baseline.captured_queries)):
        client.get(reverse("passes:pass_list"), {"age_band": "70-79"})


def test_staff_see_every_venues_redemptions_in_constant_queries(
    login,
    staff,
    venue_a,
    venue_b,
    programme,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    client = login(staff)
    first = services.pass_issue(person=senior(800), issued_by=staff)
    services.redemption_record(pass_id=first.pk, venue_id=venue_a.pk, recorded_by=None)
    with django_assert_max_num_queries(30) as baseline:
        client.get(reverse("passes:redemption_list"))
    for n in range(30):
        senior_pass = services.pass_issue(person=senior(n), issued_by=staff)
        services.redemption_record(pass_id=senior_pass.pk, venue_id=venue_b.pk, recorded_by=None)

    with django_assert_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse("passes:redemption_list"))

    assert response.context["page"].paginator.count == 31
    only_a = client.get(reverse("passes:redemption_list"), {"venue": venue_a.pk})
    assert [r.senior_pass for r in only_a.context["page"]] == [first]


def test_venue_staff_are_invited_only_for_a_partner_venue(login, staff, venue_a, organisation_b):
    from calportal.accounts.models import User
    from calportal.accounts.roles import Role

    client = login(staff)
    refused = client.post(
        reverse("accounts:user_invite"),
        {
            "full_name": "Ewa",
            "email": "ewa@example.org",
            "role": Role.VENUE_STAFF.value,
            "organisation": organisation_b.pk,
        },
    )
    venue_a.organisation.is_partner = True
    venue_a.organisation.save()
    accepted = client.post(
        reverse("accounts:user_invite"),
        {
            "full_name": "Ola",
            "email": "ola@example.org",
            "role": Role.VENUE_STAFF.value,
            "organisation": venue_a.organisation.pk,
        },
    )

    assert refused.status_code == 200
    assert accepted.status_code == 302
    assert User.objects.get(email="ola@example.org").organisation == venue_a.organisation
    assert not User.objects.filter(email="ewa@example.org").exists()


def test_districts_typed_differently_are_counted_together(login, staff, programme):
    for n, district in enumerate(["Centrum", "centrum ", "Jeziorany"]):
        services.pass_issue(person=senior(n, district=district), issued_by=staff)

    rows = login(staff).get(reverse("passes:statistics")).context["by_district"]

    assert [(row["district"], row["count"]) for row in rows] == [("centrum", 2), ("jeziorany", 1)]
