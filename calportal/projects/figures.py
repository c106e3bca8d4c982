"""Figures of a project (funding agreement) for R4 (REPORTS.md §6 R4): who *started* support
in a period, by sex × ESF+ age band, disability, urban/rural and area, and per month.

A project's events are the not-cancelled events of its initiatives whose local start date lies
within the project's dates. A person **started support** on the local date of their first
present registration (confirmed and marked present, REPORTS.md §2) for any of those events; they
count as started in the one period that date falls in, never again in a later one (PR1). Their
age is "age in the year" of that first support (REPORTS.md §1). Every function is aggregate SQL:
a fixed number of queries however many participants there are.
"""

import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy as _

from calportal.projects.models import Project
from calportal.reports.figures import (
    AGE_UNKNOWN,
    NOT_GIVEN,
    OUTSIDE,
    Linked,
    age_in_year,
    define,
)
from calportal.reports.periods import WARSAW, Period
from initiatives.figures import GENDER_KEY, PRESENT
from initiatives.models import Event, EventStatus, Participant, Registration

PR1 = define(
    "PR1",
    _("Participants who started support"),
    _(
        "Persons whose first present registration (confirmed and marked present) for an event "
        "of the project — an event of its initiatives, not cancelled, starting within the "
        "project's dates — falls in the period. A person who started in an earlier period is "
        "not counted again. Age: in the year of that first support."
    ),
)
PR2 = define(
    "PR2",
    _("Participants who started support, with a declared disability"),
    _(
        "Persons in PR1 with at least one present registration for an event of the project, "
        "up to the end of the period, declaring a disability certificate."
    ),
    k=5,
)

# ESF+ age bands (REPORTS.md §1): key, lowest age, highest age (None: no upper limit).
ESF_AGE_BANDS = (("<18", 0, 17), ("18-29", 18, 29), ("30-54", 30, 54), ("55+", 55, None))
ESF_BAND_KEYS = tuple(key for key, _low, _high in ESF_AGE_BANDS) + (AGE_UNKNOWN,)
URBAN, RURAL = "urban", "rural"
SETTLEMENT_KEYS = (URBAN, RURAL, OUTSIDE, NOT_GIVEN)


def linked(project_id: int) -> Linked:
    """What ``Scope(project=pk)`` covers in every app's figures: the project's events (see
    :func:`project_events`: its initiatives' events within its dates), as single events, so
    that an initiative's events before or after the project never count. An unknown project
    covers nothing."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return Linked()
    return Linked(events=frozenset(project_events(project).values_list("pk", flat=True)))


def project_events(project: Project) -> QuerySet:
    """The project's events: its initiatives', not cancelled, starting (local date) within the
    project's dates."""
    start, until = Period(project.start, project.end).bounds()
    return Event.objects.filter(
        initiative__projects=project, starts_at__gte=start, starts_at__lt=until
    ).exclude(status=EventStatus.CANCELLED)


def _support(project: Project) -> QuerySet:
    """Present registrations for the project's events."""
    return Registration.objects.filter(PRESENT, event__in=project_events(project))


def _esf_band(age) -> Case:
    whens = []
    for key, low, high in ESF_AGE_BANDS:
        condition = Q(age__gte=low)
        if high is not None:
            condition &= Q(age__lte=high)
        whens.append(When(condition, then=Value(key)))
    return Case(*whens, default=Value(AGE_UNKNOWN), output_field=CharField())


SETTLEMENT = Case(
    When(area__urban=True, then=Value(URBAN)),
    When(area__urban=False, then=Value(RURAL)),
    When(outside_municipality=True, then=Value(OUTSIDE)),
    default=Value(NOT_GIVEN),
    output_field=CharField(),
)


def started(period: Period, project: Project) -> QuerySet:
    """PR1's persons: :class:`~initiatives.models.Participant` rows whose first support falls in
    ``period``, annotated with ``first_support`` (aware datetime), ``age`` (in the year of the
    first support; NULL without a year of birth), ``band`` (ESF+ band key or ``"unknown"``),
    ``sex`` (``"female"``/``"male"``/``"not_given"``) and ``settlement`` (urban/rural/outside/
    not_given)."""
    start, until = period.bounds()
    support = _support(project)
    firsts = (
        support.values("participant_id")
        .annotate(first=Min("event__starts_at"))
        .filter(first__gte=start, first__lt=until)
        .values("participant_id")
    )
    first_support = Subquery(
        support.filter(participant_id=OuterRef("pk"))
        .order_by("event__starts_at")
        .values("event__starts_at")[:1]
    )
    if period.start.year == period.end.year:
        year = Value(period.start.year, output_field=IntegerField())
    else:
        year = Subquery(
            support.filter(participant_id=OuterRef("pk"))
            .order_by("event__starts_at")
            .values(year=ExtractYear("event__starts_at", tzinfo=WARSAW))[:1],
            output_field=IntegerField(),
        )
    return Participant.objects.filter(pk__in=firsts).annotate(
        first_support=first_support,
        reference_year=year,
        age=age_in_year(F("reference_year"), F("birth_year")),
        band=_esf_band(F("age")),
        sex=GENDER_KEY,
        settlement=SETTLEMENT,
    )


