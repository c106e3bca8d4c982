"""The self-help staff lists at city scale: the groups list, a group's workspace (its requests
and members) and the access log run the same, pinned number of queries with 10 and with
10,000 rows, show pages of rows, and filter the log by a group through a search field.

The rows are built once per size for the whole module (``bulk_create``) and removed after it.
"""

import datetime

import pytest
from django.contrib.auth.models import Group as RoleGroup
from django.urls import reverse
from django.utils import timezone

from calportal.accounts.models import User
from calportal.accounts.roles import Role
from calportal.audit.models import Access, AccessEvent
from selfhelp.models import ContactWay, Group, JoinRequest, Member, RequestStatus, Topic
from tests.factories import PASSWORD
from tests.scale import analyse, queries_of, raw_delete

SIZES = [10, 10_000]
BIG_GROUP = "skala-duza"

# Queries of each page for the groups' coordinator, the same at every size.
PINNED = {
    "manage_list": 6,
    "workspace": 14,
    "access_log": 6,
}


def build(size: int) -> dict:
    """``size`` groups (one facilitator); the first, :data:`BIG_GROUP`, has ``size`` current
    members, ``size`` former members, ``size`` waiting and ``size`` handled requests; ``size``
    entries in the access log. Returns what :func:`remove` needs."""
    today = timezone.localdate()
    now = timezone.now()
    facilitator = User.objects.create_user(
        email=f"skala.{size}@example.org", password=PASSWORD, full_name="Teresa Skala"
    )
    facilitator.groups.add(RoleGroup.objects.get(name=Role.GROUP_FACILITATOR.value))
    groups = Group.objects.bulk_create(
        Group(
            name=f"Grupa {n:05d}",
            slug=BIG_GROUP if n == 0 else f"skala-{n}",
            topic=Topic.BEREAVEMENT,
            description="Spotkania.",
            who_for="Dla dorosłych.",
            place="Biblioteka",
            weekday=1,
            starts_at=datetime.time(17, 0),
            max_size=12,
            facilitator=facilitator,
        )
        for n in range(size)
    )
    big = groups[0]
    JoinRequest.objects.bulk_create(
        [
            JoinRequest(
                group=big,
                first_name=f"Prosząca{n}",
                phone="602345678",
                contact_way=ContactWay.PHONE,
                contact_time="wieczorem",
                consent_given_at=now,
                status=RequestStatus.WAITING if n % 2 else RequestStatus.NEW,
            )
            for n in range(size)
        ]
        + [
            JoinRequest(
                group=big,
                first_name=f"Dawna{n}",
                phone="602345678",
                contact_way=ContactWay.PHONE,
                consent_given_at=now,
                status=RequestStatus.DECLINED,
                handled_at=now,
            )
            for n in range(size)
        ],
        batch_size=5000,
    )
    joined = today - datetime.timedelta(days=90)
    Member.objects.bulk_create(
        [
            Member(
                group=big,
                first_name=f"Członkini{n}",
                last_name="Skala",
                phone="601234567",
                joined_on=joined,
            )
            for n in range(size)
        ]
        + [
            Member(
                group=big,
                first_name=f"Była{n}",
                last_name="Skala",
                joined_on=joined,
                left_on=today - datetime.timedelta(days=10),
            )
            for n in range(size)
        ],
        batch_size=5000,
    )
    AccessEvent.objects.bulk_create(
        (
            AccessEvent(
                user=facilitator, action=Access.MEMBERS, group=groups[n % len(groups)], at=now
            )
            for n in range(size)
        ),
        batch_size=5000,
    )
    analyse(Group, JoinRequest, Member, AccessEvent)
    return {"facilitator": facilitator.pk, "groups": [group.pk for group in groups]}


def big_group() -> int:
    """The id of the group with every member and request (:data:`BIG_GROUP`)."""
    return Group.objects.get(slug=BIG_GROUP).pk


def remove(data: dict) -> None:
    """Delete what :func:`build` made (and what opening the pages logged)."""
    groups = data["groups"]
    raw_delete(AccessEvent.objects.filter(group__in=groups))
    raw_delete(Member.objects.filter(group__in=groups))
    raw_delete(JoinRequest.objects.filter(group__in=groups))
    raw_delete(Group.objects.filter(pk__in=groups))
    raw_delete(AccessEvent.objects.filter(user=data["facilitator"]))
    raw_delete(User.groups.through.objects.filter(user=data["facilitator"]))
    raw_delete(User.objects.filter(pk=data["facilitator"]))


@pytest.fixture(scope="module", params=SIZES, ids=lambda size: f"{size}-rows")
def rows(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        data = build(request.param)
        yield {**data, "size": request.param, "big": big_group()}
        remove(data)


@pytest.fixture
def coordinator(roles):
    user = User.objects.create_user(
        email="koordynatorka.skala@example.org", password=PASSWORD, full_name="Olga Skala"
    )
    user.groups.add(RoleGroup.objects.get(name=Role.OPS_STAFF.value))
    user.groups.add(RoleGroup.objects.get(name=Role.SELFHELP_COORDINATOR.value))
    return user


def url_of(name: str, rows: dict) -> str:
    if name == "workspace":
        return reverse("selfhelp:workspace", args=[rows["big"]])
    return reverse(f"selfhelp:{name}")


@pytest.mark.parametrize("name", sorted(PINNED))
def test_each_list_runs_the_same_pinned_number_of_queries(client, coordinator, rows, name):
    client.force_login(coordinator)
    client.get(url_of(name, rows))
    count, _body = queries_of(client, url_of(name, rows))
    assert count == PINNED[name], f"{name} at {rows['size']} rows"


def test_the_groups_list_is_paged(client, coordinator, rows):
    client.force_login(coordinator)
    _count, body = queries_of(client, reverse("selfhelp:manage_list"))
    assert body.count("Grupa 0") == min(rows["size"], 50)
    assert ("page=2" in body) == (rows["size"] > 50)


def test_the_workspace_pages_its_requests_and_members_and_counts_them_all(
    client, coordinator, rows
):
    client.force_login(coordinator)
    _count, body = queries_of(client, url_of("workspace", rows))
    size = rows["size"]
    shown = min(size, 50)
    assert body.count(">Prosząca") == shown
    assert body.count("<strong>Członkini") == shown
    assert f"{size:,}".replace(",", "\N{NO-BREAK SPACE}") in body or str(size) in body
    if size > 50:
        _count, second = queries_of(
            client, url_of("workspace", rows), {"members_page": "2", "requests_page": "3"}
        )
        assert "<strong>Członkini" in second
        assert "requests_page=3" in second.split('id="members-title"', 1)[1]


def test_the_access_log_filters_by_a_group_through_a_search_field(client, coordinator, rows):
    client.force_login(coordinator)
    _count, body = queries_of(client, reverse("selfhelp:access_log"))
    assert "<option" not in body.split('name="group"', 1)[1].split("</datalist>", 1)[0]
    second = Group.objects.get(pk=rows["groups"][1])
    suggestions = client.get(
        reverse("autocomplete", args=["selfhelp-groups"]), {"q": "Grupa 00001"}
    )
    [label] = suggestions.json()["results"]
    _count, filtered = queries_of(client, reverse("selfhelp:access_log"), {"group": label})
    assert filtered.count(f"<td>{second.name}</td>") == 1
