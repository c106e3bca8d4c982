"""Reading the call list, always through the user's scope (:func:`items_for`).

Who sees which item:

* an item of a self-help group (``group`` set): that group's facilitator only — never other
  staff, not the OPS nor the self-help coordinator (a request to join is the facilitator's);
* an item of a partner organisation (``organisation`` set): the users of that organisation
  (its coordinators act on their own volunteers' applications);
* an item of neither: the office, i.e. OPS staff and CAL team members.

Everybody needs ``calls.view_callitem`` first. Every function here costs a fixed number of
queries, however many items there are.
"""

import datetime
from collections import Counter
from itertools import groupby

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from calportal.accounts.models import User
from calportal.accounts.roles import Role
from calportal.calls.models import CallAttempt, CallItem, CallReason

# The roles whose users work the office's own items (neither a group's nor an organisation's).
OFFICE_ROLES = (Role.OPS_STAFF,)
# How far back the history of calls goes.
HISTORY_DAYS = 30


def may_use_call_list(user) -> bool:
    """Whether ``user`` may open the call list pages at all (``calls.view_callitem``)."""
    return bool(user and user.is_authenticated and user.has_perm("calls.view_callitem"))


def is_office(user: User) -> bool:
    """Whether ``user`` works the office's own items: OPS staff."""
    return any(user.has_role(role) for role in OFFICE_ROLES)


def items_for(user) -> QuerySet[CallItem]:
    """Every item (open or closed) ``user`` may see, by the rules of this module; none for a
    user without ``calls.view_callitem`` or an anonymous one. A queryset: filter it further."""
    if not may_use_call_list(user):
        return CallItem.objects.none()
    scope = Q(group__isnull=False, group__facilitator_id=user.pk)
    if user.organisation_id:
        scope |= Q(organisation_id=user.organisation_id)
    if is_office(user):
        scope |= Q(group__isnull=True, organisation__isnull=True)
        if user.has_perm("volunteers.view_all_volunteers"):
            # An organisation with no coordinator account: nobody else would ever call.
            coordinator = User.objects.filter(
                is_active=True,
                organisation_id=OuterRef("organisation_id"),
                groups__name=Role.PARTNER_COORDINATOR.value,
            )
            scope |= Q(organisation__isnull=False) & ~Exists(coordinator)
    return CallItem.objects.filter(scope)


def counts_for(user, on: datetime.date | None = None) -> dict:
    """``{"due": n, "later": m}`` in one query: the open items ``user`` may see that are to be
    called on the local date ``on`` (today) or earlier, and those tried already and due again
    on a later day."""
    day = on or timezone.localdate()
    if not may_use_call_list(user):
        return {"due": 0, "later": 0}
    return (
        items_for(user)
        .open()
        .aggregate(
            due=Count("pk", filter=Q(due_on__lte=day)),
            later=Count("pk", filter=Q(due_on__gt=day)),
        )
    )


def due_groups(user, on: datetime.date | None = None) -> list[tuple[CallReason, list[CallItem]]]:
    """The items ``user`` is to call today (``on``): ``[(reason, [item, …]), …]`` with the
    reasons (:class:`CallReason` members) in their declared order, only those with items, and
    the oldest item first within each. One query."""
    order = {value: index for index, value in enumerate(CallReason.values)}
    items = sorted(
        items_for(user).due(on).select_related("group", "organisation"),
        key=lambda item: (order.get(item.reason, len(order)), item.created_at, item.pk),
    )
    # One person may be on the list for several matters: each card says how many more, so
    # that one call tells them all.
    per_phone = Counter(item.phone for item in items)
    for item in items:
        item.other_matters = per_phone[item.phone] - 1
    # A reason no longer among the choices (an old row) is shown under its stored value.
    return [
        (CallReason(reason) if reason in order else reason, list(group))
        for reason, group in groupby(items, key=lambda item: item.reason)
    ]


def history_for(user, now: datetime.datetime | None = None) -> QuerySet[CallAttempt]:
    """The calls recorded in the last :data:`HISTORY_DAYS` days on the items ``user`` may see,
    the newest first, each with its item and who made it (no further queries per row)."""
    since = (now or timezone.now()) - datetime.timedelta(days=HISTORY_DAYS)
    return (
        CallAttempt.objects.filter(item__in=items_for(user), at__gte=since)
        .select_related("item", "by")
        .order_by("-at", "-pk")
    )


# --- The "Today" page -------------------------------------------------------------------------


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The aware moments a local (Europe/Warsaw) day starts and the next one starts."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )
    return start, end


def events_of_day(day: datetime.date) -> list:
    """The events (not cancelled) starting on the local ``day``, in order, each with
    ``confirmed_people`` (confirmed registrations) and ``to_mark`` (those of them whose
    attendance nobody has recorded yet; anonymised persons, whose attendance no longer
    changes, are not counted). One query."""
    from initiatives.models import Event, EventStatus, RegistrationStatus

    start, end = day_bounds(day)
    confirmed = Q(registrations__status=RegistrationStatus.CONFIRMED)
    return list(
        Event.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=EventStatus.CANCELLED)
        .select_related("initiative")
        .annotate(
            confirmed_people=Count("registrations", filter=confirmed),
            to_mark=Count(
                "registrations",
                filter=confirmed
                & Q(registrations__attendance="")
                & Q(registrations__participant__anonymised_year__isnull=True),
            ),
        )
        .order_by("starts_at", "pk")
    )


def new_join_requests(user: User) -> list:
    """The groups whose workspace ``user`` may open (``selfhelp.selectors.workspace_groups``)
    that have new requests to join, each with ``new_requests``, by name. One query."""
    from selfhelp.models import RequestStatus
    from selfhelp.selectors import workspace_groups

    return list(
        workspace_groups(user)
        .annotate(new_requests=Count("requests", filter=Q(requests__status=RequestStatus.NEW)))
        .filter(new_requests__gt=0)
        .order_by("name", "pk")
    )


def today_for(user: User, on: datetime.date | None = None) -> dict:
    """What ``user`` has to do today (the local date ``on``), one section per thing they may
    do; a section is absent (no key) when they may not:

    * ``events``: today's events (:func:`events_of_day`), for those who record attendance;
    * ``calls``: :func:`counts_for`, for those who use the call list;
    * ``pass_applications``: senior-pass applications waiting (status new);
    * ``map_reports``: residents' reports waiting for moderation;
    * ``join_groups``: :func:`new_join_requests`, for facilitators and self-help overseers.

    A fixed number of queries, whatever the numbers."""
    day = on or timezone.localdate()
    sections: dict = {"day": day}
    if user.has_perm("initiatives.change_registration"):
        sections["events"] = events_of_day(day)
    if may_use_call_list(user):
        sections["calls"] = counts_for(user, day)
    if user.has_perm("initiatives.view_passapplication"):
        from initiatives.passes.models import ApplicationStatus, PassApplication

        sections["pass_applications"] = PassApplication.objects.filter(
            status=ApplicationStatus.NEW
        ).count()
    if user.has_perm("resources_map.view_residentreport"):
        from resources_map.selectors import reports_waiting

        sections["map_reports"] = reports_waiting().count()
    from selfhelp.selectors import oversees

    if oversees(user) or user.has_role(Role.GROUP_FACILITATOR):
        sections["join_groups"] = new_join_requests(user)
    return sections
