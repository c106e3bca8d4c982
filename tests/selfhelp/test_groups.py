"""Asking to join, the facilitator's work, erasure and the anonymous figures."""

import datetime

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import timezone

from calportal.accounts.roles import Role
from selfhelp.models import GroupStatus, JoinRequest, Meeting, Member, RequestStatus
from tests.factories import UserFactory
from tests.initiatives.conftest import pl
from tests.selfhelp.conftest import join_data, make_meeting, make_member, make_request


def test_a_resident_asks_to_join_and_the_email_says_nothing_of_the_group(
    client, group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("selfhelp:group_public", args=[group.slug]), join_data())

    join_request = JoinRequest.objects.get()
    assert response.status_code == 302
    assert join_request.status == RequestStatus.NEW
    message = mail.outbox[0]
    assert message.to == ["ela@example.org"]
    assert message.subject == pl("Your message to the Local Activity Centre")
    for revealing in (group.name, "żałob", "Żałob", group.get_topic_display(), "grup", "Grup"):
        assert revealing not in message.subject
    assert group.name not in message.body


def test_a_full_group_offers_and_uses_the_waiting_list(client, group):
    group.max_size = 2
    group.save()
    make_member(group, "A")
    make_member(group, "B")

    page = client.get(reverse("selfhelp:group_public", args=[group.slug])).content.decode()
    client.post(reverse("selfhelp:group_public", args=[group.slug]), join_data())

    assert pl("Ask to be put on the waiting list") in page
    assert JoinRequest.objects.get().status == RequestStatus.WAITING


def test_a_closed_group_explains_and_takes_no_requests(client, group):
    group.status = GroupStatus.CLOSED
    group.save()

    page = client.get(reverse("selfhelp:group_public", args=[group.slug]))
    posted = client.post(reverse("selfhelp:group_public", args=[group.slug]), join_data())

    assert page.status_code == 200
    assert pl("This group has finished meeting and does not take new requests.") in (
        page.content.decode()
    )
    assert "<form" not in page.content.decode().split("<main", 1)[1]
    assert posted.status_code == 200
    assert not JoinRequest.objects.exists()
    listing = client.get(reverse("selfhelp:group_list")).content.decode()
    assert group.name not in listing


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"email": "", "phone": ""},
            "Give a phone number or an e-mail address, so that we can contact you.",
        ),
        ({"contact_way": "phone"}, "You asked us to call: give your phone number."),
        ({"consent": ""}, "Please tick the consent: without it we cannot contact you."),
        (
            {"message": "x" * 1001},
            "Please keep the message under 1,000 characters; you can tell us more when we talk.",
        ),
        ({"first_name": ""}, None),
    ],
)
def test_a_bad_request_is_explained_and_nothing_is_saved(client, group, changes, message):
    response = client.post(
        reverse("selfhelp:group_public", args=[group.slug]), join_data(**changes)
    )

    assert response.status_code == 200
    if message:
        assert pl(message) in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_the_honeypot_stops_bots(client, group):
    client.post(reverse("selfhelp:group_public", args=[group.slug]), join_data(hp_check="spam"))
    assert not JoinRequest.objects.exists()


def test_the_facilitator_accepts_a_request_into_the_group(login, facilitator, group):
    join_request = make_request(group)
    client = login(facilitator)

    client.post(reverse("selfhelp:request_action", args=[join_request.pk, "contacted"]))
    client.post(
        reverse("selfhelp:request_action", args=[join_request.pk, "accept"]), {"last_name": "K."}
    )

    member = Member.objects.get()
    join_request.refresh_from_db()
    assert join_request.status == RequestStatus.JOINED
    assert (member.first_name, member.last_name, member.request) == ("Elżbieta", "K.", join_request)


def test_a_full_group_accepts_nobody_more(login, facilitator, group):
    group.max_size = 2
    group.save()
    make_member(group, "A")
    make_member(group, "B")
    join_request = make_request(group, status=RequestStatus.WAITING)

    response = login(facilitator).post(
        reverse("selfhelp:request_action", args=[join_request.pk, "accept"]), follow=True
    )

    assert group.members.count() == 2
    assert JoinRequest.objects.get().status == RequestStatus.WAITING
    assert "2" in response.content.decode()


