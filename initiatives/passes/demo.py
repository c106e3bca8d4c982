"""Demo data for „Śremski Przyjaciel Seniora”: 7 venues, ~300 fictional holders, months of uses.

Idempotent: if any venue exists, nothing is added.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from calportal.contacts import name_key
from calportal.organisations.models import Kind, Organisation, Sector
from initiatives.models import Participant
from initiatives.passes.models import (
    PartnerVenue,
    PassStatus,
    PassStatusChange,
    ProgrammeSettings,
    Redemption,
    SeniorPass,
)

VENUES = [
    ("Kawiarnia „Pod Ratuszem”", "Rynek 12, Śrem", Decimal("52.0890"), Decimal("17.0150")),
    (
        "Cukiernia „Słodki Kącik”",
        "ul. Mickiewicza 18, Śrem",
        Decimal("52.0874"),
        Decimal("17.0162"),
    ),
    ("Restauracja „Nad Wartą”", "ul. Nadbrzeżna 3, Śrem", Decimal("52.0905"), Decimal("17.0201")),
    ("Kawiarnia „Zakątek”", "ul. Chłapowskiego 7, Śrem", Decimal("52.0861"), Decimal("17.0121")),
    ("Bistro „Helenki”", "os. Helenki 5, Śrem", Decimal("52.0798"), Decimal("17.0244")),
    ("Herbaciarnia „Jeziorany”", "os. Jeziorany 20, Śrem", Decimal("52.0951"), Decimal("17.0299")),
    ("Restauracja „Mechlińska”", "Mechlin 14", Decimal("52.1102"), Decimal("17.0423")),
]
WOMEN = [
    "Halina",
    "Krystyna",
    "Danuta",
    "Teresa",
    "Elżbieta",
    "Wanda",
    "Irena",
    "Jadwiga",
    "Bożena",
    "Urszula",
    "Lucyna",
    "Genowefa",
    "Zofia",
    "Barbara",
    "Maria",
    "Janina",
]
MEN = [
    "Zdzisław",
    "Jerzy",
    "Stanisław",
    "Ryszard",
    "Józef",
    "Kazimierz",
    "Tadeusz",
    "Czesław",
    "Henryk",
    "Władysław",
    "Bogdan",
    "Zbigniew",
    "Edward",
    "Marian",
    "Roman",
    "Leszek",
]
SURNAMES = [
    "Nowak",
    "Kowalczyk",
    "Wójcik",
    "Kaczmarek",
    "Mazur",
    "Krawczyk",
    "Adamczyk",
    "Dudek",
    "Zając",
    "Wieczorek",
    "Jabłoński",
    "Król",
    "Majewski",
    "Olszewski",
    "Jaworski",
    "Malinowski",
    "Pawlak",
    "Witkowski",
    "Walczak",
    "Stępień",
    "Górski",
    "Rutkowski",
    "Michalak",
    "Sikora",
    "Ostrowski",
    "Baran",
    "Duda",
    "Szewczyk",
]
DISTRICTS = [
    "Centrum",
    "Jeziorany",
    "Helenki",
    "Staszica",
    "Pod Borem",
    "Mechlin",
    "Psarskie",
    "Dąbrowa",
    "Nochowo",
    "Bodzyniewo",
]


def _female(surname: str) -> str:
    return surname[:-1] + "a" if surname.endswith("ski") else surname


@transaction.atomic
def passes_demo_load(*, holders: int = 300, months: int = 4) -> None:
    if PartnerVenue.objects.exists():
        return
    rng = random.Random(2026)
    today = timezone.localdate()
    programme = ProgrammeSettings.current()
    programme.uses_per_month, programme.weekly_pool = 4, 120
    programme.save()
    venues = []
    for index, (name, address, latitude, longitude) in enumerate(VENUES):
        organisation, _created = Organisation.objects.get_or_create(
            name=name.replace("„", "").replace("”", "") + " (demo)",
            defaults={
                "sector": Sector.BUSINESS,
                "kind": Kind.COMPANY,
                "city": "Śrem",
                "is_partner": True,
                "cooperation_form": "permanent",
            },
        )
        venues.append(
            PartnerVenue.objects.create(
                organisation=organisation,
                name=name,
                address=address,
                latitude=latitude,
                longitude=longitude,
                opening_hours="pon.–pt. 9–18, sob. 10–14" if index % 2 else "codziennie 10–20",
                step_free_entry=index % 3 != 2,
                accessible_toilet=index % 2 == 0,
                title_granted_on=datetime.date(2010, 5, 1) + datetime.timedelta(days=30 * index),
                active_from=datetime.date(2010, 5, 1),
            )
        )
    year = today.year
    people = []
    for n in range(holders):
        woman = rng.random() < 0.62
        surname = rng.choice(SURNAMES)
        first_name = rng.choice(WOMEN if woman else MEN)
        last_name = _female(surname) if woman else surname
        people.append(
            Participant(  # bulk_create skips save(): the name key is set here
                first_name=first_name,
                last_name=last_name,
                name_key=name_key(first_name, last_name),
                phone=f"7{n:08d}",
                birth_year=year - rng.randint(60, 92),
                gender="woman" if woman else "man",
                district=rng.choice(DISTRICTS),
                consent_text_version="2026-11-sps",
                consent_scope="senior pass",
                consent_given_at=timezone.now(),
            )
        )
    people = Participant.objects.bulk_create(people)
    issued = today - datetime.timedelta(days=months * 31)
    passes = SeniorPass.objects.bulk_create(
        [
            SeniorPass(
                holder=person,
                number=f"SPS-{issued.year}-{n + 1:04d}",
                issued_on=issued,
                valid_until=issued + datetime.timedelta(days=365),
                status=PassStatus.SUSPENDED if n % 97 == 5 else PassStatus.ACTIVE,
            )
            for n, person in enumerate(people)
        ]
    )
    # Each pass's history (REPORTS.md §9, D4): active from its issue, suspended ones since a
    # month ago.
    history = [
        PassStatusChange(senior_pass=p, status=PassStatus.ACTIVE, started_on=p.issued_on)
        for p in passes
    ]
    history += [
        PassStatusChange(
            senior_pass=p,
            status=PassStatus.SUSPENDED,
            started_on=today - datetime.timedelta(days=30),
        )
        for p in passes
        if p.status == PassStatus.SUSPENDED
    ]
    PassStatusChange.objects.bulk_create(history)
    redemptions = []
    for month_back in range(months):
        first = (today.replace(day=1) - datetime.timedelta(days=28 * month_back)).replace(day=1)
        days_in_month = 28 if month_back else max(today.day - 1, 1)
        for senior_pass in passes[: int(len(passes) * 0.7)]:
            for _use in range(rng.randint(0, programme.uses_per_month)):
                moment = timezone.make_aware(
                    datetime.datetime.combine(
                        first + datetime.timedelta(days=rng.randrange(days_in_month)),
                        datetime.time(rng.randint(9, 17), rng.randint(0, 59)),
                    )
                )
                if moment >= timezone.now():
                    continue  # never in the future, even on the first of the month
                redemptions.append(
                    Redemption(
                        senior_pass=senior_pass, venue=rng.choice(venues), redeemed_at=moment
                    )
                )
    Redemption.objects.bulk_create(redemptions)
