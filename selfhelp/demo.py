"""Demo self-help groups: the group for bereaved people and „RON”, the group of families of
disabled people, with fictional members, requests in every status and a term of meetings."""

import datetime

from django.contrib.auth.models import Group as RoleGroup
from django.db import transaction
from django.utils import timezone

from calportal.accounts.models import User
from calportal.accounts.roles import Role
from selfhelp.models import (
    ContactWay,
    Frequency,
    Group,
    JoinRequest,
    Meeting,
    Member,
    RequestStatus,
    Topic,
)

BEREAVEMENT_MEMBERS = [
    "Halina",
    "Jerzy",
    "Krystyna",
    "Danuta",
    "Ryszard",
    "Wanda",
    "Zofia",
    "Marek",
]
RON_MEMBERS = ["Agata", "Tomasz", "Beata", "Paweł", "Iwona", "Robert"]


# The map's demo needs each demo group answers (slug → the need's title in resources_map.demo).
ANSWERED_NEEDS = {
    "wsparcie-w-zalobie": "Wsparcie osób w żałobie",
    "ron": "Wsparcie rodzin osób z niepełnosprawnościami",
}


@transaction.atomic
def selfhelp_demo_load() -> None:
    """The demo groups (once), then their links to the needs they answer (safe to repeat)."""
    if not Group.objects.exists():
        _groups_load()
    _needs_link()


def _needs_link() -> None:
    from resources_map.models import Need, NeedStatus

    for slug, title in ANSWERED_NEEDS.items():
        group = Group.objects.filter(slug=slug).first()
        if group is None:
            continue
        for need in Need.objects.filter(title=title).exclude(self_help_groups=group):
            need.self_help_groups.add(group)
            if need.status == NeedStatus.IDENTIFIED:  # the group now addresses it
                Need.objects.filter(pk=need.pk).update(status=NeedStatus.ADDRESSED)


def _groups_load() -> None:
    facilitator = User.objects.get(email="grupy@example.org")
    coordinator = User.objects.get(email="koordynator@example.org")
    coordinator.groups.add(RoleGroup.objects.get(name=Role.SELFHELP_COORDINATOR.value))
    today = timezone.localdate()
    bereavement = Group.objects.create(
        name="Grupa wsparcia dla osób w żałobie",
        slug="wsparcie-w-zalobie",
        topic=Topic.BEREAVEMENT,
        description=(
            "Spotkania dla osób, które straciły kogoś bliskiego. Rozmawiamy o tym, co pomaga "
            "przetrwać trudne dni, we własnym tempie i bez oceniania."
        ),
        who_for="Dla dorosłych po stracie bliskiej osoby, niezależnie od tego, ile czasu minęło.",
        facilitator=facilitator,
        place="Biblioteka Publiczna w Śremie, sala spotkań, ul. Mickiewicza 9",
        weekday=1,
        starts_at=datetime.time(17, 0),
        frequency=Frequency.FORTNIGHTLY,
        max_size=10,
    )
    ron = Group.objects.create(
        name="„RON” – grupa samopomocowa rodzin osób z niepełnosprawnościami",
        slug="ron",
        topic=Topic.DISABILITY_FAMILIES,
        description=(
            "Rodzice i opiekunowie osób z niepełnosprawnościami wymieniają się doświadczeniem, "
            "informacjami o wsparciu i po prostu dobrym słowem."
        ),
        who_for="Dla rodziców, rodzeństwa i opiekunów dzieci i dorosłych z niepełnosprawnościami.",
        facilitator=coordinator,
        place="Ośrodek Pomocy Społecznej, ul. Mickiewicza 40, sala nr 3 (parter, bez progów)",
        weekday=3,
        starts_at=datetime.time(18, 0),
        frequency=Frequency.MONTHLY,
        max_size=15,
    )
    start = today - datetime.timedelta(days=120)
    for group, names in ((bereavement, BEREAVEMENT_MEMBERS), (ron, RON_MEMBERS)):
        members = [
            Member.objects.create(
                group=group,
                first_name=name,
                last_name=f"{name[0]}.",
                phone=f"60{index}{index}00{index}00{index}"[:9],
                joined_on=start + datetime.timedelta(days=14 * (index % 4)),
            )
            for index, name in enumerate(names)
        ]
        Member.objects.filter(pk=members[-1].pk).update(left_on=today - datetime.timedelta(days=20))
        tz = timezone.get_current_timezone()
        for day in group.meeting_dates(start, today + datetime.timedelta(days=60)):
            meeting = Meeting.objects.create(
                group=group,
                starts_at=timezone.make_aware(datetime.datetime.combine(day, group.starts_at), tz),
                held=day < today,
                topic="Rozmowa w kręgu" if day < today else "",
            )
            if day < today:
                meeting.attendees.set(
                    [m for n, m in enumerate(members) if m.joined_on <= day and (n + day.day) % 4]
                )
    consent = timezone.now() - datetime.timedelta(days=5)
    for index, (group, first_name, status, way) in enumerate(
        (
            (bereavement, "Elżbieta", RequestStatus.NEW, ContactWay.PHONE),
            (bereavement, "Stanisław", RequestStatus.CONTACTED, ContactWay.PHONE),
            (bereavement, "Grażyna", RequestStatus.DECLINED, ContactWay.EMAIL),
            (ron, "Monika", RequestStatus.NEW, ContactWay.EMAIL),
            (ron, "Adam", RequestStatus.WAITING, ContactWay.EITHER),
            (ron, "Karolina", RequestStatus.WITHDRAWN, ContactWay.PHONE),
        )
    ):
        JoinRequest.objects.create(
            group=group,
            first_name=first_name,
            phone="600200300" if way != ContactWay.EMAIL else "",
            email=f"osoba{index}.demo@example.org" if way != ContactWay.PHONE else "",
            contact_way=way,
            contact_time="po 16:00",
            consent_given_at=consent,
            status=status,
            handled_at=consent
            if status not in (RequestStatus.NEW, RequestStatus.WAITING)
            else None,
        )
    joined = bereavement.members.order_by("pk").first()
    joined.request = JoinRequest.objects.create(
        group=bereavement,
        first_name=joined.first_name,
        phone=joined.phone,
        contact_way=ContactWay.PHONE,
        consent_given_at=timezone.now() - datetime.timedelta(days=130),
        status=RequestStatus.JOINED,
        handled_at=timezone.now() - datetime.timedelta(days=121),
    )
    joined.save(update_fields=["request"])