def test_declining_sends_the_kind_message_with_a_neutral_subject(
    login, facilitator, group, django_capture_on_commit_callbacks
):
    join_request = make_request(group, email="ela@example.org", contact_way="email")

    with django_capture_on_commit_callbacks(execute=True):
        login(facilitator).post(
            reverse("selfhelp:request_action", args=[join_request.pk, "decline"]),
            {"message": "Dziękujemy za zaufanie. Zapraszamy do rozmowy w OPS."},
        )

    join_request.refresh_from_db()
    assert join_request.status == RequestStatus.DECLINED
    assert mail.outbox[0].subject == pl("Your message to the Local Activity Centre")
    assert "Zapraszamy do rozmowy w OPS." in mail.outbox[0].body


def test_the_facilitator_plans_a_term_of_meetings(login, facilitator, group):
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    start = monday + datetime.timedelta(days=7)
    client = login(facilitator)

    client.post(
        reverse("selfhelp:meetings_generate", args=[group.pk]),
        {"start": start.isoformat(), "end": (start + datetime.timedelta(days=55)).isoformat()},
    )
    client.post(
        reverse("selfhelp:meetings_generate", args=[group.pk]),
        {"start": start.isoformat(), "end": (start + datetime.timedelta(days=55)).isoformat()},
    )

    days = [timezone.localtime(m.starts_at) for m in Meeting.objects.order_by("starts_at")]
    assert len(days) == 4  # every two weeks on Tuesday, not repeated by the second click
    assert {day.weekday() for day in days} == {1}
    assert {day.hour for day in days} == {17}


def test_attendance_counts_only_the_groups_members(login, facilitator, group, other_group):
    meeting = make_meeting(group)
    present = make_member(group, "Halina")
    make_member(group, "Jerzy")
    stranger = make_member(other_group, "Obcy")

    login(facilitator).post(
        reverse("selfhelp:meeting_detail", args=[meeting.pk]),
        {
            "attended": [present.pk, stranger.pk, "x"],
            "outcome": "held",
            "topic": "Święta",
            "notes": "Dobrze",
        },
    )

    meeting.refresh_from_db()
    assert list(meeting.attendees.all()) == [present]
    assert meeting.held and meeting.notes == "Dobrze"


def _text_values() -> str:
    """Every text value in the self-help tables, to search for anything left of a person."""
    values = []
    for model in apps.get_app_config("selfhelp").get_models():
        fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField | models.EmailField)
        ]
        if fields:
            for row in model.objects.values_list(*fields):
                values.extend(str(value) for value in row)
    return " ".join(values)


def test_erasing_a_former_member_leaves_nothing_of_theirs_but_the_counts(
    login, facilitator, overseer, group
):
    join_request = make_request(
        group, "Zuzanna", email="zuzanna.p@example.org", phone="609876543", note="Po stracie syna"
    )
    client = login(facilitator)
    client.post(
        reverse("selfhelp:request_action", args=[join_request.pk, "accept"]),
        {"last_name": "Pokorna"},
    )
    member = Member.objects.get()
    meeting = make_meeting(group, held=True)
    meeting.attendees.add(member)

    refused = client.post(reverse("selfhelp:member_action", args=[member.pk, "erase"]), follow=True)
    assert "Zuzanna" in _text_values()  # a current member cannot be erased
    assert refused.status_code == 200

    client.post(
        reverse("selfhelp:member_action", args=[member.pk, "leave"]),
        {"left_on": timezone.localdate().isoformat()},
    )
    client.post(reverse("selfhelp:member_action", args=[member.pk, "erase"]))

    text = _text_values()
    for trace in (
        "Zuzanna",
        "Pokorna",
        "zuzanna.p@example.org",
        "609876543",
        "Po stracie syna",
        "Straciłam",
    ):
        assert trace not in text
    today = timezone.localdate()
    period = {"timeframe": "custom", "start": f"{today.year - 1}-01-01", "end": str(today)}
    dataset = login(overseer).get(reverse("selfhelp:figures"), period).context["dataset"]
    table = dataset["sections"][0]["tables"][0]  # R10: meetings and members per group
    row = next(r for r in table["rows"] if r["key"] == str(group.pk))
    values = {
        c["key"]: cell["value"] for c, cell in zip(table["columns"], row["cells"], strict=True)
    }
    assert values["held"] == 1 and values["SH3"] == 1.0
    assert values["joined"] == 1 and values["left"] == 1


def test_a_declined_request_can_be_erased(login, facilitator, group):
    join_request = make_request(group, "Zenon", status=RequestStatus.DECLINED)

    login(facilitator).post(reverse("selfhelp:request_action", args=[join_request.pk, "erase"]))

    assert "Zenon" not in _text_values()
    assert JoinRequest.objects.get().erased_at is not None


