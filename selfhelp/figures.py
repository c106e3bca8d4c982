"""Report figures of the self-help groups (REPORTS.md §2, SH1–SH5): anonymous counts in
aggregate SQL, the number of queries fixed whatever the number of groups, members or meetings.
Every self-help figure is printed with k = 5 (REPORTS.md §3.2).

Scopes (:class:`~calportal.reports.figures.Scope`): the whole CAL; one group
(``Scope(group=…)``: a facilitator's R10); an organisation (the groups whose facilitator works
for it). Groups belong to no initiative, event or area: for those scopes every figure is zero.

Each figure exists for the whole scope, and :func:`by_topic` / :func:`by_group` give all of
them per topic or per group in four queries (R10's rows; R1 merges topics with fewer than 5
members into "other" using each topic's member stock).
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from calportal.reports.figures import MEAN, NUMBER, Scope, define
from calportal.reports.periods import Period
from selfhelp.models import (
    OPEN_REQUEST_STATUSES,
    Group,
    GroupStatus,
    JoinRequest,
    Meeting,
    Member,
    RequestStatus,
    Topic,
)

K = 5
SH1 = define(
    "SH1",
    _("Groups"),
    _(
        "Self-help groups active at the end of the period, by topic: with at least one member "
        "on that day, and active or paused now, or closed now but with a meeting held on or "
        "after that day (the groups' statuses have no history)."
    ),
    k=K,
    unit=NUMBER,
)
SH2 = define(
    "SH2",
    _("Meetings"),
    _(
        "Meetings starting in the period: held, cancelled, and planned but not marked as "
        "either (only those that have already started)."
    ),
    k=K,
    unit=NUMBER,
)
SH3 = define(
    "SH3",
    _("Mean attendance"),
    _("The sum of attendees of the meetings held in the period divided by those meetings."),
    unit=MEAN,
    k=K,
)
SH4 = define(
    "SH4",
    _("Members"),
    _(
        "Members at the end of the period (joined on or before it and not left, or left after "
        "it); members who joined in the period; members who left in the period."
    ),
    k=K,
)
SH5 = define(
    "SH5",
    _("Requests to join"),
    _(
        "Requests to join received in the period by outcome: joined, declined, withdrawn, "
        "waiting (new, on the waiting list or contacted)."
    ),
    k=K,
)

# SH5's outcomes: the request statuses each one gathers.
REQUEST_OUTCOMES = {
    "joined": [RequestStatus.JOINED],
    "declined": [RequestStatus.DECLINED],
    "withdrawn": [RequestStatus.WITHDRAWN],
    "waiting": OPEN_REQUEST_STATUSES,
}


def groups_in(scope: Scope) -> QuerySet[Group]:
    """The groups a scope covers (R10 logs a read of its figures against each of them)."""
    return _groups(scope)


def _groups(scope: Scope) -> QuerySet[Group]:
    if scope.group is not None:
        return Group.objects.filter(pk=scope.group)
    if scope.organisation is not None:
        return Group.objects.filter(facilitator__organisation=scope.organisation)
    if scope.kind == "cal":
        return Group.objects.all()
    return Group.objects.none()


def _active_on(day: datetime.date) -> Q:
    """SH1's test of a group on ``day``."""
    members = Member.objects.filter(group_id=OuterRef("pk"), joined_on__lte=day).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=day)
    )
    day_starts, _until = Period(day, day).bounds()
    met_later = Meeting.objects.filter(
        group_id=OuterRef("pk"), held=True, starts_at__gte=day_starts
    )
    running = Q(status__in=[GroupStatus.ACTIVE, GroupStatus.PAUSED])
    closed_since = Q(status=GroupStatus.CLOSED) & Q(Exists(met_later))
    return Q(Exists(members)) & (running | closed_since)


def _member_stock(day: datetime.date) -> Q:
    return Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))


def _meeting_counts() -> dict:
    return {
        "meetings_held": Count("pk", filter=Q(held=True), distinct=True),
        "meetings_cancelled": Count("pk", filter=Q(cancelled=True), distinct=True),
        "meetings_planned_not_marked": Count(
            "pk",
            filter=Q(held=False, cancelled=False, starts_at__lte=timezone.now()),
            distinct=True,
        ),
    }


