"""Reading self-help groups: who may open a group's workspace, and anonymous figures in SQL."""

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from calportal.accounts.models import User
from selfhelp.models import Group, GroupStatus, Meeting, Member, RequestStatus


def oversees(user: User) -> bool:
    return user.has_perm("selfhelp.oversee_groups")


def workspace_groups(user: User) -> QuerySet[Group]:
    """Groups whose members, requests and notes the user may open."""
    if oversees(user):
        return Group.objects.all()
    return Group.objects.filter(facilitator=user)


def public_groups() -> QuerySet[Group]:
    """Open groups, each with ``is_full`` (whether it has a place) — never the count itself."""
    from django.db.models import BooleanField, ExpressionWrapper, F

    return (
        Group.objects.exclude(status=GroupStatus.CLOSED)
        .annotate(
            _current=Count("members", filter=Q(members__left_on__isnull=True)),
            is_full=ExpressionWrapper(Q(_current__gte=F("max_size")), output_field=BooleanField()),
        )
        .order_by("name")
    )


def groups_with_counts(queryset: QuerySet[Group]) -> QuerySet[Group]:
    """Anonymous counts only: how many people, never who."""
    return queryset.annotate(
        current_members=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
        waiting_requests=Count(
            "requests",
            filter=Q(requests__status__in=[RequestStatus.NEW, RequestStatus.WAITING]),
            distinct=True,
        ),
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
