"""Demo data: the real institutions of the Śrem CAL, a fictional team and one login per role.

Every person here is invented. Loading is idempotent: running it again updates what is
there and adds what is missing, never duplicates.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from calportal.accounts.models import User
from calportal.accounts.roles import Role
from calportal.organisations.models import CooperationForm, Kind, Organisation, Sector
from calportal.team.models import TeamMeeting, TeamMember, TeamRole, TeamTask

DEMO_PASSWORD = "demo-cal-2026"

# (key, name, short name, sector, kind, street, postal code)
ORGANISATIONS = [
    (
        "ops",
        "Ośrodek Pomocy Społecznej w Śremie",
        "OPS Śrem",
        Sector.PUBLIC,
        Kind.LOCAL_GOVERNMENT_UNIT,
        "ul. Mickiewicza 40",
        "63-100",
    ),
    (
        "nadzieja",
        "Towarzystwo Pomocy Potrzebującym im. Św. Brata Alberta „Nadzieja” w Śremie",
        "TPP „Nadzieja”",
        Sector.NON_GOVERNMENTAL,
        Kind.NGO,
        "",
        "",
    ),
    ("um", "Urząd Miejski w Śremie", "UM Śrem", Sector.PUBLIC, Kind.LOCAL_GOVERNMENT, "", ""),
    (
        "pcpr",
        "Powiatowe Centrum Pomocy Rodzinie w Śremie",
        "PCPR Śrem",
        Sector.PUBLIC,
        Kind.LOCAL_GOVERNMENT_UNIT,
        "",
        "",
    ),
    (
        "pkps",
        "Polski Komitet Pomocy Społecznej – Zarząd Rejonowy w Śremie",
        "PKPS Śrem",
        Sector.NON_GOVERNMENTAL,
        Kind.NGO,
        "",
        "",
    ),
    (
        "library",
        "Biblioteka Publiczna w Śremie",
        "Biblioteka",
        Sector.BUSINESS,
        Kind.CULTURE,
        "",
        "",
    ),
    (
        "fundacja",
        "Fundacja na Rzecz Rewaloryzacji Miasta Śrem",
        "Fundacja Rewaloryzacji",
        Sector.NON_GOVERNMENTAL,
        Kind.NGO,
        "",
        "",
    ),
    (
        "pokolenie",
        "Wielkopolskie Stowarzyszenie „Pokolenie”",
        "Stowarzyszenie „Pokolenie”",
        Sector.NON_GOVERNMENTAL,
        Kind.NGO,
        "",
        "",
    ),
]

ORGANISATION_NOTES = {
    "fundacja": "Prowadzi Lokalne Centrum Wolontariatu.",
    "nadzieja": "Partner OPS w realizacji zadań Centrum Aktywności Lokalnej.",
}

# (full name, organisation key, role in the team, responsible for task numbers)
TEAM = [
    ("Barbara Nowicka", "ops", TeamRole.LEADER, [1, 6]),
    ("Tomasz Wierzbicki", "nadzieja", TeamRole.DEPUTY, [4]),
    ("Katarzyna Lis", "ops", TeamRole.SECRETARY, [3]),
    ("Marek Szulc", "um", TeamRole.MEMBER, [5]),
    ("Ewa Jabłońska", "pcpr", TeamRole.MEMBER, [4]),
    ("Grażyna Pawlak", "pkps", TeamRole.MEMBER, [2]),
    ("Agnieszka Dudek", "library", TeamRole.MEMBER, [3]),
    ("Paweł Kaczmarczyk", "fundacja", TeamRole.MEMBER, [7]),
    ("Joanna Sowa", "fundacja", TeamRole.MEMBER, [7]),
    ("Irena Maciejewska", "pokolenie", TeamRole.MEMBER, [2]),
    ("Krzysztof Bednarek", "um", TeamRole.MEMBER, [5]),
    ("Monika Zalewska", "nadzieja", TeamRole.MEMBER, [1, 6]),
]
TEAM_APPOINTED = date(2009, 5, 1)


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    full_name: str
    organisation_key: str | None
    # Further roles of the same login (e.g. the coordinator also answers data requests).
    extra_roles: tuple[Role, ...] = ()


LOGINS = [
    DemoLogin(
        Role.OPS_STAFF,
        "koordynator@example.org",
        "Anna Kowalczyk (demo)",
        "ops",
        extra_roles=(Role.DATA_REQUESTS,),
    ),
    DemoLogin(
        Role.PARTNER_COORDINATOR, "nadzieja@example.org", "Piotr Zieliński (demo)", "nadzieja"
    ),
    DemoLogin(
        Role.PARTNER_COORDINATOR, "wolontariat@example.org", "Magdalena Wróbel (demo)", "fundacja"
    ),
    DemoLogin(Role.CAL_TEAM_MEMBER, "zespol@example.org", "Agnieszka Dudek", "library"),
    DemoLogin(Role.VENUE_STAFF, "kawiarnia@example.org", "Ewa Ratuszowa (demo)", "venue"),
    DemoLogin(Role.GROUP_FACILITATOR, "grupy@example.org", "Teresa Wolska (demo)", None),
    DemoLogin(Role.DPO, "iod@example.org", "Irena Inspektorska (demo)", None),
]


@transaction.atomic
def demo_data_load() -> list[DemoLogin]:
    organisations = _load_organisations()
    from initiatives.demo import initiatives_demo_load
    from initiatives.passes.demo import passes_demo_load
    from resources_map.demo import map_demo_load
    from volunteers.demo import volunteers_demo_load

    members = _load_team(organisations)
    _load_meetings(members)
    initiatives_demo_load(organisations)
    passes_demo_load()
    map_demo_load(organisations)
    from initiatives.demo import history_demo_load, participant_areas_demo_load

    participant_areas_demo_load()  # the map's areas exist now
    history_demo_load(organisations)  # past events with attendance, for the reports
    from calportal.public_tasks.demo import public_tasks_demo_load

    public_tasks_demo_load(organisations)  # a public task of TPP „Nadzieja” (R6)
    from calportal.strategy.demo import strategy_demo_load

    strategy_demo_load()  # the municipal strategy's indicators (R3)
    volunteers_demo_load(organisations)
    _load_logins(organisations, members)  # the venue login needs the venues
    from calportal.projects.demo import projects_demo_load

    projects_demo_load()  # an ESF+ project (R4); its assigned OPS staff need the logins
    from selfhelp.demo import selfhelp_demo_load

    selfhelp_demo_load()  # after the logins: groups need their facilitator's account
    from calportal.privacy.demo import privacy_demo_load

    privacy_demo_load()  # after the volunteers: the register has a row per host organisation
    from calportal.calls.demo import calls_demo_load

    calls_demo_load()  # the office's call list, from the registrations and requests above
    from calportal import public_cache

    public_cache.changed()  # bulk-built rows send no signals: the public pages start afresh
    return LOGINS


def _load_organisations() -> dict[str, Organisation]:
    organisations = {}
    for key, name, short_name, sector, kind, street, postal_code in ORGANISATIONS:
        organisation, _created = Organisation.objects.update_or_create(
            name=name,
            defaults={
                "short_name": short_name,
                "sector": sector,
                "kind": kind,
                "street": street,
                "postal_code": postal_code,
                "city": "Śrem",
                "is_partner": True,
                "cooperation_form": CooperationForm.PERMANENT,
                "notes": ORGANISATION_NOTES.get(key, ""),
            },
        )
        organisations[key] = organisation
    return organisations


def _load_team(organisations) -> dict[str, TeamMember]:
    members = {}
    tasks = {task.number: task for task in TeamTask.objects.all()}
    for full_name, organisation_key, team_role, task_numbers in TEAM:
        member, _created = TeamMember.objects.update_or_create(
            full_name=full_name,
            defaults={
                "organisation": organisations[organisation_key],
                "team_role": team_role,
                "start_date": TEAM_APPOINTED,
                "email": _demo_address(full_name),
            },
        )
        members[full_name] = member
        for number in task_numbers:
            tasks[number].responsible.add(member)
    return members


def _load_logins(organisations, members) -> None:
    for login in LOGINS:
        organisation = organisations.get(login.organisation_key)
        if login.role == Role.VENUE_STAFF:
            from initiatives.passes.models import PartnerVenue

            venue = PartnerVenue.objects.order_by("pk").first()
            organisation = venue.organisation if venue else None
        user, created = User.objects.update_or_create(
            email=login.email,
            defaults={
                "full_name": login.full_name,
                "organisation": organisation
                if login.role in {Role.PARTNER_COORDINATOR, Role.VENUE_STAFF}
                else None,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=login.role.value))
        for role in login.extra_roles:
            user.groups.add(Group.objects.get(name=role.value))
        if login.role == Role.CAL_TEAM_MEMBER and login.full_name in members:
            TeamMember.objects.filter(pk=members[login.full_name].pk).update(user=user)


def _load_meetings(members) -> None:
    today = timezone.localdate()
    meetings = [
        (
            today - timedelta(days=42),
            "1. Aktualizacja mapy zasobów i potrzeb osiedla Jeziorany.\n"
            "2. Plan Majówki Śremskich Seniorów.",
            "Omówiono wyniki ankiet od mieszkańców. Biblioteka udostępni salę na spotkania.",
            "Zespół przygotuje ankietę dla seniorów do końca miesiąca (K. Lis).\n"
            "Fundacja zbierze wolontariuszy na piknik (P. Kaczmarczyk).",
        ),
        (
            today - timedelta(days=14),
            "1. Grupa samopomocowa „RON” – nabór.\n2. Ocena efektywności działań za kwartał.",
            "Grupa RON liczy obecnie 9 rodzin. Wskaźniki dotarcia zgodne z planem.",
            "PCPR przekaże informację o grupie rodzinom (E. Jabłońska).",
        ),
        (
            today + timedelta(days=14),
            "1. Kalendarz działań na kolejny kwartał.\n2. Nowi partnerzy „Śremskiego Przyjaciela"
            " Seniora”.",
            "",
            "",
        ),
    ]
    everyone = list(members.values())
    for held_on, agenda, minutes, decisions in meetings:
        meeting, created = TeamMeeting.objects.get_or_create(
            agenda=agenda,
            defaults={
                "held_on": held_on,
                "starts_at": time(10, 0),
                "place": "OPS Śrem, ul. Mickiewicza 40, sala konferencyjna",
                "minutes": minutes,
                "decisions": decisions,
            },
        )
        if created and held_on < today:
            meeting.attendees.set(everyone[:-2])


def _demo_address(full_name: str) -> str:
    ascii_name = full_name.lower().translate(str.maketrans("ąćęłńóśźż", "acelnoszz"))
    return ascii_name.replace(" ", ".") + "@example.org"
