"""Demo map: Śrem's districts and nearby villages, the real institutions, and the needs the CAL
in Śrem answered. Population figures are plausible, not official; every person is fictional."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from initiatives.models import Initiative, TargetGroup
from resources_map.models import (
    Area,
    AreaKind,
    AreaPopulation,
    Conditions,
    Diagnosis,
    FoundBy,
    Need,
    NeedStatus,
    ReportKind,
    ReportStatus,
    ResidentReport,
    Resource,
    ResourceClass,
    ResourceKind,
    Severity,
    Topic,
)

# (name, kind, centre latitude, centre longitude, total, 60+, 55+, children)
AREAS = [
    ("Centrum", AreaKind.DISTRICT, "52.0889", "17.0150", 7800, 2450, 3050, 1150),
    ("Jeziorany", AreaKind.DISTRICT, "52.0975", "17.0330", 6400, 1500, 2000, 1350),
    ("Helenki", AreaKind.DISTRICT, "52.0800", "17.0330", 5900, 1300, 1750, 1250),
    ("Staszica", AreaKind.DISTRICT, "52.0965", "17.0020", 5200, 1450, 1800, 900),
    ("Pod Borem", AreaKind.DISTRICT, "52.0760", "17.0070", 4500, 950, 1300, 1000),
    ("Mechlin", AreaKind.VILLAGE, "52.1180", "17.0620", 1250, 260, 350, 290),
    ("Psarskie", AreaKind.VILLAGE, "52.1050", "17.1020", 1100, 230, 310, 260),
    ("Dąbrowa", AreaKind.VILLAGE, "52.0520", "17.0650", 620, 150, 200, 130),
    ("Nochowo", AreaKind.VILLAGE, "52.0700", "17.0900", 930, 210, 280, 200),
    ("Bodzyniewo", AreaKind.VILLAGE, "52.0570", "16.9650", 720, 170, 225, 150),
]
YEAR = 2025


def _split(number: int, share: float) -> tuple[int, int]:
    first = round(number * share)
    return first, number - first


def population_rows(total: int, aged_60: int, aged_55: int, children: int) -> list[tuple]:
    """Plausible ``(sex, age group, residents)`` of an area from its own totals: more women
    than men among the old, the sums matching the totals exactly (60–64 and 65+ of both sexes
    add up to ``aged_60``, all ten groups to ``total``)."""
    women_60, men_60 = _split(aged_60, 0.58)
    women_55_59, men_55_59 = _split(aged_55 - aged_60, 0.52)
    women_0_17, men_0_17 = _split(children, 0.49)
    women_18_54, men_18_54 = _split(total - aged_55 - children, 0.49)
    women_60_64, women_65 = _split(women_60, 0.32)
    men_60_64, men_65 = _split(men_60, 0.40)
    return [
        ("female", "0-17", women_0_17),
        ("female", "18-54", women_18_54),
        ("female", "55-59", women_55_59),
        ("female", "60-64", women_60_64),
        ("female", "65+", women_65),
        ("male", "0-17", men_0_17),
        ("male", "18-54", men_18_54),
        ("male", "55-59", men_55_59),
        ("male", "60-64", men_60_64),
        ("male", "65+", men_65),
    ]


def _square(latitude: str, longitude: str, half: float) -> dict:
    lat, lng = float(latitude), float(longitude)
    ring = [
        [round(lng - half * 1.6, 5), round(lat - half, 5)],
        [round(lng + half * 1.6, 5), round(lat - half, 5)],
        [round(lng + half * 1.6, 5), round(lat + half, 5)],
        [round(lng - half * 1.6, 5), round(lat + half, 5)],
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


@transaction.atomic
def map_demo_load(organisations: dict) -> None:
    if Area.objects.exists():
        return
    areas = {}
    for name, kind, lat, lng, total, aged_60, aged_55, children in AREAS:
        areas[name] = Area.objects.create(
            name=name,
            kind=kind,
            latitude=Decimal(lat),
            longitude=Decimal(lng),
            boundary=_square(lat, lng, 0.0045 if kind == AreaKind.DISTRICT else 0.008),
            population_total=total,
            population_60_plus=aged_60,
            population_55_plus=aged_55,
            population_children=children,
            population_year=YEAR,
            urban=kind == AreaKind.DISTRICT,
        )
        AreaPopulation.objects.bulk_create(
            AreaPopulation(area=areas[name], year=YEAR, sex=sex, age_group=age, residents=number)
            for sex, age, number in population_rows(total, aged_60, aged_55, children)
        )
    groups = {group.code: group for group in TargetGroup.objects.all()}
    initiatives = {item.slug: item for item in Initiative.objects.all()}
    today = timezone.localdate()
    resources = {}

    def resource(key, name, cls, kind, **fields):
        target_groups = fields.pop("target_groups", [])
        used_by = fields.pop("used_by", [])
        area = fields.pop("area", None)
        organisation = fields.pop("organisation", None)
        created = Resource.objects.create(
            name=name,
            resource_class=cls,
            kind=kind,
            area=areas.get(area),
            organisation=organisations.get(organisation),
            verified_on=fields.pop("verified_on", today - timedelta(days=40)),
            **fields,
        )
        created.target_groups.set([groups[code] for code in target_groups if code in groups])
        created.used_by.set([initiatives[slug] for slug in used_by if slug in initiatives])
        resources[key] = created

    institutional, material = ResourceClass.INSTITUTIONAL, ResourceClass.MATERIAL
    human, financial = ResourceClass.HUMAN, ResourceClass.FINANCIAL
    resource(
        "ops",
        "Ośrodek Pomocy Społecznej w Śremie",
        institutional,
        ResourceKind.PUBLIC_INSTITUTION,
        organisation="ops",
        topic=Topic.SOCIAL_WELFARE,
        area="Centrum",
        address="ul. Mickiewicza 40, 63-100 Śrem",
        latitude=Decimal("52.088150"),
        longitude=Decimal("17.017900"),
        description=(
            "Pomoc społeczna: zasiłki, praca socjalna, pomoc w kryzysie, usługi opiekuńcze. "
            "Tu działa Centrum Aktywności Lokalnej."
        ),
        opening_hours="pon.–pt. 7:30–15:30",
        contact_phone="612830000",
        target_groups=["everyone", "seniors_60", "families"],
        is_public=True,
        used_by=["dzien-dobrych-uczynkow", "pelnia-zycia-dojrzalego", "konferencja-tworzenie-cal"],
    )
    resource(
        "pcpr",
        "Powiatowe Centrum Pomocy Rodzinie w Śremie",
        institutional,
        ResourceKind.PUBLIC_INSTITUTION,
        organisation="pcpr",
        topic=Topic.DISABILITY,
        area="Centrum",
        address="ul. Mickiewicza 23, 63-100 Śrem",
        latitude=Decimal("52.089300"),
        longitude=Decimal("17.016000"),
        description=(
            "Dofinansowania dla osób z niepełnosprawnościami (PFRON), piecza zastępcza, "
            "poradnictwo rodzinne."
        ),
        opening_hours="pon.–pt. 7:30–15:30",
        target_groups=["disabled_55", "disabled_children", "families"],
        is_public=True,
        used_by=["sport-dla-wszystkich"],
    )
    resource(
        "library",
        "Biblioteka Publiczna w Śremie",
        institutional,
        ResourceKind.PUBLIC_INSTITUTION,
        organisation="library",
        topic=Topic.CULTURE,
        area="Centrum",
        address="ul. Mickiewicza 9, 63-100 Śrem",
        latitude=Decimal("52.087400"),
        longitude=Decimal("17.014200"),
        description="Wypożyczalnia, czytelnia, spotkania autorskie, kurs komputera dla seniorów.",
        opening_hours="pon.–pt. 10:00–18:00, sob. 9:00–13:00",
        target_groups=["everyone", "seniors_60"],
        is_public=True,
        used_by=["amatorski-klub-literacki"],
    )
    resource(
        "nadzieja",
        "TPP „Nadzieja” – punkt pomocy",
        institutional,
        ResourceKind.NGO,
        organisation="nadzieja",
        topic=Topic.SOCIAL_WELFARE,
        area="Staszica",
        address="ul. Staszica 10, 63-100 Śrem",
        latitude=Decimal("52.095800"),
        longitude=Decimal("17.003000"),
        description="Pomoc rzeczowa i żywnościowa, wsparcie osób w kryzysie, grupy wsparcia.",
        opening_hours="wt. i czw. 10:00–14:00",
        target_groups=["everyone", "families"],
        is_public=True,
    )
    resource(
        "pkps",
        "PKPS – punkt wydawania odzieży",
        institutional,
        ResourceKind.NGO,
        organisation="pkps",
        topic=Topic.SOCIAL_WELFARE,
        area="Helenki",
        address="ul. Grunwaldzka 5, 63-100 Śrem",
        latitude=Decimal("52.080500"),
        longitude=Decimal("17.031500"),
        description="Odzież i drobne sprzęty dla rodzin w trudnej sytuacji.",
        opening_hours="śr. 12:00–16:00",
        target_groups=["families"],
        is_public=True,
    )
    resource(
        "lcw",
        "Lokalne Centrum Wolontariatu",
        institutional,
        ResourceKind.NGO,
        organisation="fundacja",
        topic=Topic.VOLUNTEERING,
        area="Centrum",
        address="Rynek 1, 63-100 Śrem",
        latitude=Decimal("52.088700"),
        longitude=Decimal("17.014900"),
        description="Łączy wolontariuszy z osobami i instytucjami, które potrzebują pomocy.",
        opening_hours="pon., śr. 12:00–17:00",
        target_groups=["everyone", "youth"],
        is_public=True,
        used_by=["dzien-dobrych-uczynkow"],
    )
    resource(
        "pokolenie",
        "Wielkopolskie Stowarzyszenie „Pokolenie”",
        institutional,
        ResourceKind.NGO,
        organisation="pokolenie",
        topic=Topic.SENIORS,
        area="Jeziorany",
        address="os. Jeziorany 3, 63-100 Śrem",
        latitude=Decimal("52.097200"),
        longitude=Decimal("17.031800"),
        description="Zajęcia dla seniorów: gimnastyka, wycieczki, warsztaty rękodzieła.",
        opening_hours="pon.–czw. 9:00–13:00",
        target_groups=["seniors_60", "disabled_55"],
        is_public=True,
        used_by=["akademia-pelni-zycia"],
    )
    resource(
        "pool",
        "Pływalnia miejska – tor dla grup",
        material,
        ResourceKind.PREMISES,
        topic=Topic.HEALTH,
        area="Helenki",
        address="ul. Gostyńska 2, 63-100 Śrem",
        latitude=Decimal("52.078900"),
        longitude=Decimal("17.028500"),
        description="Wydzielony tor z ratownikiem; dla grup zorganizowanych po uzgodnieniu.",
        conditions=Conditions.ON_REQUEST,
        target_groups=["disabled_children", "youth"],
        is_public=True,
        used_by=["sport-dla-wszystkich"],
    )
    resource(
        "dwor",
        "Dwór „Andrzejówka” w Mechlinie – teren na pikniki",
        material,
        ResourceKind.PREMISES,
        topic=Topic.CULTURE,
        area="Mechlin",
        address="Mechlin, 63-100 Śrem",
        latitude=Decimal("52.118500"),
        longitude=Decimal("17.061000"),
        description="Ogród i zadaszona wiata na ok. 150 osób, dojazd dla wózków.",
        conditions=Conditions.ON_REQUEST,
        target_groups=["seniors_60", "disabled_55"],
        used_by=["dzien-dobrych-uczynkow"],
    )
    resource(
        "library-room",
        "Sala spotkań w Bibliotece",
        material,
        ResourceKind.ROOM,
        organisation="library",
        topic=Topic.CULTURE,
        area="Centrum",
        address="ul. Mickiewicza 9, 63-100 Śrem",
        latitude=Decimal("52.087450"),
        longitude=Decimal("17.014300"),
        description="Sala na 30 osób z rzutnikiem; bezpłatnie dla grup samopomocowych.",
        conditions=Conditions.FREE,
        internal_notes="Rezerwacja u p. Dudek, najlepiej 2 tygodnie wcześniej.",
    )
    resource(
        "bus",
        "Bus z windą dla osób na wózkach",
        material,
        ResourceKind.TRANSPORT,
        organisation="pcpr",
        topic=Topic.DISABILITY,
        description="9 miejsc, w tym 2 dla wózków. Wypożyczany na wyjazdy grupowe.",
        conditions=Conditions.ON_REQUEST,
        target_groups=["disabled_55", "disabled_children"],
        internal_notes="Kierowca tylko w dni robocze.",
    )
    resource(
        "tutor",
        "Emerytowana nauczycielka matematyki – pomoc w lekcjach",
        human,
        ResourceKind.SKILL,
        topic=Topic.FAMILY,
        area="Pod Borem",
        description="Dwa popołudnia w tygodniu, dzieci ze szkoły podstawowej.",
        target_groups=["youth"],
        internal_notes="Kontakt przez LCW (zgoda na kontakt na piśmie).",
    )
    resource(
        "leader",
        "Sołtys Psarskiego – lider społeczności",
        human,
        ResourceKind.LEADER,
        topic=Topic.OTHER,
        area="Psarskie",
        description="Pomaga dotrzeć do mieszkańców sołectwa, udostępnia świetlicę wiejską.",
    )
    resource(
        "budget",
        "Program współpracy Gminy Śrem z organizacjami pozarządowymi",
        financial,
        ResourceKind.FUNDING_SOURCE,
        organisation="um",
        topic=Topic.OTHER,
        description="Otwarte konkursy ofert na zadania publiczne, ogłaszane co roku.",
    )
    resource(
        "esf",
        "Europejski Fundusz Społeczny – projekty aktywizacji",
        financial,
        ResourceKind.FUNDING_SOURCE,
        topic=Topic.OTHER,
        description="Projekty włączenia społecznego; wymaga wkładu własnego.",
        used_by=["akademia-pelni-zycia"],
    )
    resource(
        "marshal",
        "Konkurs Marszałka Województwa – inicjatywy senioralne",
        financial,
        ResourceKind.CALL,
        topic=Topic.SENIORS,
        description="Dotacje do 20 000 zł na działania dla seniorów.",
        deadline=today + timedelta(days=45),
    )

    def need(title, description, *, areas_, groups_, severity, found_by, status, **links):
        created = Need.objects.create(
            title=title,
            description=description,
            severity=severity,
            found_by=found_by,
            status=status,
            identified_on=links.pop("identified_on", today - timedelta(days=200)),
            internal_notes=links.pop("internal_notes", ""),
        )
        created.areas.set([areas[name] for name in areas_])
        created.target_groups.set([groups[code] for code in groups_ if code in groups])
        created.resources.set([resources[key] for key in links.get("resources", [])])
        created.initiatives.set(
            [initiatives[slug] for slug in links.get("initiatives", []) if slug in initiatives]
        )
        return created

    need(
        "Osamotnienie osób starszych",
        "Wielu seniorów mieszka samotnie i rzadko wychodzi z domu; brakuje okazji do spotkań.",
        areas_=["Centrum", "Staszica", "Mechlin", "Psarskie"],
        groups_=["seniors_60"],
        severity=Severity.HIGH,
        found_by=FoundBy.SURVEY,
        status=NeedStatus.ADDRESSED,
        resources=["pokolenie", "library", "dwor"],
        initiatives=["dzien-dobrych-uczynkow", "amatorski-klub-literacki"],
        internal_notes=(
            "Ankieta 2025: 38% respondentów 65+ spotyka się z kimś rzadziej niż raz w tygodniu."
        ),
    )
    need(
        "Mała aktywność dzieci z niepełnosprawnościami",
        "Dzieci z niepełnosprawnościami mają mało zajęć ruchowych poza szkołą.",
        areas_=["Helenki", "Jeziorany", "Pod Borem"],
        groups_=["disabled_children"],
        severity=Severity.HIGH,
        found_by=FoundBy.STATISTICS,
        status=NeedStatus.ADDRESSED,
        resources=["pool", "pcpr", "bus"],
        initiatives=["sport-dla-wszystkich"],
    )
    # The self-help groups that answer the next two needs are linked by selfhelp.demo, which
    # loads after the map (its groups need their facilitators' accounts).
    need(
        "Wsparcie osób w żałobie",
        "Osoby po stracie bliskich nie mają gdzie szukać wsparcia poza rodziną.",
        areas_=["Centrum", "Jeziorany"],
        groups_=["everyone"],
        severity=Severity.MEDIUM,
        found_by=FoundBy.INTERVIEW,
        status=NeedStatus.IDENTIFIED,
        resources=["library-room", "nadzieja"],
        internal_notes="Zgłaszane przez pracowników socjalnych podczas wywiadów środowiskowych.",
    )
    need(
        "Wsparcie rodzin osób z niepełnosprawnościami",
        "Rodzice i opiekunowie są przeciążeni, brakuje wymiany doświadczeń i wytchnienia.",
        areas_=["Centrum", "Helenki", "Nochowo"],
        groups_=["disabled_children", "families"],
        severity=Severity.HIGH,
        found_by=FoundBy.OBSERVATION,
        status=NeedStatus.IDENTIFIED,
        resources=["pcpr", "library-room"],
    )
    need(
        "Dojazd seniorów z sołectw na zajęcia",
        "Z Psarskiego, Dąbrowy i Nochowa trudno dojechać do miasta poza godzinami szczytu.",
        areas_=["Psarskie", "Dąbrowa", "Nochowo"],
        groups_=["seniors_60", "disabled_55"],
        severity=Severity.MEDIUM,
        found_by=FoundBy.RESIDENT_REPORT,
        status=NeedStatus.IDENTIFIED,
        resources=["bus", "leader"],
    )
    need(
        "Seniorzy a nowe technologie",
        "Seniorzy chcą korzystać z bankowości internetowej i wideorozmów z rodziną.",
        areas_=["Centrum", "Staszica"],
        groups_=["seniors_60"],
        severity=Severity.LOW,
        found_by=FoundBy.SURVEY,
        status=NeedStatus.MET,
        resources=["library"],
        initiatives=["pelnia-zycia-dojrzalego"],
    )

    consent = timezone.now() - timedelta(days=3)
    ResidentReport.objects.create(
        kind=ReportKind.NEED,
        description=(
            "Na osiedlu Helenki brakuje ławek przy drodze do przychodni, "
            "starsi nie mają gdzie odpocząć."
        ),
        area=areas["Helenki"],
        name="Zofia (demo)",
        phone="600100200",
        consent_given_at=consent,
    )
    ResidentReport.objects.create(
        kind=ReportKind.SKILL,
        description="Jestem emerytowanym stolarzem, mogę poprowadzić warsztaty dla młodzieży.",
        area=areas["Jeziorany"],
        name="Jan (demo)",
        email="jan.demo@example.org",
        consent_given_at=consent,
    )
    ResidentReport.objects.create(
        kind=ReportKind.TIME,
        description="Sprzedam rower.",
        name="Anonim (demo)",
        email="spam.demo@example.org",
        consent_given_at=consent,
        status=ReportStatus.REJECTED,
        reject_reason="Ogłoszenie handlowe, nie oferta pomocy.",
        handled_at=consent,
    )

    diagnosis = Diagnosis.current()
    diagnosis.community = (
        "Gmina Śrem liczy ok. 40 300 mieszkańców, z czego ok. 29 800 mieszka w mieście. "
        "Co czwarty mieszkaniec ma 60 lat lub więcej; udział ten rośnie najszybciej w Centrum "
        "i na osiedlu Staszica."
    )
    diagnosis.conclusions = (
        "1. Najpilniejsze potrzeby dotyczą seniorów (osamotnienie, dojazd z sołectw) "
        "oraz rodzin osób z niepełnosprawnościami.\n"
        "2. Gmina ma bogate zasoby instytucjonalne w Centrum, ale sołectwa korzystają z nich "
        "rzadko.\n"
        "3. Brakuje grup samopomocowych: dla osób w żałobie i dla rodzin osób "
        "z niepełnosprawnościami."
    )
    diagnosis.action_plan = (
        "1. Utworzyć grupę wsparcia dla osób w żałobie (sala w Bibliotece, prowadzenie: OPS).\n"
        "2. Utworzyć grupę samopomocową rodzin osób z niepełnosprawnościami „RON”.\n"
        "3. Uzgodnić z PCPR wykorzystanie busa do dowozu seniorów z sołectw na zajęcia.\n"
        "4. Powtórzyć ankietę wśród seniorów za rok i porównać wyniki."
    )
    diagnosis.save()
