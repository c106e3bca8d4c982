"""A city-sized data set for timing the reports (``manage.py benchmark_reports``).

:func:`seed` writes synthetic but plausible data for three years (the report's year and the
two before it): participants with birth years, genders and areas; initiatives of every category
and kind with their events and registrations; volunteers in organisations with their hours;
pass holders with their passes, status history and uses at partner venues; self-help groups
with members and meetings; needs, resources, residents' reports and team meetings.

The large tables (participants, registrations, hours, passes, status changes, uses) are written
with PostgreSQL ``COPY`` (psycopg's ``cursor.copy``): a few seconds for the full size, where
``bulk_create`` takes minutes and holds every model instance in memory. Rows are generated
lazily, so the seeding process never holds the whole data set either. The small tables use
``bulk_create``. Everything is random but repeatable (one ``random.Random(seed)``).

:func:`measure` times R1 over a year the way a worker builds it: the dataset in one
REPEATABLE READ transaction, then the PDF, XLSX and CSV from the stored dataset. The command
runs it in a fresh process so that the seeding's memory is not counted.
"""

import datetime
import json
import logging
import math
import random
import resource
import time
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")

# The sizes (scale 1.0): a city of about 100,000 people using the CAL for 3 years.
FULL_SIZES = {
    "participants": 100_000,
    "registrations": 200_000,
    "initiatives": 300,
    "volunteers": 5_000,
    "hours": 100_000,
    "holders": 5_000,
    "uses": 60_000,
    "areas": 30,
    "organisations": 50,
    "venues": 20,
    "groups": 12,
    "resources": 80,
    "needs": 40,
}
# The least of each at a tiny scale, so that every table and section still has rows.
MINIMUM_SIZES = {
    "participants": 40,
    "registrations": 60,
    "initiatives": 8,
    "volunteers": 6,
    "hours": 30,
    "holders": 5,
    "uses": 20,
    "areas": 3,
    "organisations": 2,
    "venues": 2,
    "groups": 2,
    "resources": 5,
    "needs": 4,
}
EVENTS_PER_INITIATIVE_YEAR = 5
YEARS = 3


def sizes_for(scale: float) -> dict[str, int]:
    """How many of each thing to create at ``scale`` (1.0 = :data:`FULL_SIZES`)."""
    return {key: max(MINIMUM_SIZES[key], round(value * scale)) for key, value in FULL_SIZES.items()}


# --- Writing ---------------------------------------------------------------------------------


def _copy(model, fields: list[str], rows: Iterable[tuple]) -> int:
    """COPY ``rows`` (tuples in the order of ``fields``) into ``model``'s table; the database
    assigns the ids in row order. Every other column gets the field's default (the same value
    for every row; ``auto_now``/``auto_now_add`` fields: now). Returns the number of rows."""
    given = [model._meta.get_field(name) for name in fields]
    now = timezone.now()
    rest = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field not in given
    ]
    defaults = tuple(
        now
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        # get_default() is "" for a text field without a default, None for the others; a
        # JSON field's default goes as its JSON text.
        else (
            json.dumps(field.get_default())
            if isinstance(field, models.JSONField)
            else field.get_prep_value(field.get_default())
        )
        for field in rest
    )
    columns = ", ".join(connection.ops.quote_name(field.column) for field in given + rest)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row + defaults)
            count += 1
    return count


def _new_ids(model, after: int) -> list[int]:
    return list(model.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True))


def _max_pk(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            # A model's own table name, not input.
            f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}"  # noqa: S608
        )
        return cursor.fetchone()[0]


def _models() -> list:
    """Every table the seeding writes, in the order it writes them."""
    from calportal.accounts.models import User
    from calportal.organisations.models import Organisation
    from calportal.projects.models import Project, ProjectIndicator, ReportingPeriod
    from calportal.public_tasks.models import CostLine, PlannedResult, PublicTask, TaskAction
    from calportal.reports.models import ReportRun
    from calportal.team.models import TeamMeeting
    from initiatives.models import (
        Event,
        Funding,
        Initiative,
        Participant,
        PartnerVenue,
        PassStatusChange,
        ProgrammeSettings,
        Redemption,
        Registration,
        SeniorPass,
    )
    from resources_map.models import Area, AreaPopulation, Need, ResidentReport, Resource
    from selfhelp.models import Group, Meeting, Member
    from volunteers.models import HoursEntry, Volunteer, VolunteeringSettings, VolunteerRate

    return [
        User,
        Organisation,
        Area,
        AreaPopulation,
        Initiative,
        Initiative.partner_organisations.through,
        Funding,
        Event,
        Participant,
        Registration,
        Volunteer,
        HoursEntry,
        VolunteeringSettings,
        ProgrammeSettings,
        PartnerVenue,
        SeniorPass,
        PassStatusChange,
        Redemption,
        Group,
        Member,
        Meeting,
        Meeting.attendees.through,
        Resource,
        Need,
        Need.areas.through,
        Need.initiatives.through,
        ResidentReport,
        TeamMeeting,
        VolunteerRate,
        Project,
        Project.initiatives.through,
        ReportingPeriod,
        ProjectIndicator,
        PublicTask,
        PublicTask.initiatives.through,
        PlannedResult,
        TaskAction,
        CostLine,
        ReportRun,
    ]