def _member_counts(period: Period) -> dict:
    return {
        "stock": Count("pk", filter=_member_stock(period.end)),
        "joined": Count("pk", filter=Q(joined_on__gte=period.start, joined_on__lte=period.end)),
        "left": Count("pk", filter=Q(left_on__gte=period.start, left_on__lte=period.end)),
    }


def _request_counts() -> dict:
    return {
        outcome: Count("pk", filter=Q(status__in=statuses))
        for outcome, statuses in REQUEST_OUTCOMES.items()
    }


def _rows(queryset: QuerySet, key: str, **aggregates) -> dict:
    """``{key value: {aggregate: value}}``, grouped by ``key`` in SQL."""
    return {row.pop(key): row for row in queryset.order_by().values(key).annotate(**aggregates)}


def _figures(period: Period, scope: Scope, by: str) -> dict:
    """Every figure grouped ``by`` ``"topic"`` or ``"group"``: four queries (five by group,
    which also lists the scope's groups)."""
    start, until = period.bounds()
    groups = _groups(scope)
    group_key = {"topic": "topic", "group": "pk"}[by]
    related_key = {"topic": "group__topic", "group": "group_id"}[by]

    active = _rows(groups.filter(_active_on(period.end)), group_key, groups=Count("pk"))
    meetings = _rows(
        Meeting.objects.filter(group__in=groups, starts_at__gte=start, starts_at__lt=until),
        related_key,
        **_meeting_counts(),
        attendance=Count("attendees", filter=Q(held=True)),
    )
    members = _rows(Member.objects.filter(group__in=groups), related_key, **_member_counts(period))
    requests = _rows(
        JoinRequest.objects.filter(group__in=groups, created_at__gte=start, created_at__lt=until),
        related_key,
        **_request_counts(),
    )
    if by == "topic":
        keys = Topic.values
    else:
        keys = list(groups.order_by("name", "pk").values_list("pk", flat=True))
    result = {}
    for key in keys:
        meeting_row = meetings.get(key) or {}
        member_row = members.get(key) or {}
        request_row = requests.get(key) or {}
        result[key] = {
            "SH1": (active.get(key) or {}).get("groups") or 0,
            "meetings_held": meeting_row.get("meetings_held") or 0,
            "meetings_cancelled": meeting_row.get("meetings_cancelled") or 0,
            "meetings_planned_not_marked": meeting_row.get("meetings_planned_not_marked") or 0,
            "attendees": meeting_row.get("attendance") or 0,
            "members_stock": member_row.get("stock") or 0,
            "joined": member_row.get("joined") or 0,
            "left": member_row.get("left") or 0,
            **{
                f"requests_{outcome}": request_row.get(outcome) or 0 for outcome in REQUEST_OUTCOMES
            },
        }
    return result


def groups_active(day: datetime.date, scope: Scope) -> dict[str, int]:
    """SH1. ``{topic: groups}`` (every topic, zeros included): groups active on ``day`` — with
    at least one member that day, and active or paused now, or closed now but having held a
    meeting on or after ``day``. Two subqueries, one query."""
    counts = dict(
        _groups(scope)
        .filter(_active_on(day))
        .order_by()
        .values_list("topic")
        .annotate(count=Count("pk"))
    )
    return {topic: counts.get(topic, 0) for topic in Topic.values}


def meetings(period: Period, scope: Scope) -> dict:
    """SH2. ``{"held": n, "cancelled": n, "planned_not_marked": n}`` — meetings starting (local
    date) in P; "planned, not marked": neither held nor cancelled and already started."""
    start, until = period.bounds()
    row = Meeting.objects.filter(
        group__in=_groups(scope), starts_at__gte=start, starts_at__lt=until
    ).aggregate(**_meeting_counts())
    return {key: row[f"meetings_{key}"] for key in ("held", "cancelled", "planned_not_marked")}


