"""Demo initiatives of the Śrem CAL with upcoming events and fictional participants.

Idempotent: an initiative that exists already (by slug) is left as it is, with its events.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Lower, Trim
from django.utils import timezone

from initiatives.models import (
    Category,
    Event,
    Funding,
    FundingSource,
    Initiative,
    Kind,
    Participant,
    Registration,
    RegistrationStatus,
    Source,
    Status,
    TargetGroup,
)
from initiatives.services import district_key_expression

FIRST_NAMES = [
    "Halina",
    "Zdzisław",
    "Krystyna",
    "Jerzy",
    "Danuta",
    "Stanisław",
    "Teresa",
    "Ryszard",
    "Elżbieta",
    "Józef",
    "Wanda",
    "Kazimierz",
    "Irena",
    "Tadeusz",
    "Jadwiga",
    "Czesław",
    "Bożena",
    "Henryk",
    "Urszula",
    "Władysław",
    "Lucyna",
    "Bogdan",
    "Genowefa",
    "Zbigniew",
]
LAST_NAMES = [
    "Wiśniewska",
    "Majewski",
    "Górecka",
    "Kołodziej",
    "Śliwińska",
    "Łuczak",
    "Żurek",
    "Pietrzak",
    "Grześkowiak",
    "Nowaczyk",
    "Ratajczak",
    "Michalak",
    "Kaźmierczak",
    "Jankowiak",
]
# As people typed them: most are the map's areas (linked by name once the map is loaded);
# the rest are left for staff on the "districts to map" page.
DISTRICTS = [
    "Jeziorany",
    "Helenki",
    "Centrum",
    "Staszica",
    "Mechlin",
    "Psarskie",
    "Dąbrowa",
    "os. Jeziorany",
    "Poznań",
    "centrum ",
]
# The same people entered twice, as happens (REPORTS.md §9, D3): (index of the person in
# _participants, first name, last name, e-mail, phone, year of birth or None).
DUPLICATES = [
    (0, "Halina", "Wiśniewska-Nowak", "", "600000010", None),  # the same phone
    (3, "Jurek", "Kołodziej", "Uczestnik4@example.org", "", None),  # the same e-mail
    (2, "Krystyna", "Górecka", "k.gorecka@example.org", "", 1944),  # name and year of birth
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7 or 7)


@transaction.atomic
def initiatives_demo_load(organisations: dict) -> None:
    today = timezone.localdate()
    groups = {group.code: group for group in TargetGroup.objects.all()}
    people = _participants()
    _duplicates()
    participant_areas_demo_load()  # the areas exist when the demo is loaded again
    ops = organisations["ops"]

    def initiative(slug, **fields):
        target_groups = fields.pop("target_groups")
        partners = fields.pop("partners", [])
        fundings = fields.pop("fundings", [])
        existing = Initiative.objects.filter(slug=slug).first()
        if existing:
            return None
        created = Initiative.objects.create(slug=slug, lead_organisation=ops, **fields)
        created.target_groups.set([groups[code] for code in target_groups])
        created.partner_organisations.set([organisations[key] for key in partners])
        for source, amount in fundings:
            Funding.objects.create(initiative=created, source=source, amount=Decimal(amount))
        return created

    academy = initiative(
        "akademia-pelni-zycia",
        title="Akademia pełni życia",
        kind=Kind.WORKSHOP_CYCLE,
        category=Category.HEALTH,
        description="Cykliczne warsztaty rekreacyjne, turystyczne, kulturalne i rehabilitacyjne "
        "oraz wycieczki dla 40 osób niepełnosprawnych w wieku 55+.",
        target_groups=["disabled_55"],
        min_age=55,
        disability_certificate_required=True,
        planned_participants=40,
        status=Status.RUNNING,
        partners=["nadzieja", "pokolenie"],
        fundings=[(FundingSource.ESF, "48000"), (FundingSource.MUNICIPAL, "6000")],
    )
    if academy:
        first = _next_weekday(today, 2)
        sessions = [
            _event(
                academy,
                first + timedelta(weeks=week),
                10,
                12,
                "Sala OPS",
                "ul. Mickiewicza 40",
                capacity=20,
                step_free_access=True,
                accessible_toilet=True,
            )
            for week in range(8)
        ]
        _register(sessions[0], people[:12])
        _register(sessions[1], people[4:10])

    sport = initiative(
        "sport-dla-wszystkich",
        title="Sport dla wszystkich",
        kind=Kind.SPORTS,
        category=Category.HEALTH,
        description="Zajęcia na basenie dla 20 niepełnosprawnych dzieci i młodzieży, 1,5 godziny "
        "tygodniowo, ze wsparciem psychologicznym dla rodziców.",
        target_groups=["disabled_children", "families"],
        max_age=18,
        planned_participants=20,
        status=Status.RUNNING,
        partners=["pcpr"],
        fundings=[(FundingSource.MUNICIPAL, "12000"), (FundingSource.MARSHAL, "8000")],
    )
    if sport:
        first = _next_weekday(today, 3)
        for week in range(6):
            _event(
                sport,
                first + timedelta(weeks=week),
                16,
                17,
                "Pływalnia miejska",
                "Śrem",
                capacity=20,
                minute_end=30,
                max_companions=1,
                step_free_access=True,
                accessible_toilet=True,
                parking=True,
            )

    picnic = initiative(
        "dzien-dobrych-uczynkow",
        title="Dzień Dobrych Uczynków – piknik w Dworze „Andrzejówka”",
        kind=Kind.PICNIC,
        category=Category.INTEGRATION,
        description="Plenerowe spotkanie dla seniorów i osób niepełnosprawnych: muzyka, "
        "poczęstunek, rozmowy. Dojazd zapewniają wolontariusze.",
        target_groups=["seniors_60", "disabled_55"],
        planned_participants=80,
        status=Status.PLANNED,
        partners=["nadzieja", "fundacja"],
        fundings=[(FundingSource.MUNICIPAL, "5000"), (FundingSource.DONORS, "2500")],
    )
    if picnic:
        event = _event(
            picnic,
            today + timedelta(days=20),
            12,
            17,
            "Dwór „Andrzejówka”",
            "Mechlin",
            capacity=60,
            max_companions=2,
            step_free_access=True,
            accessible_toilet=True,
            parking=True,
        )
        _register(event, people[:20], companions=1)

    club = initiative(
        "amatorski-klub-literacki",
        title="Amatorski Klub Literacki",
        kind=Kind.CLUB,
        category=Category.LEISURE,
        description="Spotkania dla seniorów i osób niepełnosprawnych 55+, które lubią czytać i "
        "pisać.",
        target_groups=["seniors_60", "disabled_55"],
        min_age=55,
        planned_participants=15,
        status=Status.RUNNING,
        partners=["library"],
        fundings=[(FundingSource.MUNICIPAL, "1500")],
    )
    if club:
        meeting = _event(
            club,
            today + timedelta(days=6),
            17,
            19,
            "Biblioteka Publiczna",
            "Śrem",
            capacity=12,
            max_companions=0,
            step_free_access=True,
            induction_loop=True,
        )
        _register(meeting, people[:12])
        _register(meeting, people[12:15], status=RegistrationStatus.WAITING)
        _event(
            club,
            today + timedelta(days=34),
            17,
            19,
            "Biblioteka Publiczna",
            "Śrem",
            capacity=12,
            max_companions=0,
            step_free_access=True,
            induction_loop=True,
        )

    seminar = initiative(
        "pelnia-zycia-dojrzalego",
        title="Pełnia życia dojrzałego – seminarium",
        kind=Kind.SEMINAR,
        category=Category.HEALTH,
        description="Seminarium o starzeniu się i nowych technologiach.",
        target_groups=["seniors_60"],
        status=Status.PLANNED,
        partners=["pokolenie"],
        fundings=[(FundingSource.MINISTRY, "7000")],
    )
    if seminar:
        event = _event(
            seminar,
            today + timedelta(days=13),
            10,
            14,
            "Biblioteka Publiczna",
            "Śrem",
            capacity=50,
            max_companions=1,
            step_free_access=True,
            induction_loop=True,
            sign_language=True,
            accessible_toilet=True,
        )
        _register(event, people[5:14])

    conference = initiative(
        "konferencja-tworzenie-cal",
        title="Konferencja „Tworzenie Centrum Aktywności Lokalnej”",
        kind=Kind.CONFERENCE,
        category=Category.INTEGRATION,
        description="Promocja metody CAL i wolontariatu jako sposobu na aktywność.",
        target_groups=["everyone"],
        status=Status.PLANNED,
        partners=["um", "nadzieja", "fundacja"],
        fundings=[(FundingSource.ESF, "15000")],
    )
    if conference:
        day = today + timedelta(days=45)
        _event(
            conference,
            day,
            9,
            15,
            "Urząd Miejski – sala sesyjna",
            "Śrem",
            capacity=100,
            max_companions=0,
            step_free_access=True,
            induction_loop=True,
            sign_language=True,
            accessible_toilet=True,
            parking=True,
            registration_opens_at=_at(today + timedelta(days=10), 8),
        )


def _event(
    initiative, day, start_hour, end_hour, place, address, *, capacity, minute_end=0, **fields
) -> Event:
    return Event.objects.create(
        initiative=initiative,
        starts_at=_at(day, start_hour),
        ends_at=_at(day, end_hour, minute_end),
        place_name=place,
        address=address,
        capacity=capacity,
        **fields,
    )


def _participants() -> list[Participant]:
    people = []
    for index in range(24):
        first = FIRST_NAMES[index]
        last = LAST_NAMES[index % len(LAST_NAMES)]
        # Polish surnames in -ski/-cki take -ska/-cka for women.
        if first.endswith("a") and last.endswith("ki"):
            last = last[:-1] + "a"
        elif not first.endswith("a") and last.endswith("ka") and last[-3] in "sc":
            last = last[:-1] + "i"
        email = f"uczestnik{index + 1}@example.org" if index % 3 else ""
        person, _created = Participant.objects.get_or_create(
            phone=f"6000000{index + 10:02d}",
            first_name=first,
            last_name=last,  # DUPLICATES has another person with the same phone
            defaults={
                "email": email,
                "birth_year": 1942 + index,
                "gender": "woman" if first.endswith("a") else "man",
                "district": DISTRICTS[index % len(DISTRICTS)],
                "consent_text_version": "2026-11",
                "consent_scope": "registration",
                "consent_given_at": timezone.now(),
            },
        )
        people.append(person)
    return people


def _duplicates() -> None:
    for _index, first, last, email, phone, birth_year in DUPLICATES:
        if Participant.objects.filter(first_name=first, last_name=last).exists():
            continue
        Participant.objects.create(
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            birth_year=birth_year,
            consent_text_version="2026-11",
            consent_scope="registration",
            consent_given_at=timezone.now(),
        )


def participant_areas_demo_load() -> int:
    """Link the demo people whose typed district is an area's name (case and surrounding
    spaces aside) to that area, as the migration did for real data; the others stay on the
    "districts to map" page. Run after the map's demo data; returns how many were linked."""
    from resources_map.models import Area

    linked = 0
    for area_id, name in Area.objects.values_list("pk", "name"):
        linked += (
            Participant.objects.annotate(district_key=district_key_expression())
            .filter(district_key=Lower(Trim(Value(name))), area__isnull=True)
            .filter(outside_municipality=False)
            .update(area_id=area_id)
        )
    return linked