def _declared(project: Project, until_day: datetime.date) -> Exists:
    _start, until = Period(until_day, until_day).bounds()
    return Exists(
        _support(project).filter(
            participant_id=OuterRef("pk"),
            certificate_declared=True,
            event__starts_at__lt=until,
        )
    )


def _split(persons: QuerySet, key: str, keys) -> dict[tuple[str, str], int]:
    counts = {(k, sex): 0 for k in keys for sex in ("female", "male", "not_given")}
    for row in persons.values(key, "sex").annotate(n=Count("pk")).order_by():
        counts[row[key], row["sex"]] = row["n"]
    return counts


def started_by_band_sex(period: Period, project: Project) -> dict[tuple[str, str], int]:
    """PR1 as ``{(ESF band key, sex): persons}`` over every band of :data:`ESF_BAND_KEYS` and
    sex, zeros included; adds up to PR1."""
    return _split(started(period, project), "band", ESF_BAND_KEYS)


def started_by_settlement_sex(period: Period, project: Project) -> dict[tuple[str, str], int]:
    """PR1 as ``{(urban | rural | outside | not_given, sex): persons}`` (urban/rural from
    ``Area.urban``), zeros included."""
    return _split(started(period, project), "settlement", SETTLEMENT_KEYS)


def started_by_disability_sex(period: Period, project: Project) -> dict[tuple[str, str], int]:
    """PR1 as ``{("declared" | "not_declared", sex): persons}`` (PR2: a disability certificate
    declared on a present registration for the project's events up to the period's end)."""
    persons = started(period, project).annotate(
        disability=Case(
            When(_declared(project, period.end), then=Value("declared")),
            default=Value("not_declared"),
            output_field=CharField(),
        )
    )
    return _split(persons, "disability", ("declared", "not_declared"))


def started_by_area(period: Period, project: Project) -> dict:
    """PR1 by residence: ``{area id | OUTSIDE | NOT_GIVEN: persons}`` (OUTSIDE and NOT_GIVEN
    always present, areas only when someone lives there)."""
    result = {OUTSIDE: 0, NOT_GIVEN: 0}
    rows = (
        started(period, project).values("area_id", "outside_municipality").annotate(n=Count("pk"))
    )
    for row in rows.order_by():
        if row["area_id"] is not None:
            key = row["area_id"]
        else:
            key = OUTSIDE if row["outside_municipality"] else NOT_GIVEN
        result[key] = result.get(key, 0) + row["n"]
    return result


def started_by_month(period: Period, project: Project) -> dict[str, int]:
    """PR1 per local month of the first support: ``{"YYYY-MM": persons}`` (months with nobody
    absent)."""
    rows = (
        started(period, project)
        .annotate(
            year=ExtractYear("first_support", tzinfo=WARSAW),
            month=ExtractMonth("first_support", tzinfo=WARSAW),
        )
        .values("year", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {f"{row['year']:04d}-{row['month']:02d}": row["n"] for row in rows}


def typed_values(project: Project, period: Period) -> dict[int, tuple[int, int, int]]:
    """The values typed in for the project's indicators in the reporting periods lying within
    ``period``, summed: ``{indicator id: (women, men, total)}`` (indicators without any absent).
    One query."""
    from calportal.projects.models import IndicatorValue

    rows = (
        IndicatorValue.objects.filter(
            indicator__project=project, period__start__gte=period.start, period__end__lte=period.end
        )
        .values("indicator_id")
        .annotate(w=Sum("women"), m=Sum("men"), t=Sum("total"))
        .order_by()
    )
    return {row["indicator_id"]: (row["w"], row["m"], row["t"]) for row in rows}


def participant_rows(project: Project) -> QuerySet:
    """The restricted participant list (REPORTS.md §6 R4): every person who started support in
    the project so far, in the order they started, as dicts with ``pk``, ``first_name``,
    ``last_name``, ``gender``, ``birth_year``, ``email``, ``phone``, ``area_name``,
    ``area_urban``, ``outside_municipality``, ``first_support``, ``last_support`` (aware
    datetimes), ``attendances`` (present registrations for the project's events) and
    ``disability`` (True when a present registration declared a certificate with the person's
    consent recorded on it, else False). One query."""
    support = _support(project)
    return (
        Participant.objects.filter(pk__in=support.values("participant_id"))
        .annotate(
            first_support=Min(
                "registrations__event__starts_at",
                filter=Q(registrations__in=support),
            ),
            last_support=Subquery(
                support.filter(participant_id=OuterRef("pk"))
                .order_by("-event__starts_at")
                .values("event__starts_at")[:1]
            ),
            attendances=Count("registrations", filter=Q(registrations__in=support)),
            disability=Exists(
                support.filter(
                    participant_id=OuterRef("pk"),
                    certificate_declared=True,
                    consent_given_at__isnull=False,
                )
            ),
            area_name=F("area__name"),
            area_urban=F("area__urban"),
        )
        .order_by("first_support", "last_name", "first_name", "pk")
        .values(
            "pk",
            "first_name",
            "last_name",
            "gender",
            "birth_year",
            "email",
            "phone",
            "area_name",
            "area_urban",
            "outside_municipality",
            "first_support",
            "last_support",
            "attendances",
            "disability",
        )
    )
