"""Figures of events, registrations and participants (REPORTS.md §2: EV, RG, AT, PE, FI1) and
the numerators of the reach indicators RE1/RE2, as functions of ``(period, scope)``.

Every function is aggregate SQL: a fixed number of queries however much data there is. The
indicator definitions registered here with :func:`~calportal.reports.figures.define` are the
text of REPORTS.md §2; the report kinds print them in their definitions appendix.

Notation, as in REPORTS.md §2: ``E(P)`` = the events whose local (Europe/Warsaw) start date is in
the period and that are not cancelled. A *present registration* is a confirmed one marked
present. A *person* is a :class:`~initiatives.models.Participant` row.

Scope:

* **CAL** (nothing set): everything.
* **event**: that event only.
* **initiative**: that initiative's events.
* **organisation**: the events of the initiatives it leads or is a partner of.
* **area**: only the registrations of participants living in that area count (RG, AT, PE, EV5's
  numerator, EV6's "every confirmed registration"); the event counts EV1–EV4, EV6's events and
  EV2 count the events with at least one confirmed registration of such a resident.

Several fields may be set at once; the figure then covers their intersection.

Age is "age in the year" (REPORTS.md §1): the reference year minus the year of birth. For unique
persons the reference year is the local year of the person's first attendance in the period;
for pass holders who did not attend (reach), the year the period ends in.

PE3 ("first present registration ever") looks at the events of the scope: under an initiative
or organisation scope a person is new when they first came to *those* events in the period,
even if they had come to other initiatives before (R4 counts "started support" this way).

Anonymised persons (PRIVACY.md §2, :mod:`calportal.privacy.anonymise`) are one row per calendar
year: every figure of a period within one year counts them as before (their row's year of birth
gives the same age band in that year); PE3 reads the first years the row keeps; accessibility
needs count the flag left when the text was deleted.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

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
from django.db.models.functions import (
    Coalesce,
    ExtractMonth,
    ExtractYear,
    TruncDate,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calportal.reports.figures import (
    AGE_BAND_KEYS,
    GENDERS,
    HOURS,
    NOT_GIVEN,
    NUMBER,
    OUTSIDE,
    PERCENT,
    PLN,
    WHOLE_CAL,
    Scope,
    age_band_case,
    age_in_year,
    define,
    linked,
)
from calportal.reports.periods import WARSAW, Period
from initiatives.models import (
    Attendance,
    Category,
    Event,
    EventStatus,
    Funding,
    FundingSource,
    Gender,
    Initiative,
    Kind,
    Participant,
    Registration,
    RegistrationStatus,
    Source,
)
from initiatives.passes.figures import passes_active_in_queryset

EV1 = define(
    "EV1",
    _("Events held"),
    _(
        "The number of events whose local start date is in the period and that were not "
        "cancelled (E(P))."
    ),
    unit=NUMBER,
)
EV2 = define(
    "EV2",
    _("Cancelled events"),
    _("The number of events whose local start date is in the period and that were cancelled."),
    unit=NUMBER,
)
EV3 = define(
    "EV3",
    _("Hours of activity"),
    _("The sum of the durations (end minus start) of the events in E(P), in hours."),
    unit=HOURS,
)
EV4 = define(
    "EV4",
    _("Places offered"),
    _("The sum of the places (capacity) of the events in E(P)."),
    unit=NUMBER,
)
EV5 = define(
    "EV5",
    _("Fill rate"),
    _(
        "The places of the confirmed registrations for the events in E(P), companions included, "
        "divided by the places offered (EV4)."
    ),
    unit=PERCENT,
)
EV6 = define(
    "EV6",
    _("Attendance recorded"),
    _(
        "Of the events in E(P) that have already ended and have at least one confirmed "
        "registration, the share whose every confirmed registration has its attendance marked. "
        "A data-quality figure."
    ),
    unit=PERCENT,
)
RG1 = define(
    "RG1",
    _("Registrations"),
    _(
        "Registrations for the events in E(P), by status (confirmed, waiting list, cancelled) and "
        "by source (online, by phone, on site)."
    ),
)
RG2 = define(
    "RG2",
    _("Unmet demand"),
    _("Registrations for the events in E(P) still on the waiting list after the event started."),
)
AT1 = define(
    "AT1",
    _("Attendances (person-sessions)"),
    _(
        "The number of present registrations (confirmed and marked present) for the events in "
        "E(P): one per person per event."
    ),
)
AT2 = define(
    "AT2",
    _("Companions"),
    _(
        "The sum of (places − 1) over the present registrations for the events in E(P). "
        "Companions are never counted as unique participants."
    ),
)
AT3 = define(
    "AT3",
    _("Attendance rate"),
    _(
        "Present divided by present plus absent, over the confirmed registrations for the events "
        "in E(P) whose attendance is marked."
    ),
    unit=PERCENT,
)
PE1 = define(
    "PE1",
    _("Unique participants"),
    _("Distinct persons with at least one present registration for an event in E(P)."),
)
PE2 = define(
    "PE2",
    _("Persons reached"),
    _(
        "Distinct persons with at least one confirmed registration for an event in E(P) that is "
        "marked present or has no attendance recorded (a fallback; always shown with EV6)."
    ),
)
PE3 = define(
    "PE3",
    _("New participants"),
    _(
        "Persons in PE1 whose first present registration ever (for the events of the report's "
        "scope) is in the period. Returning participants = PE1 − PE3."
    ),
)
PE5 = define(
    "PE5",
    _("Participants with a declared disability"),
    _(
        "Persons in PE1 with at least one present registration for an event in E(P) on which "
        "they declared a disability certificate."
    ),
    k=5,
)
PE6 = define(
    "PE6",
    _("Participants aged 60+ / post-working age"),
    _(
        "Persons in PE1 aged 60 or more (age in the year of their first attendance in the "
        "period). Post-working age: women aged 60 or more and men aged 65 or more; persons whose "
        "gender is not given are counted in a separate line, not in the post-working age."
    ),
)
FI1 = define(
    "FI1",
    _("Funding"),
    _(
        "Funding amounts by source: every funding row whose year overlaps the period (the "
        "whole amount of that year's row counts in any period touching the year) of the "
        "initiatives in the scope; rows entered before years were recorded count, with their "
        "whole amount, when their initiative has at least one event in E(P)."
    ),
    unit=PLN,
)

CONFIRMED = Q(status=RegistrationStatus.CONFIRMED)
PRESENT = Q(status=RegistrationStatus.CONFIRMED, attendance=Attendance.PRESENT)
ABSENT = Q(status=RegistrationStatus.CONFIRMED, attendance=Attendance.ABSENT)
# Post-working age (REPORTS.md §2, PE6): women from 60, men from 65; "not given" is neither.
POST_WORKING_AGE = Q(gender=Gender.WOMAN, age__gte=60) | Q(gender=Gender.MAN, age__gte=65)
AGED_60_PLUS = Q(age__gte=60)
GENDER_NOT_GIVEN = ~Q(gender__in=[Gender.WOMAN, Gender.MAN])
# The report's gender keys (calportal.reports.figures.GENDERS) from what the portal stores.
GENDER_KEY = Case(
    When(gender=Gender.WOMAN, then=Value("female")),
    When(gender=Gender.MAN, then=Value("male")),
    default=Value("not_given"),
    output_field=CharField(),
)
DURATION = F("ends_at") - F("starts_at")


# -- the sets every figure starts from ---------------------------------------------------------


def _initiatives_of(organisation: int) -> QuerySet:
    """The ids of the initiatives an organisation leads or is a partner of (a subquery: the
    partner join may repeat an initiative, which ``__in`` does not mind)."""
    return Initiative.objects.filter(
        Q(lead_organisation_id=organisation) | Q(partner_organisations=organisation)
    ).values("pk")


def _events_starting_in(period: Period, scope: Scope) -> QuerySet:
    """Events with a local start date in the period, of any status, within the scope's event,
    initiative and organisation (not its area)."""
    start, until = period.bounds()
    events = Event.objects.filter(starts_at__gte=start, starts_at__lt=until)
    if scope.event is not None:
        events = events.filter(pk=scope.event)
    if scope.initiative is not None:
        events = events.filter(initiative_id=scope.initiative)
    if scope.organisation is not None:
        events = events.filter(initiative__in=_initiatives_of(scope.organisation))
    return _within_linked(events, scope)


def _within_linked(events: QuerySet, scope: Scope) -> QuerySet:
    """Under a project or public-task scope, only the events it covers (its initiatives' and
    its single events)."""
    covered = linked(scope)
    if covered is None:
        return events
    return events.filter(
        Q(initiative_id__in=list(covered.initiatives)) | Q(pk__in=list(covered.events))
    )


def _with_residents(events: QuerySet, scope: Scope) -> QuerySet:
    """Under an area scope, only the events with a confirmed registration of a resident."""
    if scope.area is None:
        return events
    residents = Registration.objects.filter(
        CONFIRMED, event=OuterRef("pk"), participant__area_id=scope.area
    )
    return events.filter(Exists(residents))


def held_events(period: Period, scope: Scope = WHOLE_CAL) -> QuerySet:
    """E(P) within the scope: a queryset of :class:`~initiatives.models.Event`."""
    events = _events_starting_in(period, scope).exclude(status=EventStatus.CANCELLED)
    return _with_residents(events, scope)


def _registrations(period: Period, scope: Scope) -> QuerySet:
    """The registrations (any status) for the events in E(P), within the scope; under an area
    scope only those of the area's residents."""
    events = _events_starting_in(period, scope).exclude(status=EventStatus.CANCELLED)
    registrations = Registration.objects.filter(event__in=events)
    if scope.area is not None:
        registrations = registrations.filter(participant__area_id=scope.area)
    return registrations


