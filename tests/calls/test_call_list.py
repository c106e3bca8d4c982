"""The call list as staff use it: who is on it, in which order, and what each button does."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from calportal.calls import services
from calportal.calls.models import CallAttempt, CallItem, CallOutcome, CallReason, CallStatus
from tests.calls.conftest import add_item

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
# Half past midnight in Warsaw is still the previous day in UTC: "tomorrow" must be local.
AFTER_MIDNIGHT = datetime.datetime(2026, 12, 2, 0, 30, tzinfo=WARSAW)

LIST_EN = "/en/calls/"


def outcome_url(item) -> str:
    with translation.override("en"):
        return reverse("calls:outcome", args=[item.pk])


def names_on_page(response) -> list[str]:
    return [item.name for _reason, items in response.context["groups"] for item in items]


def post_outcome(client, item, outcome, note=""):
    return client.post(outcome_url(item), {"outcome": outcome, "note": note}, follow=True)


def test_items_are_grouped_by_reason_in_order_and_oldest_first(login, staff):
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=WARSAW)):
        old_reminder = add_item(CallReason.REMINDER, name="Reminder Old")
        old_pass = add_item(CallReason.PASS_READY, name="Pass Old")
    with time_machine.travel(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=WARSAW)):
        new_pass = add_item(CallReason.PASS_READY, name="Pass New")
        promoted = add_item(CallReason.PROMOTED, name="Promoted")
        new_reminder = add_item(CallReason.REMINDER, name="Reminder New")
    with time_machine.travel(datetime.datetime(2026, 11, 26, 9, 0, tzinfo=WARSAW)):
        response = login(staff).get(LIST_EN)

    assert [reason for reason, _items in response.context["groups"]] == [
        CallReason.PROMOTED,
        CallReason.REMINDER,
        CallReason.PASS_READY,
    ]
    assert names_on_page(response) == [
        promoted.name,
        old_reminder.name,
        new_reminder.name,
        old_pass.name,
        new_pass.name,
    ]
    html = response.content.decode()
    # A heading per reason, in the same order, and each row's script and tap-to-call number.
    assert (
        html.index("Got a place from the waiting list")
        < html.index("Reminder: the event is tomorrow")
        < html.index("Senior pass ready to collect")
    )
    assert promoted.script in html
    assert f'href="tel:+48{promoted.phone}"' in html
    assert "5 calls to make today" in html


def test_an_item_due_later_is_not_on_todays_list_but_counted(login, staff):
    today_item = add_item(name="Today Person")
    later = add_item(name="Later Person")
    CallItem.objects.filter(pk=later.pk).update(due_on=later.due_on + datetime.timedelta(days=1))

    response = login(staff).get(LIST_EN)

    assert names_on_page(response) == [today_item.name]
    assert "1 tried already, due again on a later day" in response.content.decode()


def test_reached_records_the_call_and_the_item_disappears(login, staff):
    item = add_item(name="Helena Reached")

    response = post_outcome(login(staff), item, CallOutcome.REACHED, note="  Przyjdzie.  ")

    assert response.redirect_chain == [(LIST_EN, 302)]
    html = response.content.decode()
    assert "Recorded: Helena Reached was reached. The call is done." in html
    assert "Helena Reached</h3>" not in html
    item.refresh_from_db()
    assert item.status == CallStatus.DONE
    attempt = CallAttempt.objects.get(item=item)
    assert (attempt.outcome, attempt.note, attempt.by) == (CallOutcome.REACHED, "Przyjdzie.", staff)


def test_the_polish_page_goes_back_to_the_polish_list(login, staff):
    item = add_item(name="Helena Polska")

    with translation.override("pl"):
        url = reverse("calls:outcome", args=[item.pk])

    response = login(staff).post(url, {"outcome": "reached"}, follow=True)

    assert response.redirect_chain == [("/calls/", 302)]
    assert "Helena Polska" in response.content.decode()  # named in the message
    assert names_on_page(response) == []


def test_message_left_closes_the_item(login, staff):
    item = add_item(name="Jan Message")

    response = post_outcome(login(staff), item, CallOutcome.MESSAGE_LEFT)

    assert "a message was left for Jan Message" in response.content.decode()
    assert names_on_page(response) == []
    item.refresh_from_db()
    assert item.status == CallStatus.DONE


def test_not_reached_moves_the_item_to_the_next_local_day(login, staff):
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        item = add_item(name="Zenon Away")
        client = login(staff)

        response = post_outcome(client, item, CallOutcome.NOT_REACHED)

        html = response.content.decode()
        assert "Zenon Away was not reached. They are on the list again tomorrow." in html
        assert names_on_page(response) == []
        assert "1 tried already, due again on a later day" in html
        item.refresh_from_db()
        assert item.due_on == datetime.date(2026, 12, 3)
        assert item.status == CallStatus.OPEN

    with time_machine.travel(AFTER_MIDNIGHT + datetime.timedelta(days=1), tick=False):
        response = login(staff).get(LIST_EN)  # a new working day, a new session

        assert names_on_page(response) == ["Zenon Away"]
        assert "not reached 1 time so far" in response.content.decode()


def test_not_reached_three_times_flags_the_item_visibly(login, staff):
    with time_machine.travel(AFTER_MIDNIGHT, tick=False) as traveller:
        item = add_item(name="Irena Flag")
        client = login(staff)
        for _day in range(2):
            post_outcome(client, item, CallOutcome.NOT_REACHED)
            traveller.shift(datetime.timedelta(days=1))
            client = login(staff)  # a new working day, a new session
            response = client.get(LIST_EN)
            assert "Flagged" not in response.content.decode()

        response = post_outcome(client, item, CallOutcome.NOT_REACHED)
        assert "not reached (3 times now)" in response.content.decode()
        assert "flagged: try another way to reach them" in response.content.decode()

        traveller.shift(datetime.timedelta(days=1))
        response = login(staff).get(LIST_EN)

    html = response.content.decode()
    assert names_on_page(response) == ["Irena Flag"]
    assert "call-card-flagged" in html
    assert "<strong>Flagged:</strong> not reached 3 times" in html
    assert 'class="call-flag-icon" aria-hidden="true"' in html
    item.refresh_from_db()
    assert (item.flagged, item.not_reached, item.status) == (True, 3, CallStatus.OPEN)


def test_a_wrong_number_stays_on_the_list_flagged_until_told_another_way(login, staff):
    item = add_item(name="Adam Wrong")

    response = post_outcome(login(staff), item, CallOutcome.WRONG_NUMBER)

    assert "wrong number for Adam Wrong" in response.content.decode()
    assert names_on_page(response) == ["Adam Wrong"]
    item.refresh_from_db()
    assert (item.status, item.flagged) == (CallStatus.OPEN, True)

    post_outcome(login(staff), item, CallOutcome.REACHED)  # through his daughter
    item.refresh_from_db()
    assert item.status == CallStatus.DONE


def test_an_item_someone_else_closed_meanwhile_is_a_message_not_an_error(login, staff, team_member):
    item = add_item(name="Both Called")
    client = login(staff)
    client.get(LIST_EN)  # the page is open with the item on it …
    services.record_outcome(item_id=item.pk, outcome=CallOutcome.REACHED, by=team_member)

    response = post_outcome(client, item, CallOutcome.REACHED)  # … and staff press "Reached"

    assert response.status_code == 200
    assert "Someone else has already recorded this call." in response.content.decode()
    assert CallAttempt.objects.filter(item=item).count() == 1


def test_an_item_no_longer_needed_is_a_message_not_an_error(login, staff, organisation_a):
    participant = organisation_a  # any record the item is about
    item = add_item(name="Gone Away", regarding=participant)
    services.close_regarding(participant)

    response = post_outcome(login(staff), item, CallOutcome.NOT_REACHED)

    assert "Someone else has already recorded this call." in response.content.decode()
    assert not CallAttempt.objects.filter(item=item).exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"outcome": "phoned"}, {"outcome": "reached", "note": "x" * 301}, {"outcome": "a\x00b"}],
    ids=["no-outcome", "unknown-outcome", "note-too-long", "nul"],
)
def test_a_bad_submission_is_a_message_and_records_nothing(login, staff, data):
    item = add_item()

    response = login(staff).post(outcome_url(item), data, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(LIST_EN, 302)]
    assert 'class="alert alert-danger"' in response.content.decode()
    assert not CallAttempt.objects.exists()
    item.refresh_from_db()
    assert item.status == CallStatus.OPEN


def test_the_outcome_buttons_are_labelled_posts_with_csrf(login, staff):
    item = add_item(name="Form Person")

    html = login(staff).get(LIST_EN).content.decode()

    assert f'method="post" action="{outcome_url(item)}"' in html
    assert "csrfmiddlewaretoken" in html
    for label in ("Reached", "Left a message", "Not reached — try again tomorrow", "Wrong number"):
        assert f">{label}</button>" in html
    assert f'<label class="form-label" for="note-{item.pk}">Note (optional)</label>' in html


def test_the_list_says_so_when_nobody_is_to_be_called(login, staff):
    response = login(staff).get(LIST_EN)

    assert "Nobody to call today." in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _fill(count, group=None, organisation=None, staff=None):
    reasons = list(CallReason.values)
    for index in range(count):
        item = add_item(reasons[index % len(reasons)], group=group, organisation=organisation)
        if staff is not None:
            services.record_outcome(item_id=item.pk, outcome=CallOutcome.NOT_REACHED, by=staff)
            CallItem.objects.filter(pk=item.pk).update(due_on=item.due_on)


def test_the_list_and_the_history_take_as_many_queries_for_3_items_as_for_30(login, staff):
    client = login(staff)
    client.get(LIST_EN)  # sessions, permissions: warm
    _fill(3, staff=staff)
    few = (_queries(client, LIST_EN), _queries(client, "/en/calls/history/"))

    _fill(27, staff=staff)
    many = (_queries(client, LIST_EN), _queries(client, "/en/calls/history/"))

    assert few == many


def test_the_history_shows_who_called_when_and_how_it_went(login, staff, team_member):
    item = add_item(name="History Person")
    services.record_outcome(
        item_id=item.pk, outcome=CallOutcome.NOT_REACHED, by=team_member, note="Nie odbiera"
    )
    services.record_outcome(item_id=item.pk, outcome=CallOutcome.REACHED, by=staff)

    response = login(staff).get("/en/calls/history/")

    html = response.content.decode()
    assert [a.outcome for a in response.context["page"].object_list] == [
        CallOutcome.REACHED,
        CallOutcome.NOT_REACHED,
    ]
    assert "Tadeusz Team" in html and "Anna Staff" in html
    assert "Nie odbiera" in html
    assert "Not reached — try again tomorrow" in html


def test_the_history_goes_back_30_days_and_is_paginated(login, staff):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=31)):
        old = add_item(name="Too Old")
        services.record_outcome(item_id=old.pk, outcome=CallOutcome.REACHED, by=staff)
    _fill(26, staff=staff)

    client = login(staff)
    first = client.get("/en/calls/history/")
    second = client.get("/en/calls/history/?page=2")
    beyond = client.get("/en/calls/history/?page=x")

    assert first.context["page"].paginator.count == 26
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 1
    assert beyond.status_code == 200
    assert "Too Old" not in first.content.decode() + second.content.decode()
    assert "Page 1 of 2" in first.content.decode()


def test_an_item_with_a_reason_no_longer_listed_still_shows(login, staff):
    item = add_item(name="Old Reason")
    CallItem.objects.filter(pk=item.pk).update(reason="retired_reason")

    response = login(staff).get(LIST_EN)

    assert response.status_code == 200
    assert names_on_page(response) == ["Old Reason"]
    assert "retired_reason" in response.content.decode()
