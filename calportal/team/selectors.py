"""Reads for the CAL team's workspace: a fixed number of queries whatever the team's size."""

from django.db.models import Case, Count, IntegerField, Prefetch, Value, When
from django.utils import timezone

from calportal.team.models import TeamMeeting, TeamMember, TeamRole, TeamTask

# The leader first, then the deputy and the secretary, then members.
ROLE_ORDER = Case(
    *(When(team_role=role, then=Value(rank)) for rank, role in enumerate(TeamRole.values)),
    output_field=IntegerField(),
)


def team_workspace(*, recent_meetings: int = 10) -> dict:
    today = timezone.localdate()
    members = TeamMember.objects.select_related("organisation")
    current = members.current(today).order_by(ROLE_ORDER, "full_name")
    tasks = TeamTask.objects.prefetch_related(
        Prefetch("responsible", queryset=TeamMember.objects.order_by("full_name"))
    )
    meetings = TeamMeeting.objects.annotate(attendee_count=Count("attendees"))
    return {
        "current_members": list(current),
        "former_members": list(members.former(today).order_by("-end_date")),
        "tasks": list(tasks),
        "upcoming_meetings": list(meetings.filter(held_on__gte=today).order_by("held_on")),
        "past_meetings": list(meetings.filter(held_on__lt=today)[:recent_meetings]),
    }