def analyze() -> None:
    """Refresh the planner's statistics of the seeded tables, as autovacuum would soon after:
    on statistics of empty tables PostgreSQL plans nested loops that take minutes."""
    with connection.cursor() as cursor:
        for model in _models():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def watermarks() -> dict:
    """The highest id of every table the seeding writes: :func:`remove` deletes above them."""
    return {model: _max_pk(model) for model in _models()}


def remove(marks: dict) -> None:
    """Delete every row added after ``marks`` (from :func:`watermarks`), newest tables first,
    in one transaction (the foreign keys are checked at its end)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for model in reversed(list(marks)):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE id > %s", [marks[model]])  # noqa: S608


# --- Seeding ---------------------------------------------------------------------------------

FIRST_NAMES = {
    "woman": ["Anna", "Maria", "Krystyna", "Barbara", "Teresa", "Elżbieta", "Zofia", "Halina"],
    "man": ["Jan", "Andrzej", "Piotr", "Stanisław", "Tadeusz", "Józef", "Marek", "Zbigniew"],
}
LAST_NAMES = ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński"]


@dataclass
class Seeded:
    """What :func:`seed` created (counts by table) and how long it took."""

    counts: dict[str, int]
    seconds: float


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=WARSAW)


def _random_day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def seed(*, year: int, scale: float = 1.0, sizes: dict | None = None, random_seed: int = 13):
    """Create the data set for ``year`` and the two years before it. ``sizes`` overrides
    :func:`sizes_for` ``(scale)``. Runs in one transaction; returns :class:`Seeded`."""
    started = time.perf_counter()
    sizes = {**sizes_for(scale), **(sizes or {})}
    with transaction.atomic():
        seeder = _Seeder(year=year, sizes=sizes, rng=random.Random(random_seed))
        seeder.run()
    return Seeded(counts=seeder.counts, seconds=time.perf_counter() - started)


class _Seeder:
    def __init__(self, *, year: int, sizes: dict, rng: random.Random):
        self.year = year
        self.sizes = sizes
        self.rng = rng
        self.first_day = datetime.date(year - YEARS + 1, 1, 1)
        self.last_day = datetime.date(year, 12, 31)
        self.now = timezone.now()
        # Nothing recorded after today: hours, uses and meetings stop here.
        self.horizon = min(self.last_day, timezone.localdate())
        self.token = uuid.uuid4().hex[:8]
        self.counts: dict[str, int] = {}

    def run(self) -> None:
        self.users()
        self.organisations()
        self.areas()
        self.initiatives()
        self.participants()
        self.events_and_registrations()
        self.volunteers_and_hours()
        self.passes()
        self.selfhelp()
        self.map()
        self.team()
        self.agreements()

    def count(self, name: str, value: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + value

    # Reference data ---------------------------------------------------------------------------

    def users(self) -> None:
        from calportal.accounts.models import User

        self.staff = User.objects.create(
            email=f"benchmark-{self.token}@example.invalid", full_name="Benchmark facilitator"
        )

    def organisations(self) -> None:
        from calportal.organisations.models import Organisation

        rng = self.rng
        hosts = [
            Organisation(
                name=f"Stowarzyszenie {index + 1} ({self.token})",
                sector=rng.choice(["ngo", "ngo", "ngo", "public", "citizens"]),
                kind="ngo",
                is_partner=True,
            )
            for index in range(self.sizes["organisations"])
        ]
        businesses = [
            Organisation(
                name=f"Kawiarnia {index + 1} ({self.token})",
                sector="business",
                kind="company",
                is_partner=True,
            )
            for index in range(self.sizes["venues"])
        ]
        self.hosts = Organisation.objects.bulk_create(hosts)
        self.businesses = Organisation.objects.bulk_create(businesses)
        self.count("organisations", len(hosts) + len(businesses))

    def areas(self) -> None:
        from resources_map.models import Area, AreaPopulation

        rng = self.rng
        count = self.sizes["areas"]
        urban = max(1, count * 2 // 5)
        areas = [
            Area(
                name=f"{'Osiedle' if index < urban else 'Sołectwo'} {index + 1} ({self.token})",
                kind="district" if index < urban else "village",
                urban=index < urban,
            )
            for index in range(count)
        ]
        self.area_list = Area.objects.bulk_create(areas)
        # Residents by sex and age group for each of the three years (the town's districts are
        # larger than its villages).
        rows = []
        for area in self.area_list:
            base = rng.randint(2500, 6000) if area.urban else rng.randint(300, 1500)
            shares = {"0-17": 0.18, "18-54": 0.50, "55-59": 0.07, "60-64": 0.07, "65+": 0.18}
            for year in range(self.first_day.year, self.year + 1):
                for sex in ("female", "male"):
                    for group, share in shares.items():
                        residents = round(base * share * rng.uniform(0.95, 1.05))
                        rows.append(
                            AreaPopulation(
                                area=area, year=year, sex=sex, age_group=group, residents=residents
                            )
                        )
        AreaPopulation.objects.bulk_create(rows)
        # Participants live where people live: weighted by the areas' sizes.
        self.area_weights = [5 if area.urban else 1 for area in self.area_list]
        self.count("areas", len(areas))
        self.count("area population rows", len(rows))

    def initiatives(self) -> None:
        from initiatives.models import Category, Funding, FundingSource, Initiative, Kind

        rng = self.rng
        categories, kinds = Category.values, Kind.values
        initiatives = [
            Initiative(
                title=f"Inicjatywa {index + 1}",
                slug=f"bench-{self.token}-{index + 1}",
                category=categories[index % len(categories)],
                kind=kinds[(index // len(categories)) % len(kinds)],
                lead_organisation=rng.choice(self.hosts),
                planned_participants=rng.randint(20, 200),
                status="running",
            )
            for index in range(self.sizes["initiatives"])
        ]
        self.initiative_list = Initiative.objects.bulk_create(initiatives)
        through = Initiative.partner_organisations.through
        partners = [
            through(initiative_id=initiative.pk, organisation_id=rng.choice(self.hosts).pk)
            for initiative in self.initiative_list
            if rng.random() < 0.4 and len(self.hosts) > 1
        ]
        through.objects.bulk_create(partners, ignore_conflicts=True)
        fundings = [
            Funding(
                initiative=initiative,
                source=rng.choice(FundingSource.values),
                amount=Decimal(rng.randint(500, 50_000)),
            )
            for initiative in self.initiative_list
            for _index in range(rng.randint(1, 2))
        ]
        Funding.objects.bulk_create(fundings)
        self.count("initiatives", len(initiatives))

    # Participants, events, registrations --------------------------------------------------------

    def participants(self) -> None:
        from calportal.contacts import name_key
        from initiatives.models import Participant

        rng = self.rng
        areas = [area.pk for area in self.area_list]
        mark = _max_pk(Participant)
        consent = _aware(self.first_day - datetime.timedelta(days=30), 10)

        def rows():
            for index in range(self.sizes["participants"]):
                gender = rng.choices(["woman", "man", "not_given"], [62, 34, 4])[0]
                first = rng.choice(FIRST_NAMES["man" if gender == "man" else "woman"])
                last = rng.choice(LAST_NAMES)
                # The CAL is for seniors first, but families and young people come too.
                birth_year = rng.choices(
                    [
                        rng.randint(1930, 1959),
                        rng.randint(1960, 1969),
                        rng.randint(1970, 2004),
                        rng.randint(2005, self.year - 3),
                        None,
                    ],
                    [50, 15, 20, 10, 5],
                )[0]
                where = rng.random()
                area = rng.choices(areas, self.area_weights)[0] if where < 0.85 else None
                outside = 0.85 <= where < 0.92
                phone = f"6{index:08d}"[-9:]
                created = consent + datetime.timedelta(minutes=index)
                yield (
                    first,
                    last,
                    name_key(first, last),
                    "",
                    phone,
                    birth_year,
                    gender,
                    "",
                    area,
                    outside,
                    "2024-01",
                    consent,
                    "registrations",
                    created,
                )

        self.count(
            "participants",
            _copy(
                Participant,
                [
                    "first_name",
                    "last_name",
                    "name_key",
                    "email",
                    "phone",
                    "birth_year",
                    "gender",
                    "district",
                    "area",
                    "outside_municipality",
                    "consent_text_version",
                    "consent_given_at",
                    "consent_scope",
                    "created_at",
                ],
                rows(),
            ),
        )
        self.participant_ids = _new_ids(Participant, mark)
        # Birth years for choosing pass holders (aged 60+) without reading the rows again.
        self.seniors = list(
            Participant.objects.filter(pk__gt=mark, birth_year__lte=self.year - 60)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def events_and_registrations(self) -> None:
        from initiatives.models import Event, Registration

        rng = self.rng
        plans = []
        for initiative in self.initiative_list:
            for year in range(self.first_day.year, self.year + 1):
                for _index in range(EVENTS_PER_INITIATIVE_YEAR):
                    day = _random_day(rng, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
                    starts = _aware(day, rng.choice([10, 12, 16, 17, 18]))
                    plans.append(
                        {
                            "initiative": initiative,
                            "starts": starts,
                            "ends": starts + datetime.timedelta(minutes=rng.choice([90, 120, 180])),
                            "capacity": rng.randint(40, 100),
                            "cancelled": rng.random() < 0.03,
                        }
                    )
        total_capacity = sum(plan["capacity"] for plan in plans)
        wanted = self.sizes["registrations"]
        people = len(self.participant_ids)
        for plan in plans:
            plan["registrations"] = min(people, round(wanted * plan["capacity"] / total_capacity))
            # Two places at most per registration: enough room for every confirmed one.
            plan["capacity"] = max(plan["capacity"], 2 * plan["registrations"], 1)
        events = [
            Event(
                initiative=plan["initiative"],
                starts_at=plan["starts"],
                ends_at=plan["ends"],
                place_name="Centrum Aktywności Lokalnej",
                capacity=plan["capacity"],
                status="cancelled" if plan["cancelled"] else "scheduled",
                cancelled_at=plan["starts"] - datetime.timedelta(days=2)
                if plan["cancelled"]
                else None,
            )
            for plan in plans
        ]
        events = Event.objects.bulk_create(events, batch_size=2000)
        self.count("events", len(events))

        # A third of the people come to most events (the regulars).
        ids = self.participant_ids
        regulars = ids[: max(1, len(ids) // 3)]
        others = ids[len(regulars) :] or regulars

        def rows():
            for event, plan in zip(events, plans, strict=True):
                wanted_here = plan["registrations"]
                from_regulars = min(len(regulars), round(wanted_here * 0.6))
                chosen = rng.sample(regulars, from_regulars)
                chosen += rng.sample(others, min(len(others), wanted_here - from_regulars))
                past = event.starts_at < self.now
                for participant in set(chosen):
                    created = event.starts_at - datetime.timedelta(
                        days=rng.randint(1, 30), minutes=rng.randint(0, 600)
                    )
                    if plan["cancelled"]:
                        status = "cancelled"
                    else:
                        status = rng.choices(["confirmed", "waiting", "cancelled"], [85, 7, 8])[0]
                    attendance = ""
                    if status == "confirmed" and past and rng.random() < 0.92:
                        attendance = "present" if rng.random() < 0.88 else "absent"
                    yield (
                        event.pk,
                        participant,
                        2 if rng.random() < 0.1 else 1,
                        status,
                        rng.choices(["online", "phone", "on_site"], [55, 35, 10])[0],
                        "Potrzebuję miejsca przy wejściu." if rng.random() < 0.03 else "",
                        attendance,
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        created,
                        created,
                        created + datetime.timedelta(days=1) if status == "cancelled" else None,
                        "pl",
                        rng.random() < 0.06,
                    )

        self.count(
            "registrations",
            _copy(
                Registration,
                [
                    "event",
                    "participant",
                    "places",
                    "status",
                    "source",
                    "accessibility_needs",
                    "attendance",
                    "access_key",
                    "queued_at",
                    "created_at",
                    "cancelled_at",
                    "language",
                    "certificate_declared",
                ],
                rows(),
            ),
        )
        # The places taken by the confirmed registrations, as the services keep them.
        taken = (
            Registration.objects.filter(event=OuterRef("pk"), status="confirmed")
            .values("event")
            .annotate(places=Sum("places"))
            .values("places")
        )
        Event.objects.filter(pk__gte=events[0].pk).update(places_taken=Coalesce(Subquery(taken), 0))

    # Volunteering -------------------------------------------------------------------------------

    def volunteers_and_hours(self) -> None:
        from volunteers.models import HoursEntry, Volunteer, VolunteeringSettings

        rng = self.rng
        VolunteeringSettings.current()
        mark = _max_pk(Volunteer)

        def volunteers():
            for index in range(self.sizes["volunteers"]):
                first = rng.choice(FIRST_NAMES["woman"] + FIRST_NAMES["man"])
                joined = _random_day(
                    rng, self.first_day - datetime.timedelta(days=365), self.horizon
                )
                yield (
                    rng.choice(self.hosts).pk,
                    first,
                    rng.choice(LAST_NAMES),
                    "",
                    f"5{index:08d}"[-9:],
                    rng.randint(1950, self.year - 16),
                    "",
                    "",
                    "[]",
                    "active",
                    False,
                    "",
                    "",
                    "",
                    _aware(joined, 9),
                    _aware(joined, 9),
                )

        self.count(
            "volunteers",
            _copy(
                Volunteer,
                [
                    "organisation",
                    "first_name",
                    "last_name",
                    "email",
                    "phone",
                    "birth_year",
                    "grammatical_gender",
                    "languages",
                    "availability",
                    "status",
                    "insured",
                    "policy_number",
                    "notes",
                    "message",
                    "consent_given_at",
                    "created_at",
                ],
                volunteers(),
            ),
        )
        volunteer_ids = _new_ids(Volunteer, mark)
        initiatives = [initiative.pk for initiative in self.initiative_list]
        work_kinds = self.rates()
        # Some volunteers give many hours, most a few.
        # (capped: nobody logs more than about one entry a day).
        weights = [min(rng.paretovariate(1.5), 25) for _id in volunteer_ids]

        def entries():
            chosen = rng.choices(volunteer_ids, weights, k=self.sizes["hours"])
            for volunteer in chosen:
                day = _random_day(rng, self.first_day, self.horizon)
                status = rng.choices(["approved", "submitted", "rejected"], [90, 7, 3])[0]
                decided = (
                    _aware(day, 20) + datetime.timedelta(days=3) if status != "submitted" else None
                )
                on_initiative = rng.random() < 0.5
                yield (
                    volunteer,
                    day,
                    rng.choice([4, 6, 8, 12, 16, 24]),
                    rng.choice(initiatives) if on_initiative else None,
                    "" if on_initiative else "Pomoc sąsiedzka",
                    "",
                    status,
                    "Wpis podwójny." if status == "rejected" else "",
                    decided,
                    _aware(day, 19),
                    rng.choice(work_kinds),
                )

        self.count(
            "hours entries",
            _copy(
                HoursEntry,
                [
                    "volunteer",
                    "date",
                    "quarters",
                    "initiative",
                    "activity",
                    "description",
                    "status",
                    "reject_reason",
                    "decided_at",
                    "created_at",
                    "work_kind",
                ],
                entries(),
            ),
        )

    def rates(self) -> list[int | None]:
        """The rate table for the three years (a general rate that changes on 1 July of the
        report's year, and one kind with its own rate); returns the kinds of work hours are
        logged under (None: an old entry without one)."""
        from volunteers.models import VolunteerRate, WorkKind

        kinds = list(WorkKind.objects.values_list("pk", flat=True)[:4])
        rows = [
            VolunteerRate(
                valid_from=self.first_day,
                hourly_rate=Decimal("30.50"),
                source=f"benchmark {self.token}",
            ),
            VolunteerRate(
                valid_from=datetime.date(self.year, 7, 1),
                hourly_rate=Decimal("33.20"),
                source=f"benchmark {self.token}",
            ),
        ]
        if kinds:
            rows.append(
                VolunteerRate(
                    valid_from=self.first_day,
                    work_kind_id=kinds[0],
                    hourly_rate=Decimal("45.00"),
                    source=f"benchmark {self.token}",
                )
            )
        VolunteerRate.objects.bulk_create(rows)
        return kinds + [None]

    # Funding agreements and public tasks (R4, R6) ---------------------------------------------

    def agreements(self) -> None:
        """An ESF+ project over the report's year and the one before, with a third of the
        initiatives, half-year reporting periods and two indicators; and a public task of the
        report's year commissioned to the first organisation, with 20 initiatives, results,
        actions and cost lines."""
        from calportal.projects.models import Project, ProjectIndicator, ReportingPeriod
        from calportal.public_tasks.models import CostLine, PlannedResult, PublicTask, TaskAction

        rng = self.rng
        initiatives = list(self.initiative_list)
        project = Project.objects.create(
            name=f"Aktywni razem ({self.token})",
            funder="Wojewódzki Urząd Pracy w Poznaniu – FEW 2021–2027",
            agreement_number=f"FEWP.06.10-IZ.00-{self.token}/{self.year}",
            start=datetime.date(self.year - 1, 1, 1),
            end=datetime.date(self.year, 12, 31),
            retention_end=datetime.date(self.year + 5, 12, 31),
        )
        project.initiatives.set(initiatives[: max(1, len(initiatives) // 3)])
        ReportingPeriod.objects.bulk_create(
            ReportingPeriod(project=project, start=start, end=end, due=end + datetime.timedelta(10))
            for year in (self.year - 1, self.year)
            for start, end in (
                (datetime.date(year, 1, 1), datetime.date(year, 6, 30)),
                (datetime.date(year, 7, 1), datetime.date(year, 12, 31)),
            )
        )
        ProjectIndicator.objects.bulk_create(
            [
                ProjectIndicator(
                    project=project,
                    name="Liczba osób objętych wsparciem",
                    kind="output",
                    measure="started",
                    target_women=900,
                    target_men=600,
                    target_total=1500,
                ),
                ProjectIndicator(
                    project=project,
                    name="Liczba osób, które podjęły aktywność społeczną",
                    kind="result",
                    measure="typed",
                    target_total=300,
                ),
            ]
        )
        task = PublicTask.objects.create(
            contract_number=f"BENCH/{self.token}/{self.year}",
            contract_date=datetime.date(self.year, 1, 15),
            title="Aktywizacja seniorów – kawiarenki, warsztaty, pikniki",
            organisation=self.hosts[0],
            starts_on=datetime.date(self.year, 2, 1),
            ends_on=datetime.date(self.year, 12, 15),
            grant_amount=Decimal("48000.00"),
            grant_spent=Decimal("47250.00"),
            own_financial=Decimal("2400.00"),
        )
        linked = initiatives[: min(20, len(initiatives))]
        task.initiatives.set(linked)
        PlannedResult.objects.bulk_create(
            PlannedResult(task=task, position=index, name=name, target=target, measured_by=measure)
            for index, (name, target, measure) in enumerate(
                [
                    ("Spotkania", Decimal(300), "EV1"),
                    ("Uczestnicy", Decimal(2000), "PE1"),
                    ("Obecności", Decimal(6000), "AT1"),
                    ("Godziny wolontariatu", Decimal(2500), "VO3"),
                ]
            )
        )
        actions = TaskAction.objects.bulk_create(
            TaskAction(
                task=task,
                position=index,
                name=initiative.title[:300],
                initiative=initiative,
                planned_start=task.starts_on,
                planned_end=task.ends_on,
            )
            for index, initiative in enumerate(linked[:10])
        )
        CostLine.objects.bulk_create(
            CostLine(
                task=task,
                position=index,
                kind="action" if index < 8 else "administrative",
                action=actions[index] if index < len(actions) and index < 8 else None,
                name=f"Koszt {index + 1}",
                planned=Decimal(rng.randint(1000, 8000)),
                incurred=Decimal(rng.randint(900, 8000)),
            )
            for index in range(10)
        )
        self.count("projects and public tasks", 2)

    # The senior pass ----------------------------------------------------------------------------

    def passes(self) -> None:
        from initiatives.models import (
            PartnerVenue,
            PassStatusChange,
            ProgrammeSettings,
            Redemption,
            SeniorPass,
        )

        rng = self.rng
        programme = ProgrammeSettings.current()
        if programme.weekly_pool is None:
            programme.weekly_pool = 40
            programme.save(update_fields=["weekly_pool"])
        venues = PartnerVenue.objects.bulk_create(
            [
                PartnerVenue(
                    organisation=business,
                    name=business.name,
                    address=f"ul. Rynek {index + 1}",
                    active_from=self.first_day - datetime.timedelta(days=400),
                    active_until=None if rng.random() < 0.9 else self.last_day,
                )
                for index, business in enumerate(self.businesses)
            ]
        )
        holders = rng.sample(self.seniors, min(len(self.seniors), self.sizes["holders"]))
        # Each holder's passes one after another: a year's validity, most renew it.
        passes = []  # (holder, issued_on, valid_until, status, status_from)
        for holder in holders:
            issued = _random_day(rng, self.first_day - datetime.timedelta(days=180), self.horizon)
            while True:
                valid_until = issued + datetime.timedelta(days=364)
                renews = valid_until < self.horizon and rng.random() < 0.75
                # Expired the day after its last day (the nightly task's history row).
                status, since = "active", None
                if valid_until < timezone.localdate():
                    status, since = "expired", valid_until + datetime.timedelta(days=1)
                elif rng.random() < 0.05:
                    status = rng.choice(["suspended", "revoked"])
                    since = _random_day(rng, issued, min(valid_until, self.horizon))
                passes.append((holder, issued, valid_until, status, since))
                if not renews:
                    break
                issued = valid_until + datetime.timedelta(days=1)
        mark = _max_pk(SeniorPass)

        def pass_rows():
            for number, (holder, issued, valid_until, status, _since) in enumerate(passes):
                yield (
                    holder,
                    f"SPS-{issued.year}-9{number:05d}",
                    issued,
                    valid_until,
                    status,
                    "",
                    _aware(issued, 11),
                )

        self.count(
            "passes",
            _copy(
                SeniorPass,
                [
                    "holder",
                    "number",
                    "issued_on",
                    "valid_until",
                    "status",
                    "status_note",
                    "created_at",
                ],
                pass_rows(),
            ),
        )
        pass_ids = _new_ids(SeniorPass, mark)

        def history():
            for pk, (_holder, issued, _valid, status, since) in zip(pass_ids, passes, strict=True):
                yield (pk, "active", issued, _aware(issued, 11), "")
                if since is not None:
                    yield (pk, status, since, _aware(since, 12), "")

        self.count(
            "pass status changes",
            _copy(
                PassStatusChange,
                ["senior_pass", "status", "started_on", "changed_at", "reason"],
                history(),
            ),
        )
        # Uses: on the days a pass was in force (never after its status ended it).
        spans = []
        for pk, (_holder, issued, valid_until, status, since) in zip(pass_ids, passes, strict=True):
            last = min(valid_until, self.horizon)
            if since is not None and status != "expired":
                last = min(last, since - datetime.timedelta(days=1))
            if last >= issued:
                spans.append((pk, issued, last))
        venue_ids = [venue.pk for venue in venues]
        venue_weights = [rng.uniform(0.3, 3) for _venue in venue_ids]

        def uses():
            if not spans:
                return
            for _index in range(self.sizes["uses"]):
                pk, first, last = rng.choice(spans)
                day = _random_day(rng, first, last)
                yield (
                    pk,
                    rng.choices(venue_ids, venue_weights)[0],
                    _aware(day, rng.randint(9, 17), rng.randint(0, 59)),
                )

        self.count("pass uses", _copy(Redemption, ["senior_pass", "venue", "redeemed_at"], uses()))

    # Self-help, the map, the team ---------------------------------------------------------------

    def selfhelp(self) -> None:
        from selfhelp.models import Group, Meeting, Member, Topic

        rng = self.rng
        groups = Group.objects.bulk_create(
            [
                Group(
                    name=f"Grupa wsparcia {index + 1}",
                    slug=f"bench-{self.token}-{index + 1}",
                    topic=Topic.values[index % len(Topic.values)],
                    description="Spotkania grupy wsparcia.",
                    who_for="Dla mieszkańców.",
                    facilitator=self.staff,
                    place="CAL, sala 2",
                    weekday=index % 5,
                    starts_at=datetime.time(17, 0),
                    frequency="fortnightly",
                    status="active" if index % 6 else "closed",
                )
                for index in range(self.sizes["groups"])
            ]
        )
        members = []
        for group in groups:
            for index in range(rng.randint(5, 12)):
                joined = _random_day(rng, self.first_day, self.horizon)
                left = _random_day(rng, joined, self.horizon) if rng.random() < 0.2 else None
                members.append(
                    Member(
                        group=group, first_name=f"Osoba {index + 1}", joined_on=joined, left_on=left
                    )
                )
        members = Member.objects.bulk_create(members)
        meetings = []
        for group in groups:
            for day in group.meeting_dates(self.first_day, self.horizon):
                cancelled = rng.random() < 0.05
                meetings.append(
                    Meeting(
                        group=group,
                        starts_at=_aware(day, 17),
                        held=not cancelled,
                        cancelled=cancelled,
                    )
                )
        meetings = Meeting.objects.bulk_create(meetings, batch_size=2000)
        by_group: dict[int, list] = {}
        for member in members:
            by_group.setdefault(member.group_id, []).append(member)
        through = Meeting.attendees.through
        attendance = []
        for meeting in meetings:
            if not meeting.held:
                continue
            day = timezone.localdate(meeting.starts_at)  # the Warsaw day, not UTC's
            present = [
                member
                for member in by_group.get(meeting.group_id, [])
                if member.joined_on <= day and (member.left_on is None or member.left_on > day)
            ]
            for member in present:
                if rng.random() < 0.75:
                    attendance.append(through(meeting_id=meeting.pk, member_id=member.pk))
        through.objects.bulk_create(attendance, batch_size=5000)
        self.count("self-help groups", len(groups))
        self.count("self-help meetings", len(meetings))

    def map(self) -> None:
        from resources_map.models import CLASS_OF_KIND, Need, ResidentReport, Resource

        rng = self.rng
        resources = Resource.objects.bulk_create(
            [
                Resource(
                    name=f"Zasób {index + 1}",
                    resource_class=CLASS_OF_KIND[kind],
                    kind=kind,
                    area=rng.choice(self.area_list),
                    verified_on=_random_day(rng, self.first_day, self.horizon)
                    if rng.random() < 0.7
                    else None,
                )
                for index, kind in enumerate(
                    rng.choice(["room", "equipment", "transport", "skill", "time", "funding"])
                    for _index in range(self.sizes["resources"])
                )
            ]
        )
        needs = Need.objects.bulk_create(
            [
                Need(
                    title=f"Potrzeba {index + 1}",
                    description="Potrzeba zgłoszona w diagnozie.",
                    severity=rng.randint(1, 4),
                    found_by=rng.choice(["survey", "interview", "statistics", "observation"]),
                    identified_on=_random_day(rng, self.first_day, self.horizon),
                    status=rng.choice(["identified", "addressed", "met", "dropped"]),
                )
                for index in range(self.sizes["needs"])
            ]
        )
        Need.areas.through.objects.bulk_create(
            [
                Need.areas.through(need_id=need.pk, area_id=rng.choice(self.area_list).pk)
                for need in needs
            ]
        )
        Need.initiatives.through.objects.bulk_create(
            [
                Need.initiatives.through(
                    need_id=need.pk, initiative_id=rng.choice(self.initiative_list).pk
                )
                for need in needs
                if rng.random() < 0.5
            ]
        )
        reports = ResidentReport.objects.bulk_create(
            [
                ResidentReport(
                    kind=rng.choice(["need", "skill", "room", "time"]),
                    description="Zgłoszenie mieszkańca.",
                    consent_given_at=self.now,
                    status=rng.choice(["accepted", "rejected"]),
                    reject_reason="Poza zakresem.",
                    handled_at=self.now,
                )
                for _index in range(max(3, len(needs) // 2))
            ]
        )
        # created_at is set by the database's clock: spread the reports over the three years.
        for report in reports:
            sent = _aware(_random_day(rng, self.first_day, self.horizon), 12)
            report.created_at, report.handled_at = (
                sent,
                sent + datetime.timedelta(days=rng.randint(1, 20)),
            )
        ResidentReport.objects.bulk_update(reports, ["created_at", "handled_at"])
        for resource_ in resources:
            resource_.created_at = _aware(_random_day(rng, self.first_day, self.horizon), 12)
        Resource.objects.bulk_update(resources, ["created_at"])
        self.count("resources", len(resources))
        self.count("needs", len(needs))

    def team(self) -> None:
        from calportal.team.models import TeamMeeting

        meetings = []
        month = datetime.date(self.first_day.year, 1, 10)
        while month <= self.horizon:
            meetings.append(TeamMeeting(held_on=month, agenda="Plan działań CAL."))
            month = (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=10)
        TeamMeeting.objects.bulk_create(meetings)
        self.count("team meetings", len(meetings))


# --- Measuring -------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """The process's peak resident memory in MB. ``VmHWM`` (this program's own high-water
    mark) where Linux has it: ``ru_maxrss`` of a process started by ``exec`` from a large
    parent also counts the parent's memory at the fork."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# The reports the benchmark times: R1 (issue 13), and R6, R4 and R8 (issue 14).
