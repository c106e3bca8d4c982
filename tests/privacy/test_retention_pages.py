"""The retention pages: who may read them (the DPO and the OPS staff who handle data
protection), who may change a period or start a dry run (only the latter), everyone else
refused; a period change is recorded with who made it; list pages in constant queries."""

import datetime

import pytest
from django.urls import reverse

from calportal.privacy.models import RetentionRule, RetentionRun

pytestmark = pytest.mark.django_db

PAGES = [
    ("privacy:retention", []),
    ("privacy:retention_dry_run", []),
    ("privacy:retention_due_soon", []),
    ("privacy:retention_runs", []),
]


def url(name, args=()):
    return reverse(name, args=args)


@pytest.mark.parametrize("name,args", PAGES)
def test_the_dpo_and_the_data_officer_read_every_page(login, dpo, data_officer, name, args):
    for user in (dpo, data_officer):
        assert login(user).get(url(name, args)).status_code == 200


@pytest.mark.parametrize("name,args", PAGES)
def test_staff_without_the_role_partners_and_team_members_are_refused(
    login, staff, partner_a, team_member, name, args
):
    for user in (staff, partner_a, team_member):
        assert login(user).get(url(name, args)).status_code == 403


@pytest.mark.parametrize("name,args", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(login, roles, name, args):
    response = login(None).get(url(name, args))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_table_lists_every_rule_with_its_period(login, dpo):
    from calportal.privacy.rules import RULES

    response = login(dpo).get("/en" + url("privacy:retention").removeprefix("/pl"))
    content = response.content.decode()
    assert response.status_code == 200
    for spec in RULES.values():
        assert str(spec.provision) in content.replace("&#x27;", "'")
    # The DPO sees no link to change a period.
    assert url("privacy:retention_rule_edit", ["accessibility_needs"]) not in content


def test_the_data_officer_changes_a_period_and_it_is_recorded(login, data_officer):
    client = login(data_officer)
    edit = url("privacy:retention_rule_edit", ["accessibility_needs"])
    assert edit in client.get(url("privacy:retention")).content.decode()
    assert client.get(edit).status_code == 200

    response = client.post(edit, {"amount": "45", "unit": "days"})

    assert response.status_code == 302
    rule = RetentionRule.objects.get(code="accessibility_needs")
    assert (rule.amount, rule.unit, rule.updated_by) == (45, "days", data_officer)


def test_a_period_too_long_is_refused_with_a_clear_error_and_nothing_saved(login, data_officer):
    edit = url("privacy:retention_rule_edit", ["accessibility_needs"])
    response = login(data_officer).post(edit, {"amount": "999", "unit": "years"})
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert RetentionRule.objects.get(code="accessibility_needs").amount == 30


def test_the_agreement_unit_cannot_be_chosen_nor_the_projects_rule_edited(login, data_officer):
    client = login(data_officer)
    edit = url("privacy:retention_rule_edit", ["accessibility_needs"])
    response = client.post(edit, {"amount": "1", "unit": "agreement"})
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert (
        client.get(url("privacy:retention_rule_edit", ["project_registration"])).status_code == 404
    )
    assert client.get(url("privacy:retention_rule_edit", ["no_such_rule"])).status_code == 404


def test_the_dpo_cannot_change_a_period_nor_start_a_dry_run(login, dpo):
    client = login(dpo)
    edit = url("privacy:retention_rule_edit", ["accessibility_needs"])
    assert client.post(edit, {"amount": "1", "unit": "days"}).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(url("privacy:retention_dry_run")).status_code == 403
    assert RetentionRule.objects.get(code="accessibility_needs").amount == 30
    assert not RetentionRun.objects.exists()


def test_others_cannot_post_either(login, staff, partner_a, team_member):
    edit = url("privacy:retention_rule_edit", ["accessibility_needs"])
    for user in (staff, partner_a, team_member):
        client = login(user)
        assert client.post(edit, {"amount": "1", "unit": "days"}).status_code == 403
        assert client.post(url("privacy:retention_dry_run")).status_code == 403
    assert not RetentionRun.objects.exists()


def test_the_data_officer_starts_a_dry_run_and_sees_its_counts(login, data_officer, dpo):
    response = login(data_officer).post(url("privacy:retention_dry_run"))
    run = RetentionRun.objects.get()
    assert run.dry_run and run.started_by == data_officer
    assert response.status_code == 302 and response["Location"] == url(
        "privacy:retention_run", [run.pk]
    )
    # The DPO reads it, on its page and as the last dry run.
    client = login(dpo)
    assert client.get(url("privacy:retention_run", [run.pk])).status_code == 200
    assert client.get(url("privacy:retention_dry_run")).context["run"] == run


def test_an_unknown_run_is_not_found_and_a_bad_page_number_is_no_error(login, dpo):
    client = login(dpo)
    assert client.get(url("privacy:retention_run", [987654])).status_code == 404
    assert client.get(url("privacy:retention_runs") + "?page=abc").status_code == 200
    assert client.get(url("privacy:retention_runs") + "?page=99999").status_code == 200


def test_the_dry_run_page_refuses_other_methods(login, data_officer):
    assert login(data_officer).put(url("privacy:retention_dry_run")).status_code == 405


def _runs(count):
    RetentionRun.objects.bulk_create(
        RetentionRun(
            counts={"registration": n, "accessibility_needs": 1},
            small_cells=[
                {
                    "year": 2025,
                    "area": "not_given",
                    "gender": "woman",
                    "age_band": "60-64",
                    "persons": 1,
                }
            ],
            finished_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        )
        for n in range(count)
    )


def test_the_runs_page_takes_as_many_queries_for_30_runs_as_for_3(
    login, dpo, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(dpo)
    _runs(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("privacy:retention_runs")).status_code == 200
    _runs(27)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("privacy:retention_runs")).status_code == 200
    assert len(many) == len(few)
    with django_assert_max_num_queries(len(few)):
        client.get(url("privacy:retention_runs") + "?page=2")


def test_the_rules_table_takes_a_fixed_number_of_queries(login, dpo, data_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(dpo)
    with CaptureQueriesContext(connection) as before:
        client.get(url("privacy:retention"))
    for rule in RetentionRule.objects.all():
        rule.updated_by = data_officer
        rule.save()
    with CaptureQueriesContext(connection) as after:
        client.get(url("privacy:retention"))
    assert len(after) == len(before)


def test_the_due_soon_page_takes_as_many_queries_for_many_records_as_for_few(login, dpo):
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from initiatives.models import Registration
    from tests.factories import EventFactory, ParticipantFactory

    def needs(count):
        starts = datetime.datetime(2026, 3, 10, 10, tzinfo=datetime.UTC)
        event = EventFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
        for _ in range(count):
            Registration.objects.create(
                event=event,
                participant=ParticipantFactory(),
                status="confirmed",
                accessibility_needs="Winda",
            )

    client = login(dpo)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=datetime.UTC)):
        needs(2)
        with CaptureQueriesContext(connection) as few:
            response = client.get(url("privacy:retention_due_soon"))
        assert response.context["items"][0]["count"] >= 2
        needs(20)
        with CaptureQueriesContext(connection) as many:
            client.get(url("privacy:retention_due_soon"))
    assert len(many) == len(few)


def test_a_runs_page_names_the_areas_of_its_small_cells(login, dpo):
    from resources_map.models import Area

    area = Area.objects.create(name="Osiedle Jeziorany", kind="district")
    run = RetentionRun.objects.create(
        counts={"registration": 1},
        small_cells=[
            {"year": 2025, "area": area.pk, "gender": "woman", "age_band": "70-74", "persons": 1}
        ],
    )
    page = login(dpo).get(url("privacy:retention_run", [run.pk])).content.decode()
    assert "Osiedle Jeziorany" in page and "70-74" in page
