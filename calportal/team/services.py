"""Writes to the CAL team's workspace."""

from django.contrib.auth.models import Group
from django.db import transaction

from calportal.accounts.models import User
from calportal.accounts.roles import Role
from calportal.team.models import TeamMeeting, TeamMember, TeamTask


@transaction.atomic
def team_member_save(*, member: TeamMember | None = None, data: dict) -> TeamMember:
    member = member or TeamMember()
    for field, value in data.items():
        setattr(member, field, value)
    member.full_clean()
    member.save()
    if member.user_id and member.is_current:
        # A current member reads the team's workspace, whatever else their account is for.
        member.user.groups.add(Group.objects.get(name=Role.CAL_TEAM_MEMBER.value))
    return member


@transaction.atomic
def team_meeting_save(
    *, meeting: TeamMeeting | None = None, data: dict, attendees, saved_by: User
) -> TeamMeeting:
    meeting = meeting or TeamMeeting(created_by=saved_by)
    for field, value in data.items():
        setattr(meeting, field, value)
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def team_task_update(*, task: TeamTask, description: str, responsible) -> TeamTask:
    task.description = description
    task.full_clean()
    task.save()
    task.responsible.set(responsible)
    return task
