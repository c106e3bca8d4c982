"""Demo volunteering: the Local Volunteer Centre (hosted by the Fundacja) and TPP „Nadzieja”,
with fictional volunteers, agreements, checks, opportunities tied to the demo initiatives and a
few months of hours in every status."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from initiatives.models import Initiative
from volunteers.models import (
    Agreement,
    Assignment,
    ChildSafetyCheck,
    EntryStatus,
    HoursEntry,
    Opportunity,
    Shift,
    Skill,
    Volunteer,
    VolunteeringSettings,
    VolunteerRate,
    VolunteerStatus,
    WorkKind,
)

# (organisation key, first name, last name, year of birth, skills, status, agreement, check)
VOLUNTEERS = [
    ("fundacja", "Julia", "Kamińska", 2001, ["homework", "children"], "active", True, True),
    ("fundacja", "Bartosz", "Wiśniewski", 1998, ["events", "driving"], "active", True, False),
    ("fundacja", "Natalia", "Lewandowska", 2004, ["seniors", "digital"], "active", True, False),
    ("fundacja", "Kacper", "Zając", 2009, ["events", "sport"], "active", True, False),
    ("fundacja", "Weronika", "Mazur", 1995, ["crafts", "children"], "active", True, True),
    ("fundacja", "Zbigniew", "Krawczyk", 1958, ["seniors", "driving"], "active", False, False),
    ("fundacja", "Oliwia", "Piotrowska", 2003, ["events"], "paused", True, False),
    ("fundacja", "Mateusz", "Grabowski", 2000, ["sport", "care"], "applicant", False, False),
    ("nadzieja", "Aleksandra", "Nowakowska", 1990, ["homework", "children"], "active", True, True),
    ("nadzieja", "Szymon", "Pawłowski", 1985, ["events", "office"], "active", True, False),
    ("nadzieja", "Maria", "Michalska", 1962, ["seniors", "care"], "active", True, False),
    ("nadzieja", "Dominika", "Król", 1999, ["crafts"], "applicant", False, False),
]


def _volunteer_email(first: str, last: str) -> str:
    table = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
    return f"{first}.{last}".lower().translate(table) + "@example.org"


@transaction.atomic
def volunteers_demo_load(organisations: dict) -> None:
    if Volunteer.objects.exists():
        return
    rng = random.Random(2026)
    today = timezone.localdate()
    settings_row = VolunteeringSettings.current()
    settings_row.default_host = organisations["fundacja"]
    settings_row.save()
    skills = {skill.code: skill for skill in Skill.objects.all()}
    volunteers = []
    for key, first, last, year, skill_codes, status, agreement, check in VOLUNTEERS:
        minor = today.year - year < 18
        volunteer = Volunteer.objects.create(
            organisation=organisations[key],
            first_name=first,
            last_name=last,
            email=_volunteer_email(first, last),
            phone=f"600{rng.randint(100000, 999999)}",
            birth_year=year,
            status=status,
            availability=rng.sample(["mon_pm", "tue_pm", "wed_pm", "thu_pm", "sat_am"], 2),
            safety_briefing_on=today - datetime.timedelta(days=150)
            if status != "applicant"
            else None,
            guardian_consent_on=today - datetime.timedelta(days=160) if minor else None,
            consent_given_at=timezone.now() - datetime.timedelta(days=170),
            message="Chętnie pomogę przy pikniku." if status == "applicant" else "",
        )
        volunteer.skills.set([skills[code] for code in skill_codes])
        if agreement:
            Agreement.objects.create(
                volunteer=volunteer,
                starts_on=today - datetime.timedelta(days=150),
                ends_on=today + datetime.timedelta(days=215),
                scope="Pomoc przy wydarzeniach CAL i zajęciach dla mieszkańców.",
                signed_on=today - datetime.timedelta(days=152),
            )
        if check:
            ChildSafetyCheck.objects.create(
                volunteer=volunteer,
                checked_on=today - datetime.timedelta(days=140),
                checked_by="Magdalena Wróbel",
                valid_until=today + datetime.timedelta(days=590),
            )
        volunteers.append(volunteer)

    initiatives = {initiative.slug: initiative for initiative in Initiative.objects.all()}

    def opportunity(key, title, slug, *, children=False, skill_codes=(), place=""):
        initiative = initiatives.get(slug)
        event = initiative.events.order_by("starts_at").first() if initiative else None
        created = Opportunity.objects.create(
            organisation=organisations[key],
            title=title,
            initiative=initiative,
            event=event,
            involves_children=children,
            place=place,
            description="Szczegóły u koordynatora wolontariatu.",
        )
        created.skills.set([skills[code] for code in skill_codes])
        return created

    picnic = opportunity(
        "fundacja",
        "Pomoc przy pikniku „Dzień Dobrych Uczynków”",
        "dzien-dobrych-uczynkow",
        skill_codes=["events"],
        place="Dwór „Andrzejówka”, Mechlin",
    )
    seniors = opportunity(
        "fundacja",
        "Towarzyszenie seniorom na warsztatach",
        "akademia-pelni-zycia",
        skill_codes=["seniors"],
        place="ul. Mickiewicza 40",
    )
    pool = opportunity(
        "fundacja",
        "Asystent na basenie – „Sport dla wszystkich”",
        "sport-dla-wszystkich",
        children=True,
        skill_codes=["sport", "children"],
        place="Pływalnia miejska",
    )
    homework = opportunity(
        "nadzieja",
        "Odrabianie lekcji w świetlicy",
        "",
        children=True,
        skill_codes=["homework"],
        place="ul. Staszica 10",
    )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    last_week = now - datetime.timedelta(days=now.weekday() + 7)
    shifts = {
        "picnic": Shift.objects.create(
            opportunity=picnic,
            starts_at=now + datetime.timedelta(days=12, hours=10 - now.hour),
            ends_at=now + datetime.timedelta(days=12, hours=15 - now.hour),
            needed=6,
        ),
        "seniors_past": Shift.objects.create(
            opportunity=seniors,
            starts_at=last_week + datetime.timedelta(days=1, hours=10 - now.hour),
            ends_at=last_week + datetime.timedelta(days=1, hours=13 - now.hour),
            needed=2,
        ),
        "pool": Shift.objects.create(
            opportunity=pool,
            starts_at=now + datetime.timedelta(days=1, hours=16 - now.hour),
            ends_at=now + datetime.timedelta(days=1, hours=18 - now.hour),
            needed=2,
        ),
        "homework": Shift.objects.create(
            opportunity=homework,
            starts_at=now + datetime.timedelta(days=2, hours=14 - now.hour),
            ends_at=now + datetime.timedelta(days=2, hours=16 - now.hour),
            needed=1,
        ),
    }
    by_name = {volunteer.first_name: volunteer for volunteer in volunteers}
    for shift_key, names in {
        "picnic": ["Bartosz", "Kacper", "Natalia"],
        "seniors_past": ["Natalia", "Zbigniew"],
        "pool": ["Julia"],
        "homework": ["Aleksandra"],
    }.items():
        shift = shifts[shift_key]
        for name in names:
            Assignment.objects.create(shift=shift, volunteer=by_name[name])
        Shift.objects.filter(pk=shift.pk).update(assigned_count=len(names))

    # Kinds of work (seeded by the migration) and a rate table whose general rate changed two
    # months ago, with a rate of its own for care of seniors.
    kinds = {kind.name: kind for kind in WorkKind.objects.all()}
    kind_of = {
        picnic.pk: kinds.get("pomoc przy wydarzeniach"),
        seniors.pk: kinds.get("opieka nad seniorami"),
        pool.pk: kinds.get("prowadzenie zajęć"),
        homework.pk: kinds.get("pomoc dzieciom i młodzieży"),
    }
    VolunteerRate.objects.get_or_create(
        work_kind=None,
        valid_from=today - datetime.timedelta(days=60),
        defaults={
            "hourly_rate": "33.00",
            "source": "GUS – przeciętne wynagrodzenie godzinowe (dane przykładowe)",
        },
    )
    # Announced ahead (not yet in effect: it may still be deleted on the rates page).
    VolunteerRate.objects.get_or_create(
        work_kind=None,
        valid_from=today + datetime.timedelta(days=45),
        defaults={
            "hourly_rate": "34.20",
            "source": "GUS – komunikat o przeciętnym wynagrodzeniu (dane przykładowe)",
        },
    )
    if kinds.get("opieka nad seniorami"):
        VolunteerRate.objects.get_or_create(
            work_kind=kinds["opieka nad seniorami"],
            valid_from=today - datetime.timedelta(days=365),
            defaults={
                "hourly_rate": "36.50",
                "source": "Stawka opiekuna osób starszych, ogłoszenia PUP Śrem (dane przykładowe)",
            },
        )

    # Hours: about three months back, approved except the last fortnight (waiting) and a few
    # rejected ones with a reason.
    entries = []
    opportunities_of = {
        "fundacja": [picnic, seniors, pool],
        "nadzieja": [homework],
    }
    for volunteer in volunteers:
        if volunteer.status == VolunteerStatus.APPLICANT:
            continue
        key = "fundacja" if volunteer.organisation == organisations["fundacja"] else "nadzieja"
        start = 120 if volunteer.first_name != "Zbigniew" else 100
        for days_back in range(start, 8, -rng.choice([5, 6, 7, 9])):
            day = today - datetime.timedelta(days=days_back)
            chosen = rng.choice(opportunities_of[key])
            if chosen.involves_children and not volunteer.checks.exists():
                chosen = None
            status = EntryStatus.APPROVED if days_back > 14 else EntryStatus.SUBMITTED
            rejected = rng.random() < 0.05
            entries.append(
                HoursEntry(
                    volunteer=volunteer,
                    date=day,
                    quarters=rng.choice([4, 6, 8, 10, 12, 16]),
                    opportunity=chosen,
                    activity="" if chosen else "Pomoc w biurze LCW",
                    work_kind=kind_of.get(chosen.pk) if chosen else kinds.get("prace biurowe"),
                    with_children=None if chosen else False,
                    status=EntryStatus.REJECTED if rejected else status,
                    reject_reason="Ten dzień był już wpisany." if rejected else "",
                    decided_at=timezone.now()
                    if rejected or status == EntryStatus.APPROVED
                    else None,
                )
            )
    HoursEntry.objects.bulk_create(entries)