KINDS = ("R1", "R6", "R4", "R8")


def r1_run(year: int):
    """An R1 run for ``year`` with the default comparison (the year before), internal
    variant, in Polish, as the report form makes it (saved: the files print its number)."""
    return report_run("R1", year)


def report_run(kind: str, year: int):
    """A run of ``kind`` over ``year``, internal variant, in Polish, as the report form makes
    it: R1 and R8 for the whole CAL compared with the year before; R6 for the seeded public
    task and R4 for the seeded project (the latest ones), without a comparison. Raises
    ``LookupError`` when R6's or R4's object was not seeded."""
    from calportal.reports.models import ReportRun

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    scope, compared = {}, kind in {"R1", "R8"}
    if kind == "R6":
        from calportal.public_tasks.models import PublicTask

        task = PublicTask.objects.filter(contract_number__startswith="BENCH/").last()
        if task is None:
            raise LookupError("no seeded public task")
        scope = {"task": task.pk}
    elif kind == "R4":
        from calportal.projects.models import Project

        project = Project.objects.filter(agreement_number__startswith="FEWP.06.10-IZ").last()
        if project is None:
            raise LookupError("no seeded project")
        scope = {"project": project.pk}
    return ReportRun.objects.create(
        kind=kind,
        title=f"{kind} benchmark {year}",
        parameters={
            "kind": kind,
            "scope": scope,
            "timeframe": f"custom:{start}/{end}",
            "comparison": "same_period_last_year" if compared else "none",
            "variant": "internal",
            "language": "pl",
            "k": 3,
        },
        scope=scope,
        variant="internal",
        language="pl",
        period_start=start,
        period_end=end,
        comparison_start=start.replace(year=year - 1) if compared else None,
        comparison_end=end.replace(year=year - 1) if compared else None,
    )


