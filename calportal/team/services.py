"""Writes to the CAL team's workspace."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
    """Save a meeting of the CAL team and who was present.

    A meeting may be planned ahead (date, time, place, agenda), but who was present, the
    minutes and the decisions record what happened: for a day after today (Europe/Warsaw)
    they raise :class:`ValidationError` (keyed by field) and nothing is saved.
    """
    meeting = meeting or TeamMeeting(created_by=saved_by)
    for field, value in data.items():
        setattr(meeting, field, value)
    if meeting.held_on and meeting.held_on > timezone.localdate():
        errors = {}
        message = _("A meeting on a day still to come cannot have taken place yet.")
        if attendees:
            errors["attendees"] = message
        for field in ("minutes", "decisions"):
            if (getattr(meeting, field) or "").strip():
                errors[field] = message
        if errors:
            raise ValidationError(errors)
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
