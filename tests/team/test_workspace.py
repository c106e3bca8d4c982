import datetime
import zoneinfo

import time_machine
from django.urls import reverse

from calportal.team.models import TeamMeeting, TeamMember, TeamTask
from tests.factories import TeamMeetingFactory, TeamMemberFactory


def test_the_workspace_shows_current_members_tasks_and_meetings(login, team_member, organisation_a):
    TeamMemberFactory(full_name="Halina Obecna", organisation=organisation_a)
    TeamMemberFactory(
        full_name="Jerzy Były",
        organisation=organisation_a,
        end_date=datetime.date(2012, 12, 31),
    )
    TeamMeetingFactory(agenda="Plan pikniku w Mechlinie")

    html = login(team_member).get(reverse("team:workspace")).content.decode()

    assert "Halina Obecna" in html
    assert "Jerzy Były" in html  # among former members
    assert "Mapa zasobów i potrzeb" in html  # a standing task from the migration
    assert "Plan pikniku w Mechlinie" in html


def test_a_team_member_reads_but_cannot_edit(login, team_member):
    client = login(team_member)
    html = client.get(reverse("team:workspace")).content.decode()

    assert reverse("team:meeting_create") not in html
    response = client.post(
        reverse("team:meeting_create"), {"held_on": "2026-12-01", "agenda": "Próba"}
    )
    assert response.status_code == 403
    assert not TeamMeeting.objects.filter(agenda="Próba").exists()


@time_machine.travel(datetime.datetime(2026, 11, 27, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Warsaw")))
def test_staff_record_a_meeting_with_attendance(login, staff, organisation_a):
    present = TeamMemberFactory(organisation=organisation_a)
    absent = TeamMemberFactory(organisation=organisation_a)

    response = login(staff).post(
        reverse("team:meeting_create"),
        {
            "held_on": "2026-11-20",
            "starts_at": "10:00",
            "place": "OPS",
            "agenda": "1. Mapa zasobów",
            "minutes": "Omówiono ankiety.",
            "decisions": "Ankieta do końca miesiąca\nPiknik w maju",
            "attendees": [present.pk],
        },
    )

    meeting = TeamMeeting.objects.get()
    assert response.status_code == 302
    assert list(meeting.attendees.all()) == [present]
    assert absent not in meeting.attendees.all()
    assert meeting.decision_lines == ["Ankieta do końca miesiąca", "Piknik w maju"]
    assert meeting.created_by == staff


def test_a_meeting_without_a_date_or_agenda_is_explained(login, staff):
    response = login(staff).post(reverse("team:meeting_create"), {"held_on": "31.02.2026"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error_1_id_held_on"' in html
    assert 'id="error_1_id_agenda"' in html
    assert not TeamMeeting.objects.exists()


def test_a_member_cannot_leave_before_joining(login, staff, organisation_a):
    response = login(staff).post(
        reverse("team:member_create"),
        {
            "full_name": "Ola Nowa",
            "organisation": organisation_a.pk,
            "team_role": "member",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
    )

    assert response.status_code == 200
    assert "Data zakończenia nie może być wcześniejsza" in response.content.decode()
    assert not TeamMember.objects.filter(full_name="Ola Nowa").exists()


def test_staff_assign_members_responsible_for_a_task(login, staff, organisation_a):
    member = TeamMemberFactory(organisation=organisation_a)
    task = TeamTask.objects.get(number=7)

    response = login(staff).post(
        reverse("team:task_edit", args=[task.pk]),
        {"description": "Wolontariat przy OPS", "responsible": [member.pk]},
    )

    assert response.status_code == 302
    assert list(task.responsible.all()) == [member]


def test_the_workspace_uses_the_same_number_of_queries_for_a_small_or_large_team(
    login, staff, organisation_a, django_assert_num_queries, django_assert_max_num_queries
):
    client = login(staff)
    TeamMemberFactory.create_batch(2, organisation=organisation_a)
    TeamMeetingFactory.create_batch(2)
    with django_assert_max_num_queries(50) as baseline:
        client.get(reverse("team:workspace"))
    members = TeamMemberFactory.create_batch(15)
    for task in TeamTask.objects.all():
        task.responsible.add(*members[:3])
    for meeting in TeamMeetingFactory.create_batch(8):
        meeting.attendees.add(*members)

    with django_assert_num_queries(len(baseline.captured_queries)):
        client.get(reverse("team:workspace"))


def test_the_leader_is_listed_first(login, team_member, organisation_a):
    TeamMemberFactory(full_name="Adam Członek", organisation=organisation_a, team_role="member")
    TeamMemberFactory(full_name="Zenon Lider", organisation=organisation_a, team_role="leader")

    response = login(team_member).get(reverse("team:workspace"))

    names = [member.full_name for member in response.context["current_members"]]
    assert names == ["Zenon Lider", "Adam Członek"]


def test_linking_a_current_members_account_lets_them_read_the_workspace(
    login, staff, partner_a, organisation_a
):
    login(staff).post(
        reverse("team:member_create"),
        {
            "full_name": partner_a.full_name,
            "organisation": organisation_a.pk,
            "team_role": "member",
            "start_date": "2020-01-01",
            "user": partner_a.pk,
        },
    )

    assert login(partner_a).get(reverse("team:workspace")).status_code == 200


@time_machine.travel(datetime.datetime(2026, 11, 30, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Warsaw")))
def test_a_meeting_still_to_come_is_planned_but_not_recorded_as_held(login, staff, organisation_a):
    member = TeamMemberFactory(organisation=organisation_a)
    client = login(staff)
    planned = {"held_on": "2026-12-02", "starts_at": "10:00", "agenda": "1. Piknik"}

    refused = client.post(
        "/en" + reverse("team:meeting_create"),
        {**planned, "minutes": "Omówiono.", "attendees": [member.pk]},
    )
    accepted = client.post(reverse("team:meeting_create"), planned)

    assert refused.status_code == 200
    assert "cannot have taken place yet" in refused.content.decode()
    assert accepted.status_code == 302
    meeting = TeamMeeting.objects.get()
    assert (meeting.minutes, list(meeting.attendees.all())) == ("", [])