def dataset_queries(run) -> tuple[dict, int, float]:
    """Build ``run``'s dataset as the worker does (one REPEATABLE READ snapshot when this is
    the outermost transaction): ``(dataset, SQL queries, seconds)``."""
    from calportal.reports.services import build_dataset

    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        dataset = build_dataset(run, data_as_of=timezone.now())
    seconds = time.perf_counter() - started
    return dataset, len(queries) - (1 if snapshot else 0), seconds


def measure(year: int, *, kind: str = "R1", files: bool = True, profile: str | None = None) -> dict:
    """Time ``kind`` (one of :data:`KINDS`) over ``year``: the dataset (seconds, SQL queries,
    memory it added), then each file the kind makes (seconds, bytes), and the process's peak
    memory. With ``profile`` (a path), the dataset's and the PDF's cProfile statistics are
    written there (``.dataset``/``.pdf``)."""
    from calportal.reports.documents import build_csv, build_pdf, build_xlsx
    from calportal.reports.models import dataset_checksum
    from calportal.reports.registry import formats_of, get_kind

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    result: dict = {"year": year, "kind": kind}
    run = report_run(kind, year)
    formats = formats_of(get_kind(kind), run.variant)
    try:
        before = peak_rss_mb()
        result["rss_before_mb"] = round(before, 1)
        profiler = _profiler(profile)
        dataset, queries, seconds = dataset_queries(run)
        _dump(profiler, profile, "dataset")
        result["dataset"] = {
            "seconds": round(seconds, 3),
            "queries": queries,
            "rss_growth_mb": round(peak_rss_mb() - before, 1),
            "json_bytes": len(json.dumps(dataset, default=str)),
        }
        # The headline figures: proof the report saw the data (not a report of zeros).
        result["kpis"] = {kpi["id"]: kpi["value"] for kpi in dataset["kpis"]}
        run.dataset = dataset
        run.checksum = dataset_checksum(dataset)
        run.status = "ready"
        run.data_as_of = timezone.now()
        run.save(update_fields=["dataset", "checksum", "status", "data_as_of"])
        if files:
            run.refresh_from_db()  # the worker renders from the stored JSON, as here
            builders = (("pdf", build_pdf), ("xlsx", build_xlsx), ("csv", build_csv))
            for name, builder in builders:
                if name not in formats:
                    continue
                profiler = _profiler(profile) if name == "pdf" else None
                started = time.perf_counter()
                content = builder({"run": run.pk}).render(language=run.language)
                result[name] = {
                    "seconds": round(time.perf_counter() - started, 3),
                    "bytes": len(content),
                }
                _dump(profiler, profile, name)
        result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    finally:
        run.delete()
    return result


def _profiler(path: str | None):
    if not path:
        return None
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    return profiler


def _dump(profiler, path: str | None, part: str) -> None:
    if profiler is None:
        return
    profiler.disable()
    profiler.dump_stats(f"{path}.{part}")


def dataset_size_summary(counts: dict) -> str:
    return ", ".join(f"{value:,} {name}" for name, value in counts.items())


def megabytes(value: float) -> str:
    return f"{value:,.0f} MB" if value >= 10 else f"{value:.1f} MB"


def human_bytes(value: int) -> str:
    if value >= 1024 * 1024:
        return f"{value / 1024 / 1024:.1f} MB"
    return f"{math.ceil(value / 1024)} kB"
