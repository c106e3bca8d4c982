"""Reads for initiatives and events: constant query counts, aggregates in SQL."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from calportal.outbox.selectors import messages_regarding_many
from initiatives.models import (
    Attendance,
    Event,
    EventStatus,
    Initiative,
    Registration,
    RegistrationStatus,
    Source,
)


def public_events() -> QuerySet[Event]:
    """Upcoming, scheduled events of public initiatives, soonest first."""
    return (
        Event.objects.filter(
            initiative__is_public=True,
            status=EventStatus.SCHEDULED,
            ends_at__gte=timezone.now(),
        )
        .select_related("initiative")
        .order_by("starts_at", "pk")
    )


def events_in_month(queryset: QuerySet[Event], *, year: int, month: int) -> QuerySet[Event]:
    start = timezone.make_aware(datetime.combine(date(year, month, 1), time.min))
    next_month = date(year + month // 12, month % 12 + 1, 1)
    end = timezone.make_aware(datetime.combine(next_month, time.min))
    return queryset.filter(starts_at__gte=start, starts_at__lt=end)


def _count_of(status: str):
    return Coalesce(
        Subquery(
            Registration.objects.filter(event=OuterRef("pk"), status=status)
            .order_by()
            .values("event")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def staff_events() -> QuerySet[Event]:
    return Event.objects.select_related("initiative", "initiative__lead_organisation").annotate(
        confirmed_count=_count_of(RegistrationStatus.CONFIRMED),
        waiting_count=_count_of(RegistrationStatus.WAITING),
    )


def staff_initiatives() -> QuerySet[Initiative]:
    upcoming = Event.objects.filter(
        initiative=OuterRef("pk"), starts_at__gte=timezone.now(), status=EventStatus.SCHEDULED
    )
    return Initiative.objects.select_related("lead_organisation").annotate(
        upcoming_events=Coalesce(
            Subquery(
                upcoming.order_by().values("initiative").annotate(n=Count("pk")).values("n")[:1]
            ),
            0,
        )
    )


def event_registrations(event: Event) -> dict:
    registrations = event.registrations.select_related("participant").order_by("queued_at", "pk")
    confirmed, waiting, cancelled = [], [], []
    for registration in registrations:
        {
            RegistrationStatus.CONFIRMED: confirmed,
            RegistrationStatus.WAITING: waiting,
            RegistrationStatus.CANCELLED: cancelled,
        }[registration.status].append(registration)
    for position, registration in enumerate(waiting, start=1):
        registration.position = position
    everyone = confirmed + waiting + cancelled
    messages = messages_regarding_many(Registration, [registration.pk for registration in everyone])
    for registration in everyone:
        registration.messages = messages.get(registration.pk, [])
    return {"confirmed": confirmed, "waiting": waiting, "cancelled": cancelled}


def registrations_for_export(event: Event) -> Iterator[Registration]:
    """The event's confirmed registrations, then its waiting list (each of those with
    ``position`` in the queue), in queue order, with their participants: one query (one
    snapshot of both lists) read a chunk at a time, for an export of any length."""
    rows = (
        event.registrations.filter(
            status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
        )
        .select_related("participant")
        .order_by(
            Case(When(status=RegistrationStatus.CONFIRMED, then=Value(0)), default=Value(1)),
            "queued_at",
            "pk",
        )
    )
    position = 0
    for registration in rows.iterator(chunk_size=2000):
        if registration.status == RegistrationStatus.WAITING:
            position += 1
            registration.position = position
        yield registration


REGISTRATION_PAGE_SIZE = 50
REGISTRATION_LISTS = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)


@dataclass
class RegistrationPage:
    """One page of one of an event's lists (confirmed, waiting, cancelled): ``rows`` (each
    with ``messages``, ``source_label``, ``attendance_label`` and, on the waiting list,
    ``position`` in the whole list), ``number`` (1-based, clamped to the pages there are),
    ``count`` (rows in the whole list) and ``num_pages``."""

    status: str
    rows: list
    number: int
    count: int
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1


def _page_number(value, num_pages: int) -> int:
    try:
        number = int(str(value or "1").strip()[:9])
    except ValueError:
        number = 1
    return min(max(number, 1), num_pages)


def event_registration_pages(event: Event, pages: dict | None = None) -> dict:
    """The event's confirmed, waiting and cancelled registrations, a page of
    :data:`REGISTRATION_PAGE_SIZE` of each: ``{"confirmed": RegistrationPage, "waiting": …,
    "cancelled": …}``. ``pages`` maps a status to the wanted page number (any text; what is
    not a number gives the first page, too large a number the last). Five queries whatever
    the number of registrations: the counts, a page of each list and their messages."""
    pages = pages or {}
    counts = event.registrations.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in REGISTRATION_LISTS}
    )
    source_labels = dict(Source.choices)
    attendance_labels = dict(Attendance.choices)
    result, everyone = {}, []
    for status in REGISTRATION_LISTS:
        count = counts[status]
        num_pages = max(1, -(-count // REGISTRATION_PAGE_SIZE))
        number = _page_number(pages.get(status), num_pages)
        offset = (number - 1) * REGISTRATION_PAGE_SIZE
        rows = list(
            event.registrations.filter(status=status)
            .select_related("participant")
            .order_by("queued_at", "pk")[offset : offset + REGISTRATION_PAGE_SIZE]
        )
        for index, registration in enumerate(rows, start=offset + 1):
            if status == RegistrationStatus.WAITING:
                registration.position = index
            registration.source_label = source_labels.get(registration.source, "")
            registration.attendance_label = attendance_labels.get(registration.attendance, "")
        everyone.extend(rows)
        result[status] = RegistrationPage(status, rows, number, count, num_pages)
    messages = messages_regarding_many(Registration, [registration.pk for registration in everyone])
    for registration in everyone:
        registration.messages = messages.get(registration.pk, [])
    return result


def waiting_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITING
    ).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def registrations_to_remind(*, on: date) -> QuerySet[Registration]:
    start = timezone.make_aware(datetime.combine(on, time.min))
    end = start + timedelta(days=1)
    return Registration.objects.select_related("event__initiative", "participant").filter(
        status=RegistrationStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        event__status=EventStatus.SCHEDULED,
        event__starts_at__gte=start,
        event__starts_at__lt=end,
    )


def organisation_takes_part(organisation_id: int | None, *, initiative_id=None, event_id=None):
    """Whether the organisation leads or partners the initiative (or the event's initiative):
    what a partner coordinator's "own initiatives" are (REPORTS.md §8). False for None."""
    if not organisation_id:
        return False
    initiatives = Initiative.objects.filter(
        Q(lead_organisation_id=organisation_id) | Q(partner_organisations=organisation_id)
    )
    if event_id is not None:
        return Event.objects.filter(pk=event_id, initiative__in=initiatives).exists()
    if initiative_id is not None:
        return initiatives.filter(pk=initiative_id).exists()
    return False


def scope_choices(*, organisation_id: int | None = None) -> dict:
    """Initiatives and events a report can be scoped to, as ``{"initiatives": [(id, title)],
    "events": [(id, label)]}``; only those the organisation takes part in when it is given.
    Two queries."""
    initiatives = Initiative.objects.all()
    events = Event.objects.select_related("initiative")
    if organisation_id:
        own = Q(lead_organisation_id=organisation_id) | Q(partner_organisations=organisation_id)
        initiatives = initiatives.filter(own).distinct()
        events = events.filter(initiative__in=Initiative.objects.filter(own))
    return {
        "initiatives": list(initiatives.order_by("title").values_list("pk", "title")),
        "events": [
            (event.pk, f"{timezone.localtime(event.starts_at):%Y-%m-%d} {event.display_title}")
            for event in events.order_by("-starts_at")[:500]
        ],
    }


def scope_title(*, initiative_id=None, event_id=None) -> str:
    """The name of the event (with its local date) or initiative a report is about."""
    if event_id is not None:
        event = Event.objects.select_related("initiative").filter(pk=event_id).first()
        if event is None:
            return "?"
        return f"{event.display_title}, {timezone.localtime(event.starts_at):%d.%m.%Y}"
    if initiative_id is not None:
        return (
            Initiative.objects.filter(pk=initiative_id).values_list("title", flat=True).first()
            or "?"
        )
    return ""


def scope_dates(*, initiative_id=None, event_id=None) -> tuple[date, date] | None:
    """The local dates of an event, or of an initiative's first and last events (not
    cancelled ones); None when there are none."""
    events = Event.objects.exclude(status="cancelled")
    if event_id is not None:
        events = Event.objects.filter(pk=event_id)
    elif initiative_id is not None:
        events = events.filter(initiative_id=initiative_id)
    else:
        return None
    span = events.aggregate(first=Min("starts_at"), last=Max("starts_at"))
    if span["first"] is None:
        return None
    return timezone.localdate(span["first"]), timezone.localdate(span["last"])


def organisation_scope_ids(organisation_id: int) -> tuple[list[int], list[int]]:
    """The ids of the initiatives the organisation leads or partners and of their events (the
    scopes of the reports its coordinator may read). Two queries."""
    own = Initiative.objects.filter(
        Q(lead_organisation_id=organisation_id) | Q(partner_organisations=organisation_id)
    )
    initiatives = list(own.values_list("pk", flat=True).distinct())
    events = list(Event.objects.filter(initiative_id__in=initiatives).values_list("pk", flat=True))
    return initiatives, events


def events_ended_on(day: date) -> list[tuple[int, int]]:
    """``(event id, lead organisation id)`` of the events that ended on the local ``day``, were
    not cancelled and had at least one confirmed registration: the ones whose organiser gets
    a summary the next day (REPORTS.md §6 R11). One query."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return list(
        Event.objects.filter(ends_at__gte=start, ends_at__lt=end)
        .exclude(status="cancelled")
        .filter(registrations__status="confirmed")
        .distinct()
        .values_list("pk", "initiative__lead_organisation_id")
    )