def mean_attendance(period: Period, scope: Scope) -> tuple[int, int]:
    """SH3's parts: ``(Σ attendees, meetings held)`` over meetings held in P; the mean is the
    first divided by the second (none when no meeting was held)."""
    start, until = period.bounds()
    row = Meeting.objects.filter(
        group__in=_groups(scope), held=True, starts_at__gte=start, starts_at__lt=until
    ).aggregate(attendance=Count("attendees"), meetings_held=Count("pk", distinct=True))
    return row["attendance"], row["meetings_held"]


def members(period: Period, scope: Scope) -> dict:
    """SH4. ``{"stock": n, "joined": n, "left": n}`` — members on the last day of P
    (``joined_on`` ≤ it and ``left_on`` empty or after it), members who joined in P and who
    left in P."""
    return Member.objects.filter(group__in=_groups(scope)).aggregate(**_member_counts(period))


def join_requests(period: Period, scope: Scope) -> dict[str, int]:
    """SH5. ``{"joined"|"declined"|"withdrawn"|"waiting": n}`` — requests received (local
    ``created_at`` date) in P by where they stand now; "waiting": new, on the waiting list or
    contacted."""
    start, until = period.bounds()
    return JoinRequest.objects.filter(
        group__in=_groups(scope), created_at__gte=start, created_at__lt=until
    ).aggregate(**_request_counts())


def by_topic(period: Period, scope: Scope) -> dict[str, dict[str, int]]:
    """Every figure per topic (every topic present), all ints so rows can be added up (R1
    merges topics with fewer than 5 members into "other"): ``{topic: {"SH1": groups active at
    the end, "meetings_held", "meetings_cancelled", "meetings_planned_not_marked": SH2,
    "attendees": SH3's Σ attendees (÷ "meetings_held" for the mean), "members_stock",
    "joined", "left": SH4, "requests_joined", "requests_declined", "requests_withdrawn",
    "requests_waiting": SH5}}``. Four queries."""
    return _figures(period, scope, "topic")


def by_group(period: Period, scope: Scope) -> dict[int, dict[str, int]]:
    """As :func:`by_topic`, per group id (every group of the scope, ordered by name) — for the
    coordinator's and the facilitator's R10, where rows are groups. Five queries."""
    return _figures(period, scope, "group")


def labels() -> dict[str, dict[str, str]]:
    """The printed names of the keys above, in the active language: ``{"topic": {topic:
    label}, "request_outcome": {outcome: label}}``."""
    return {
        "topic": {value: str(label) for value, label in Topic.choices},
        "request_outcome": {
            "joined": str(RequestStatus.JOINED.label),
            "declined": str(RequestStatus.DECLINED.label),
            "withdrawn": str(RequestStatus.WITHDRAWN.label),
            "waiting": str(pgettext_lazy("request to join", "Waiting")),
        },
    }


def group_names(scope: Scope) -> dict[int, dict[str, str]]:
    """``{group id: {"name", "topic"}}`` of the scope's groups, ordered by name (the rows of the
    coordinator's and the facilitator's R10). One query."""
    return {
        pk: {"name": name, "topic": topic}
        for pk, name, topic in _groups(scope)
        .order_by("name", "pk")
        .values_list("pk", "name", "topic")
    }


# The access log's action for a read of R10's figures (a run's page or file, the figures page,
# the PDF): one entry per group the figures cover, the run's number as the object.
REPORT_READ = "report"


def record_read(user, scope: Scope, object_id: int | None = None) -> int:
    """Write to the self-help access log that ``user`` read R10's figures of ``scope``: one
    entry per group it covers (REPORTS.md §6 R10, "reading it is written to the access log"),
    with ``object_id`` the run's number when it is a run. One query to list the groups, one to
    write. Returns how many entries were written."""
    from selfhelp.models import AccessLog

    entries = [
        AccessLog(user=user, group_id=pk, action=REPORT_READ, object_id=object_id)
        for pk in _groups(scope).values_list("pk", flat=True)
    ]
    AccessLog.objects.bulk_create(entries)
    return len(entries)