def _present(period: Period, scope: Scope) -> QuerySet:
    return _registrations(period, scope).filter(PRESENT)


def _first_attendance_year(present: QuerySet, period: Period) -> Subquery | Value:
    """For a participant row (``OuterRef("pk")``): the local year of their first present
    registration among ``present`` (events of ``period``); NULL when they have none.

    Within one calendar year that is the period's year for everyone who came: a constant. A
    subquery here runs once per person at each use of the age (an age-band CASE uses it ~17
    times), which made R1 on 100,000 participants take 25 s (``manage.py benchmark_reports``).
    """
    if period.start.year == period.end.year:
        return Value(period.start.year, output_field=IntegerField())
    first = (
        present.filter(participant_id=OuterRef("pk"))
        .order_by("event__starts_at")
        .values(year=ExtractYear("event__starts_at", tzinfo=WARSAW))[:1]
    )
    return Subquery(first, output_field=IntegerField())


def _with_age(persons: QuerySet, reference_year) -> QuerySet:
    return persons.annotate(
        reference_year=reference_year,
        age=age_in_year(F("reference_year"), F("birth_year")),
    )


def _participants(period: Period, scope: Scope) -> QuerySet:
    """PE1's persons, each annotated with ``age`` (in the year of their first attendance in the
    period; NULL without a year of birth)."""
    present = _present(period, scope)
    persons = Participant.objects.filter(pk__in=present.values("participant_id"))
    return _with_age(persons, _first_attendance_year(present, period))


