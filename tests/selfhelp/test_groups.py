"""Asking to join, the facilitator's work, erasure and the anonymous figures."""

import datetime

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import timezone

from selfhelp.models import GroupStatus, JoinRequest, Meeting, Member, RequestStatus
from tests.initiatives.conftest import pl
from tests.selfhelp.conftest import make_meeting, make_member, make_request


def join_data(**changes) -> dict:
    data = {
        "first_name": "Elżbieta",
        "phone": "",
        "email": "ela@example.org",
        "contact_way": "email",
        "contact_time": "wieczorem",
        "message": "",
        "consent": "on",
    }
    data.update(changes)
    return data


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


def test_a_closed_group_takes_no_requests(client, group):
    group.status = GroupStatus.CLOSED
    group.save()

    assert client.get(reverse("selfhelp:group_public", args=[group.slug])).status_code == 404
    assert (
        client.post(reverse("selfhelp:group_public", args=[group.slug]), join_data()).status_code
        == 404
    )
    assert not JoinRequest.objects.exists()


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
            "held": "1",
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
    figures = login(overseer).get(reverse("selfhelp:figures")).context
    row = next(g for g in figures["groups"] if g.pk == group.pk)
    assert row.meetings_held == 1 and row.average_attendance == 1.0
    assert sum(r["count"] for r in figures["new_members"]) == 1


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

    context = login(staff).get(reverse("selfhelp:figures")).context

    row = next(g for g in context["groups"] if g.pk == group.pk)
    assert (row.current_members, row.meetings_held, row.average_attendance) == (4, 2, 2.0)
    body = login(staff).get(reverse("selfhelp:figures")).content.decode()
    assert "Apolonia" not in body and "Bogumiła" not in body
