"""Reading self-help groups: who may open a group's workspace, and anonymous figures in SQL."""

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from calportal.accounts.models import User
from selfhelp.models import RUNNING_GROUP_STATUSES, Group, JoinRequest, Meeting, Member

# A current member: one who has not left. The same test decides whether a group is full.
CURRENT_MEMBER = Q(members__left_on__isnull=True)


def oversees(user: User) -> bool:
    return user.has_perm("selfhelp.oversee_groups")


def workspace_groups(user: User) -> QuerySet[Group]:
    """Groups whose members, requests and notes the user may open."""
    if oversees(user):
        return Group.objects.all()
    return Group.objects.filter(facilitator=user)


def running_groups() -> QuerySet[Group]:
    """Groups that have not closed: the public list shows them and they answer needs on the map."""
    return Group.objects.filter(status__in=RUNNING_GROUP_STATUSES)


def public_groups() -> QuerySet[Group]:
    """Running groups, each with ``is_full`` (whether it has a place) — never the count itself.

    A group offers only its waiting list when ``not group.is_open or group.is_full``; the group
    page and ``services.request_create`` decide the same way.
    """
    return (
        running_groups()
        .annotate(
            _current=Count("members", filter=CURRENT_MEMBER),
            is_full=ExpressionWrapper(Q(_current__gte=F("max_size")), output_field=BooleanField()),
        )
        .order_by("name")
    )


def waiting_requests(group: Group) -> QuerySet[JoinRequest]:
    """A group's requests nobody has finished with (``JoinRequest.objects.waiting()``)."""
    return JoinRequest.objects.waiting().filter(group=group)


def groups_with_counts(queryset: QuerySet[Group]) -> QuerySet[Group]:
    """Anonymous counts only: how many people, never who.

    Adds ``current_members``, ``waiting_requests`` (the same requests as the workspace's queue:
    ``JoinRequest.objects.waiting()``) and ``meetings_held``.
    """
    waiting = (
        JoinRequest.objects.waiting()
        .filter(group=OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(
        current_members=Count("members", filter=CURRENT_MEMBER, distinct=True),
        waiting_requests=Coalesce(Subquery(waiting), 0),
        meetings_held=Count("meetings", filter=Q(meetings__held=True), distinct=True),
    ).select_related("facilitator")


def group_figures(groups: QuerySet[Group] | None = None) -> dict:
    """Meetings held, average attendance and new members per month, per group and in total —
    counts without identities, for the OPS's reports."""
    groups = groups if groups is not None else Group.objects.all()
    held = Meeting.objects.filter(group__in=groups, held=True)
    rows = list(groups_with_counts(groups).order_by("name"))
    attendance = {
        row["group_id"]: row
        for row in held.values("group_id").annotate(
            meetings=Count("pk", distinct=True), attendances=Count("attendees")
        )
    }
    for group in rows:
        figures = attendance.get(group.pk, {"meetings": 0, "attendances": 0})
        group.average_attendance = (
            round(figures["attendances"] / figures["meetings"], 1) if figures["meetings"] else None
        )
    new_members = list(
        Member.objects.filter(group__in=groups)
        .annotate(month=TruncMonth("joined_on"))
        .values("month", "group__name")
        .annotate(count=Count("pk"))
        .order_by("month", "group__name")
    )
    return {"groups": rows, "new_members": new_members, "today": timezone.localdate()}
