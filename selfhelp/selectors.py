"""Reading self-help groups: who may open a group's workspace, and anonymous figures in SQL."""

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

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


def _count_of(queryset: QuerySet) -> Subquery:
    """The number of ``queryset``'s rows of each group (``group=OuterRef("pk")``), 0 for none."""
    counted = (
        queryset.filter(group=OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def groups_with_counts(queryset: QuerySet[Group]) -> QuerySet[Group]:
    """Anonymous counts only: how many people, never who.

    Adds ``current_members``, ``waiting_requests`` (the same requests as the workspace's queue:
    ``JoinRequest.objects.waiting()``) and ``meetings_held``: each a subquery per group, so a
    page of groups costs the same however many members, requests and meetings there are.
    """
    return queryset.annotate(
        current_members=_count_of(Member.objects.filter(left_on__isnull=True)),
        waiting_requests=_count_of(JoinRequest.objects.waiting()),
        meetings_held=_count_of(Meeting.objects.filter(held=True)),
    ).select_related("facilitator")