def _hours(duration: datetime.timedelta | None) -> Decimal:
    """A duration in hours, to 0.01 h."""
    if duration is None:
        return Decimal("0.00")
    seconds = Decimal(duration.days * 86400 + duration.seconds)
    return (seconds / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _residence(area_id: int | None, outside: bool):
    if area_id is not None:
        return area_id
    return OUTSIDE if outside else NOT_GIVEN


def _months(period: Period) -> list[str]:
    """``"YYYY-MM"`` of every month the period touches, in order."""
    months = []
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return months


# -- events ------------------------------------------------------------------------------------


def events_held(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """EV1: the number of events in E(P)."""
    return held_events(period, scope).count()


def events_cancelled(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """EV2: the number of cancelled events with a local start date in the period."""
    events = _events_starting_in(period, scope).filter(status=EventStatus.CANCELLED)
    return _with_residents(events, scope).count()


def activity_hours(period: Period, scope: Scope = WHOLE_CAL) -> Decimal:
    """EV3: Σ (end − start) over E(P), in hours (a Decimal to 0.01 h)."""
    return _hours(held_events(period, scope).aggregate(total=Sum(DURATION))["total"])


def places_offered(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """EV4: Σ capacity over E(P), in places."""
    return held_events(period, scope).aggregate(total=Coalesce(Sum("capacity"), 0))["total"]


def fill_rate(period: Period, scope: Scope = WHOLE_CAL) -> tuple[int, int]:
    """EV5 as ``(places of confirmed registrations for E(P), EV4)``; the rate is their ratio."""
    taken = _registrations(period, scope).aggregate(
        total=Coalesce(Sum("places", filter=CONFIRMED), 0)
    )["total"]
    return taken, places_offered(period, scope)


def attendance_recorded(
    period: Period, scope: Scope = WHOLE_CAL, *, now: datetime.datetime | None = None
) -> tuple[int, int]:
    """EV6 as ``(events complete, events checked)``: of the events in E(P) that ended before
    ``now`` (default: the current time) with at least one confirmed registration (of the area's
    residents, under an area scope), how many have attendance marked on every one of them."""
    confirmed = Registration.objects.filter(CONFIRMED, event=OuterRef("pk"))
    if scope.area is not None:
        confirmed = confirmed.filter(participant__area_id=scope.area)
    counts = (
        held_events(period, scope)
        .filter(Exists(confirmed), ends_at__lt=now or timezone.now())
        .aggregate(
            checked=Count("pk"),
            complete=Count("pk", filter=~Exists(confirmed.filter(attendance=""))),
        )
    )
    return counts["complete"], counts["checked"]


def initiatives_with_events(period: Period, scope: Scope = WHOLE_CAL) -> set[int]:
    """The ids of the initiatives with at least one event in E(P) (for MP3 and the number of
    initiatives active)."""
    return set(held_events(period, scope).values_list("initiative_id", flat=True).distinct())


# -- registrations and attendance --------------------------------------------------------------


def registrations(period: Period, scope: Scope = WHOLE_CAL) -> dict[tuple[str, str], int]:
    """RG1: registrations for E(P) as ``{(status, source): count}``, every status
    (``"confirmed"``, ``"waiting"``, ``"cancelled"``) × source (``"online"``, ``"phone"``,
    ``"on_site"``) present, zeros included."""
    counts = {
        (status, source): 0 for status in RegistrationStatus.values for source in Source.values
    }
    rows = _registrations(period, scope).values("status", "source").annotate(n=Count("pk"))
    for row in rows.order_by():
        counts[row["status"], row["source"]] = row["n"]
    return counts


def _unmet(now: datetime.datetime | None) -> Q:
    return Q(status=RegistrationStatus.WAITING, event__starts_at__lte=now or timezone.now())


def unmet_demand(
    period: Period, scope: Scope = WHOLE_CAL, *, now: datetime.datetime | None = None
) -> int:
    """RG2: registrations for E(P) still waiting after their event started (by ``now``,
    default: the current time)."""
    return _registrations(period, scope).filter(_unmet(now)).count()


def accessibility_needs(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """How many registrations for E(P) (confirmed or waiting) state accessibility needs — a
    count only, never the texts (R11)."""
    return (
        _registrations(period, scope)
        .exclude(status=RegistrationStatus.CANCELLED)
        # The text is deleted 30 days after the event (PRIVACY.md §1); the flag stays.
        .filter(~Q(accessibility_needs="") | Q(had_accessibility_needs=True))
        .count()
    )


def attendances(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """AT1: the number of present registrations for E(P) (person-sessions)."""
    return _present(period, scope).count()


def companions(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """AT2: Σ (places − 1) over the present registrations for E(P), in persons."""
    total = _present(period, scope).aggregate(total=Sum(F("places") - 1))["total"]
    return total or 0


def attendance_rate(period: Period, scope: Scope = WHOLE_CAL) -> tuple[int, int]:
    """AT3 as ``(present, present + absent)`` over the confirmed registrations for E(P)."""
    counts = _registrations(period, scope).aggregate(
        present=Count("pk", filter=PRESENT), marked=Count("pk", filter=PRESENT | ABSENT)
    )
    return counts["present"], counts["marked"]


# -- persons -----------------------------------------------------------------------------------


def participants(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """PE1: distinct persons with at least one present registration for E(P)."""
    return _present(period, scope).values("participant_id").distinct().count()


def persons_reached(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """PE2: distinct persons with a confirmed registration for E(P) marked present or with no
    attendance recorded."""
    reached = _registrations(period, scope).filter(
        CONFIRMED, attendance__in=[Attendance.PRESENT, ""]
    )
    return reached.values("participant_id").distinct().count()


def new_participants(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """PE3: persons in PE1 with no present registration for a (not cancelled) event of the scope
    that started before the period — their first ever is in it. Returning = PE1 − PE3.

    A person's earlier years may be on other rows (anonymised one row per year, PRIVACY.md §2):
    a row whose ``first_years`` (for the CAL, the initiative or the organisation of the scope)
    is before the period's year is returning too (see :func:`_first_year_key`)."""
    start, _until = period.bounds()
    earlier_events = Event.objects.filter(starts_at__lt=start).exclude(status=EventStatus.CANCELLED)
    # The same scope with no period: "ever" means any earlier event of these initiatives.
    if scope.event is not None:
        earlier_events = earlier_events.filter(pk=scope.event)
    if scope.initiative is not None:
        earlier_events = earlier_events.filter(initiative_id=scope.initiative)
    if scope.organisation is not None:
        earlier_events = earlier_events.filter(initiative__in=_initiatives_of(scope.organisation))
    earlier_events = _within_linked(earlier_events, scope)
    earlier = Registration.objects.filter(
        PRESENT, participant_id=OuterRef("participant_id"), event__in=earlier_events
    )
    present = _present(period, scope).filter(~Exists(earlier))
    key = _first_year_key(scope)
    if key is not None:
        # Earlier years of anonymised persons are on other rows (PRIVACY.md §2): the row keeps
        # the year of the person's first attendance in the scope.
        present = present.alias(
            came_before=Case(
                When(Q(**{f"participant__first_years__{key}__lt": start.year}), then=Value(True)),
                default=Value(False),
            )
        ).filter(came_before=False)
    return present.values("participant_id").distinct().count()


def _first_year_key(scope: Scope) -> str | None:
    """The key of ``Participant.first_years`` that says when a person first came to the events
    of ``scope`` (calportal.privacy.anonymise keeps it): ``"cal"``, ``"initiative:<id>"`` or
    ``"organisation:<id>"``. None for an event (its registrations are all of one year, on one
    row) and for a project or public task, whose participants stay identifiable until their
    retention ends (PRIVACY.md §1)."""
    if scope.event is not None or linked(scope) is not None:
        return None
    if scope.initiative is not None:
        return f"initiative:{scope.initiative}"
    if scope.organisation is not None:
        return f"organisation:{scope.organisation}"
    return "cal"


def participants_with_disability(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """PE5: persons in PE1 with a present registration for E(P) declaring a disability
    certificate (k = 5 in shared reports)."""
    declared = _present(period, scope).filter(certificate_declared=True)
    return declared.values("participant_id").distinct().count()


def children_with_disability(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """R5's "children with a disability reached": persons in PE5 (a present registration
    declaring a disability certificate) aged under 18 in the year of their first attendance in
    the period (source: REPORTS.md §6 R5, target group "disabled children"). k = 5."""
    declared = _present(period, scope).filter(certificate_declared=True)
    persons = _participants(period, scope).filter(pk__in=declared.values("participant_id"))
    return persons.filter(age__lt=18).count()


def initiatives_with_partner(period: Period, scope: Scope = WHOLE_CAL) -> tuple[int, int]:
    """R5's "initiatives with at least one partner organisation": ``(initiatives with an event
    in E(P) that have ≥ 1 partner organisation, initiatives with an event in E(P))``. Two
    queries."""
    initiatives = Initiative.objects.filter(
        pk__in=held_events(period, scope).values("initiative_id")
    )
    with_partner = initiatives.filter(partner_organisations__isnull=False).distinct().count()
    return with_partner, initiatives.count()


def categories_covered(period: Period, scope: Scope = WHOLE_CAL) -> int:
    """R5's "categories covered": how many of the four categories of activity (integration,
    health and prevention, support, active leisure) had an event in E(P). One query."""
    return held_events(period, scope).values("initiative__category").distinct().count()


def participants_60_plus(period: Period, scope: Scope = WHOLE_CAL) -> dict[str, int]:
    """PE6 as ``{"60+": n, "post_working_age": n, "gender_not_given_60_plus": n}``: persons in PE1
    aged 60 or more; of all of them, women 60+ and men 65+; and those 60+ whose gender is not
    given (not in the post-working-age figure)."""
    counts = _participants(period, scope).aggregate(
        aged_60_plus=Count("pk", filter=AGED_60_PLUS),
        post_working_age=Count("pk", filter=POST_WORKING_AGE),
        not_given=Count("pk", filter=AGED_60_PLUS & GENDER_NOT_GIVEN),
    )
    return {
        "60+": counts["aged_60_plus"],
        "post_working_age": counts["post_working_age"],
        "gender_not_given_60_plus": counts["not_given"],
    }


def participants_by_age_gender(
    period: Period, scope: Scope = WHOLE_CAL
) -> dict[tuple[str, str], int]:
    """PE1 split as ``{(age band, gender): persons}`` over every key of
    :data:`~calportal.reports.figures.AGE_BAND_KEYS` × :data:`~calportal.reports.figures.GENDERS`
    (``"female"``, ``"male"``, ``"not_given"``), zeros included; the values add up to PE1."""
    counts = {(band, gender): 0 for band in AGE_BAND_KEYS for gender in GENDERS}
    rows = (
        _participants(period, scope)
        .annotate(band=age_band_case(F("age")), sex=GENDER_KEY)
        .values("band", "sex")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["band"], row["sex"]] = row["n"]
    return counts


def _by_residence(persons: QuerySet, /, **counts) -> dict:
    """``{area id | OUTSIDE | NOT_GIVEN: {name: count}}`` of annotated persons; OUTSIDE and
    NOT_GIVEN always present, areas only when someone lives there."""
    result = {key: dict.fromkeys(counts, 0) for key in (OUTSIDE, NOT_GIVEN)}
    rows = persons.values("area_id", "outside_municipality").annotate(**counts).order_by()
    for row in rows:
        key = _residence(row["area_id"], row["outside_municipality"])
        for name in counts:
            result.setdefault(key, dict.fromkeys(counts, 0))[name] += row[name]
    return result


def participants_by_residence(period: Period, scope: Scope = WHOLE_CAL) -> dict:
    """PE1 split by where the persons live: ``{key: {"participants": n, "aged_60_plus": n}}``
    with key an area's id, :data:`~calportal.reports.figures.OUTSIDE` or
    :data:`~calportal.reports.figures.NOT_GIVEN` (those two always present, areas only with
    participants); the participants add up to PE1."""
    return _by_residence(
        _participants(period, scope),
        participants=Count("pk"),
        aged_60_plus=Count("pk", filter=AGED_60_PLUS),
    )


def participants_without_area() -> int:
    """Persons whose residence is unknown (neither an area nor outside the municipality): a
    data-quality count for the monthly digest (R12); all identifiable participants, not only a
    period's (anonymised rows cannot be mapped any more: their typed district is gone)."""
    return Participant.objects.filter(
        area__isnull=True, outside_municipality=False, anonymised_year__isnull=True
    ).count()


# -- breakdowns --------------------------------------------------------------------------------


def events_by_category_kind(period: Period, scope: Scope = WHOLE_CAL) -> dict[tuple, dict]:
    """The events table of R1 §2: ``{(category, kind): {"initiatives", "EV1", "EV3", "EV4",
    "places_confirmed", "AT1", "PE1"}}`` by the initiative's category and kind, rows only where
    there is something. "initiatives" counts the distinct initiatives with an event in E(P);
    EV3 is in hours (Decimal). Every column adds up to its total except PE1, which is distinct
    within each row: a person who came to two kinds of event is in both rows, once in PE1."""
    events = (
        held_events(period, scope)
        .values(category=F("initiative__category"), kind=F("initiative__kind"))
        .annotate(
            initiatives=Count("initiative_id", distinct=True),
            EV1=Count("pk"),
            duration=Sum(DURATION),
            EV4=Coalesce(Sum("capacity"), 0),
        )
        .order_by()
    )
    people = (
        _registrations(period, scope)
        .values(category=F("event__initiative__category"), kind=F("event__initiative__kind"))
        .annotate(
            places_confirmed=Coalesce(Sum("places", filter=CONFIRMED), 0),
            AT1=Count("pk", filter=PRESENT),
            PE1=Count("participant_id", distinct=True, filter=PRESENT),
        )
        .order_by()
    )
    empty = {
        "initiatives": 0,
        "EV1": 0,
        "EV3": Decimal("0.00"),
        "EV4": 0,
        "places_confirmed": 0,
        "AT1": 0,
        "PE1": 0,
    }
    result: dict[tuple, dict] = {}
    for row in events:
        cells = result.setdefault((row["category"], row["kind"]), dict(empty))
        cells.update(initiatives=row["initiatives"], EV1=row["EV1"], EV4=row["EV4"])
        cells["EV3"] = _hours(row["duration"])
    for row in people:
        cells = result.setdefault((row["category"], row["kind"]), dict(empty))
        cells.update(places_confirmed=row["places_confirmed"], AT1=row["AT1"], PE1=row["PE1"])
    return result


def monthly(
    period: Period, scope: Scope = WHOLE_CAL, *, now: datetime.datetime | None = None
) -> dict[str, dict]:
    """Per local month of the event's start, every month of the period (zeros included):
    ``{"YYYY-MM": {"EV1", "confirmed", "waiting", "cancelled", "AT1", "present", "absent", "RG2",
    "online", "phone", "on_site"}}`` — registrations for E(P) by status and by source, present
    (= AT1) and absent ones, and RG2 as of ``now``."""
    month = {
        "year": ExtractYear("starts_at", tzinfo=WARSAW),
        "month": ExtractMonth("starts_at", tzinfo=WARSAW),
    }
    registration_month = {
        "year": ExtractYear("event__starts_at", tzinfo=WARSAW),
        "month": ExtractMonth("event__starts_at", tzinfo=WARSAW),
    }
    counts = {
        "confirmed": Count("pk", filter=CONFIRMED),
        "waiting": Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        "cancelled": Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
        "AT1": Count("pk", filter=PRESENT),
        "present": Count("pk", filter=PRESENT),
        "absent": Count("pk", filter=ABSENT),
        "RG2": Count("pk", filter=_unmet(now)),
        **{source: Count("pk", filter=Q(source=source)) for source in Source.values},
    }
    result = {key: {"EV1": 0, **dict.fromkeys(counts, 0)} for key in _months(period)}
    events = held_events(period, scope).values(**month).annotate(EV1=Count("pk")).order_by()
    for row in events:
        result[f"{row['year']:04d}-{row['month']:02d}"]["EV1"] = row["EV1"]
    rows = _registrations(period, scope).values(**registration_month).annotate(**counts)
    for row in rows.order_by():
        cells = result[f"{row['year']:04d}-{row['month']:02d}"]
        for name in counts:
            cells[name] = row[name]
    return result


# -- reach (numerators of RE1 and RE2) ---------------------------------------------------------


def reach_persons(period: Period, scope: Scope = WHOLE_CAL) -> dict:
    """Numerators of RE1/RE2 by residence: ``{key: {"persons": n, "60+": n,
    "post_working_age": n}}`` (key as in :func:`participants_by_residence`) over the persons in
    PE1 or holding a pass active on at least one day of the period (PA1b, as
    :func:`initiatives.passes.figures.passes_active_in_queryset` defines it), each once. Age: in
    the year of the first attendance in the period, or — for holders who did not attend — the
    year the period ends in. Passes belong to no initiative: under an event, initiative or
    organisation scope only PE1 counts. RE1/RE2 leave out OUTSIDE and NOT_GIVEN (reported as
    separate counts); the population (the denominator) is computed by the map's figures."""
    present = _present(period, scope)
    reached = Q(pk__in=present.values("participant_id"))
    if scope.kind in {"cal", "area"}:
        reached |= Q(pk__in=passes_active_in_queryset(period).values("holder_id"))
    persons = Participant.objects.filter(reached)
    if scope.area is not None:
        persons = persons.filter(area_id=scope.area)
    persons = _with_age(
        persons, Coalesce(_first_attendance_year(present, period), Value(period.end.year))
    )
    result = _by_residence(
        persons,
        persons=Count("pk"),
        aged_60_plus=Count("pk", filter=AGED_60_PLUS),
        post_working_age=Count("pk", filter=POST_WORKING_AGE),
    )
    return {
        key: {
            "persons": cells["persons"],
            "60+": cells["aged_60_plus"],
            "post_working_age": cells["post_working_age"],
        }
        for key, cells in result.items()
    }


# -- funding and partners ----------------------------------------------------------------------


def funding_by_source(period: Period, scope: Scope = WHOLE_CAL) -> dict[str, Decimal]:
    """FI1: ``{source: PLN}`` summed over the funding rows whose year lies between the period's
    first and last year (REPORTS.md §9, D5), of the initiatives within the scope (its
    initiative, organisation, project or task); a row without a year (entered before years were
    recorded) counts when its initiative has an event in E(P). Only sources with funding appear.
    Under an event or area scope only the initiatives with an event in E(P) there count."""
    initiatives = Initiative.objects.all()
    if scope.initiative is not None:
        initiatives = initiatives.filter(pk=scope.initiative)
    if scope.organisation is not None:
        initiatives = initiatives.filter(pk__in=_initiatives_of(scope.organisation))
    covered = linked(scope)
    if covered is not None:
        initiatives = initiatives.filter(
            Q(pk__in=list(covered.initiatives))
            | Q(pk__in=Event.objects.filter(pk__in=list(covered.events)).values("initiative_id"))
        )
    active = held_events(period, scope).values("initiative_id")
    if scope.event is not None or scope.area is not None:
        initiatives = initiatives.filter(pk__in=active)
    dated = Q(year__gte=period.start.year, year__lte=period.end.year)
    undated = Q(year__isnull=True, initiative__in=active)
    rows = (
        Funding.objects.filter(initiative__in=initiatives.values("pk"))
        .filter(dated | undated)
        .values("source")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["source"]: row["total"] for row in rows}


def organisations_active(period: Period) -> set[int]:
    """For NW2: the ids of the organisations that led or partnered an initiative with an event in
    E(P) (of the whole CAL)."""
    initiatives = Initiative.objects.filter(pk__in=held_events(period).values("initiative_id"))
    led = initiatives.values_list("lead_organisation_id", flat=True).order_by()
    partnered = (
        initiatives.filter(partner_organisations__isnull=False)
        .values_list("partner_organisations", flat=True)
        .order_by()
    )
    return set(led.union(partnered))


def organisations_first_activity() -> dict[int, datetime.date]:
    """For NW2's new partners: ``{organisation id: local date}`` of the first not-cancelled event
    ever of an initiative the organisation led or partnered."""
    events = Event.objects.exclude(status=EventStatus.CANCELLED)
    first_day = Min(TruncDate("starts_at", tzinfo=WARSAW))
    led = events.values(organisation=F("initiative__lead_organisation_id"))
    partnered = events.filter(initiative__partner_organisations__isnull=False).values(
        organisation=F("initiative__partner_organisations")
    )
    result: dict[int, datetime.date] = {}
    for rows in (led, partnered):
        for row in rows.annotate(first=first_day).order_by():
            known = result.get(row["organisation"])
            result[row["organisation"]] = min(known, row["first"]) if known else row["first"]
    return result


def labels() -> dict[str, dict[str, str]]:
    """The printed names of the keys above, in the active language: ``{"category", "kind",
    "registration_status", "source", "attendance", "funding_source": {key: label}}`` (each in
    the order of its choices)."""
    return {
        "category": {value: str(label) for value, label in Category.choices},
        "kind": {value: str(label) for value, label in Kind.choices},
        "registration_status": {value: str(label) for value, label in RegistrationStatus.choices},
        "source": {value: str(label) for value, label in Source.choices},
        "attendance": {value: str(label) for value, label in Attendance.choices},
        "funding_source": {value: str(label) for value, label in FundingSource.choices},
    }