def test_figures_count_meetings_attendance_and_new_members_without_names(login, staff, group):
    members = [
        make_member(group, name) for name in ("Apolonia", "Bogumiła", "Celestyna", "Dobrosława")
    ]
    for days_ago, present in ((21, members[:3]), (7, members[:1])):
        meeting = make_meeting(group, days_ago=days_ago, held=True)
        meeting.attendees.set(present)
    make_meeting(group, days_ago=-7)  # planned, not held

    today = timezone.localdate()
    period = {"timeframe": "custom", "start": f"{today.year - 1}-01-01", "end": str(today)}
    coordinator = UserFactory(email="koordynacja@example.org", role=Role.SELFHELP_COORDINATOR)
    dataset = login(coordinator).get(reverse("selfhelp:figures"), period).context["dataset"]

    table = dataset["sections"][0]["tables"][0]  # R10: meetings and members per group
    row = next(r for r in table["rows"] if r["key"] == str(group.pk))
    values = {
        c["key"]: cell["value"] for c, cell in zip(table["columns"], row["cells"], strict=True)
    }
    assert (values["stock"], values["held"], values["SH3"]) == (4, 2, 2.0)
    # OPS staff: by topic with k = 5 (4 members are "< 5"), no group's name.
    body = login(staff).get(reverse("selfhelp:figures"), period).content.decode()
    assert "Apolonia" not in body and "Bogumiła" not in body and group.name not in body
    assert "&lt; 5" in body


# --- Found in review ----------------------------------------------------------------------------


def test_only_the_groups_coordinator_hands_a_group_to_another_facilitator(
    login, staff, overseer, facilitator, group
):
    data = {
        "name": group.name,
        "slug": group.slug,
        "topic": group.topic,
        "description": group.description,
        "who_for": group.who_for,
        "facilitator": staff.pk,
        "place": group.place,
        "weekday": group.weekday,
        "starts_at": "17:00",
        "duration_minutes": 90,
        "frequency": group.frequency,
        "max_size": 10,
        "accepts_members": "on",
        "status": "active",
    }
    login(staff).post(reverse("selfhelp:group_edit", args=[group.pk]), data)
    group.refresh_from_db()
    assert group.facilitator == facilitator  # an OPS account cannot make itself facilitator

    data["facilitator"] = overseer.pk
    login(overseer).post(reverse("selfhelp:group_edit", args=[group.pk]), data)
    group.refresh_from_db()
    assert group.facilitator == overseer
    from selfhelp.models import AccessLog

    assert AccessLog.objects.filter(action="facilitator", object_id=overseer.pk).exists()


def test_fortnightly_meetings_keep_their_rhythm_across_terms(login, facilitator, group):
    client = login(facilitator)
    today = timezone.localdate()
    for start_offset, length in ((0, 60), (7, 60), (30, 90)):
        start = today + datetime.timedelta(days=start_offset)
        client.post(
            reverse("selfhelp:meetings_generate", args=[group.pk]),
            {
                "start": start.isoformat(),
                "end": (start + datetime.timedelta(days=length)).isoformat(),
            },
        )

    days = [timezone.localtime(m.starts_at).date() for m in Meeting.objects.order_by("starts_at")]
    gaps = {(b - a).days for a, b in zip(days, days[1:], strict=False)}
    assert gaps == {14}


def test_a_changed_start_time_does_not_double_the_days(login, facilitator, group):
    client = login(facilitator)
    today = timezone.localdate()
    term = {"start": today.isoformat(), "end": (today + datetime.timedelta(days=60)).isoformat()}
    client.post(reverse("selfhelp:meetings_generate", args=[group.pk]), term)
    group.starts_at = datetime.time(18, 30)
    group.save()
    count = Meeting.objects.count()

    client.post(reverse("selfhelp:meetings_generate", args=[group.pk]), term)

    assert Meeting.objects.count() == count


def test_meetings_across_daylight_saving_changes_are_planned_once(login, facilitator, group):
    group.weekday, group.starts_at, group.frequency = 6, datetime.time(2, 30), "weekly"
    group.save()
    client = login(facilitator)
    term = {"start": "2027-03-20", "end": "2027-11-07"}

    first = client.post(reverse("selfhelp:meetings_generate", args=[group.pk]), term)
    second = client.post(reverse("selfhelp:meetings_generate", args=[group.pk]), term)

    assert first.status_code == 302 and second.status_code == 302
    days = [timezone.localtime(m.starts_at).date() for m in Meeting.objects.all()]
    assert len(days) == len(set(days)) == 34