def _register(event, people, *, companions=0, status=RegistrationStatus.CONFIRMED) -> None:
    places_each = 1 + min(companions, event.max_companions)
    for person in people:
        if (
            status == RegistrationStatus.CONFIRMED
            and event.places_taken + places_each > event.capacity
        ):
            break
        Registration.objects.create(
            event=event,
            participant=person,
            places=places_each,
            status=status,
            source=Source.PHONE if person.email == "" else Source.ONLINE,
        )
        if status == RegistrationStatus.CONFIRMED:
            event.places_taken += places_each
    Event.objects.filter(pk=event.pk).update(places_taken=event.places_taken)


HISTORY_PEOPLE = 140
HISTORY_SLUG = "kawiarenka-seniora-archiwum"


def history_demo_load(organisations: dict) -> int:
    """A year and more of past senior cafés, with attendance recorded, so that the reports have
    something to show: weekly meetings from 1 January of last year until last week, 6–16 people
    present at each (some absent, one waiting), people spread over the map's areas, both
    genders, ages 40–95, some with a declared disability. Run after the map's demo data (the
    people live in its areas). Deterministic; returns how many registrations it made (none when
    it is loaded already)."""
    import random

    from calportal.contacts import name_key
    from resources_map.models import Area

    if Initiative.objects.filter(slug=HISTORY_SLUG).exists():
        return 0
    rng = random.Random(2025)
    today = timezone.localdate()
    areas = list(Area.objects.order_by("pk").values_list("pk", flat=True))
    cafe = Initiative.objects.create(
        slug=HISTORY_SLUG,
        title="Kawiarenka seniora w Centrum (spotkania czwartkowe)",
        kind=Kind.SENIOR_CAFE,
        category=Category.INTEGRATION,
        description="Cotygodniowe spotkania przy kawie: rozmowy, prelekcje, gry. Archiwum spotkań "
        "z ostatnich miesięcy.",
        status=Status.RUNNING,
        lead_organisation=organisations["ops"],
        is_public=False,
    )
    cafe.partner_organisations.set([organisations["nadzieja"]])
    Funding.objects.create(initiative=cafe, source=FundingSource.MUNICIPAL, amount=Decimal("9000"))
    people = Participant.objects.bulk_create(
        [
            Participant(
                first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
                last_name=f"{LAST_NAMES[index % len(LAST_NAMES)]}-{index + 1}",
                name_key=name_key(
                    FIRST_NAMES[index % len(FIRST_NAMES)],
                    f"{LAST_NAMES[index % len(LAST_NAMES)]}-{index + 1}",
                ),
                phone=f"7{index + 10000000:08d}",
                birth_year=rng.randint(1930, 1986) if index % 17 else None,
                gender=("woman" if index % 5 else "man") if index % 23 else "not_given",
                area_id=areas[index % len(areas)] if areas and index % 19 else None,
                outside_municipality=not (index % 19) and bool(index % 38),
                consent_text_version="2026-11",
                consent_scope="registration",
                consent_given_at=timezone.now(),
            )
            for index in range(HISTORY_PEOPLE)
        ]
    )
    day = _next_weekday(date(today.year - 1, 1, 1) - timedelta(days=7), 3)
    last = today - timedelta(days=7)
    registrations = []
    while day <= last:
        event = Event.objects.create(
            initiative=cafe,
            starts_at=_at(day, 10),
            ends_at=_at(day, 12),
            place_name="Centrum Aktywności Lokalnej",
            address="ul. Mickiewicza 40",
            capacity=20,
            step_free_access=True,
        )
        regulars = people[: HISTORY_PEOPLE // 3]
        chosen = rng.sample(regulars, 5) + rng.sample(people, rng.randint(1, 11))
        chosen = list(dict.fromkeys(chosen))[:19]
        places = 0
        for person in chosen:
            present = rng.random() > 0.12
            companions = 1 if rng.random() < 0.1 else 0
            registrations.append(
                Registration(
                    event=event,
                    participant=person,
                    places=1 + companions,
                    status=RegistrationStatus.CONFIRMED,
                    attendance="present" if present else "absent",
                    source=rng.choice([Source.ONLINE, Source.PHONE, Source.PHONE, Source.ON_SITE]),
                    certificate_declared=person.pk % 7 == 0,
                    language="pl",
                )
            )
            places += 1 + companions
        Event.objects.filter(pk=event.pk).update(places_taken=places)
        day += timedelta(weeks=1)
    Registration.objects.bulk_create(registrations, batch_size=1000)
    return len(registrations)