@pytest.mark.parametrize(("start", "end"), [("9999-12-25", "9999-12-31"), ("1-01-01", "1-02-01")])
def test_odd_terms_are_explained(login, facilitator, group, start, end):
    response = login(facilitator).post(
        reverse("selfhelp:meetings_generate", args=[group.pk]), {"start": start, "end": end}
    )
    assert response.status_code == 302
    assert not Meeting.objects.exists()


@pytest.mark.clock
def test_saving_a_meeting_records_what_happened(login, facilitator, group):
    past = make_meeting(group, days_ago=7)
    future = make_meeting(group, days_ago=-7)
    member = make_member(group)
    client = login(facilitator)

    client.post(
        reverse("selfhelp:meeting_detail", args=[future.pk]),
        {"outcome": "planned", "topic": "Plan", "notes": ""},
    )
    refused = client.post(
        reverse("selfhelp:meeting_detail", args=[future.pk]),
        {"outcome": "held", "attended": [member.pk], "topic": "", "notes": ""},
    )
    client.post(
        reverse("selfhelp:meeting_detail", args=[past.pk]),
        {"outcome": "cancelled", "attended": [member.pk], "topic": "", "notes": ""},
    )

    future.refresh_from_db()
    past.refresh_from_db()
    assert refused.status_code == 200
    assert (future.held, future.topic) == (False, "Plan")
    assert (past.held, past.cancelled, past.attendees.count()) == (False, True, 0)


def test_an_overlong_decline_message_declines_nothing(login, facilitator, group):
    join_request = make_request(group, email="x@example.org")

    login(facilitator).post(
        reverse("selfhelp:request_action", args=[join_request.pk, "decline"]),
        {"message": "x" * 2001},
    )

    join_request.refresh_from_db()
    assert join_request.status == RequestStatus.NEW
    assert not mail.outbox


def test_erasure_takes_the_name_out_of_notes_and_other_requests(login, facilitator, group):
    earlier = make_request(group, "Zbigniew", phone="609111222", status=RequestStatus.WITHDRAWN)
    join_request = make_request(group, "Zbigniew", phone="609111222")
    client = login(facilitator)
    client.post(reverse("selfhelp:request_action", args=[join_request.pk, "accept"]))
    member = Member.objects.get()
    make_meeting(group, notes="Zbigniew dziś płakał, Halina go wspierała.")

    client.post(
        reverse("selfhelp:member_action", args=[member.pk, "leave"]),
        {"left_on": timezone.localdate().isoformat()},
    )
    client.post(reverse("selfhelp:member_action", args=[member.pk, "erase"]))

    text = _text_values()
    assert "Zbigniew" not in text and "609111222" not in text
    assert "Halina go wspierała" in text
    earlier.refresh_from_db()
    assert earlier.erased_at is not None


@pytest.mark.clock
def test_a_leaving_date_cannot_be_in_the_future_or_recorded_twice(login, facilitator, group):
    member = make_member(group)
    client = login(facilitator)
    url = reverse("selfhelp:member_action", args=[member.pk, "leave"])

    client.post(url, {"left_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()})
    member.refresh_from_db()
    assert member.left_on is None

    client.post(url, {"left_on": timezone.localdate().isoformat()})
    client.post(url, {"left_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()})
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()


def test_the_public_list_offers_the_waiting_list_of_a_full_group(client, group):
    group.max_size = 2
    group.save()
    make_member(group, "A")
    make_member(group, "B")

    body = client.get(reverse("selfhelp:group_list")).content.decode()

    assert (
        pl("The group is not taking new members now; you can ask to be put on its waiting list.")
        in body
    )
    assert "2 / 2" not in body


def test_a_facilitator_stops_and_resumes_taking_members(login, facilitator, group):
    client = login(facilitator)
    client.post(reverse("selfhelp:group_accepting", args=[group.pk]), {"accepts": "0"})
    group.refresh_from_db()
    assert not group.accepts_members
    client.post(reverse("selfhelp:group_accepting", args=[group.pk]), {"accepts": "1"})
    group.refresh_from_db()
    assert group.accepts_members


@pytest.mark.clock
def test_a_meeting_on_a_day_to_come_is_not_offered_as_held(login, facilitator, group):
    tomorrow = make_meeting(group, days_ago=-1)
    earlier_today = make_meeting(group, days_ago=0)
    client = login(facilitator)

    future_form = client.get(reverse("selfhelp:meeting_detail", args=[tomorrow.pk])).context["form"]
    today_form = client.get(reverse("selfhelp:meeting_detail", args=[earlier_today.pk])).context[
        "form"
    ]

    assert "held" not in dict(future_form.fields["outcome"].choices)
    assert "held" in dict(today_form.fields["outcome"].choices)
