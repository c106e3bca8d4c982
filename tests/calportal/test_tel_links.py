"""Every ``tel:`` link the portal renders is ``tel:+48`` and nine digits (RFC 3966, no spaces):
public pages, staff pages with residents' phones, e-mails and the map's data."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from calportal.accounts.roles import Role
from calportal.outbox.services import deliver_due
from initiatives.passes.models import PassApplication, ProgrammeSettings
from initiatives.passes.services import pass_issue
from initiatives.services import PersonData, registration_create
from tests.factories import EventFactory, OrganisationFactory, TeamMemberFactory, UserFactory
from tests.resources_map.conftest import make_report, make_resource
from tests.selfhelp.conftest import make_group, make_member, make_request
from tests.volunteers.conftest import make_opportunity, make_shift, make_volunteer
from volunteers.models import Assignment, Shift
from volunteers.tasks import remind_shift_volunteers

TEL_HREF = re.compile(r"""href=["']?(tel:[^"'\s>]*)""")
GOOD = re.compile(r"tel:\+48\d{9}")


def tel_links(html: str) -> list[str]:
    return TEL_HREF.findall(html)


def assert_good_links(html: str, where: str = "") -> None:
    links = tel_links(html)
    assert links, f"no tel: link rendered {where}"
    bad = [link for link in links if not GOOD.fullmatch(link)]
    assert not bad, f"tel: links with spaces or without +48: {bad}"


@pytest.fixture
def office_phone(settings):
    settings.CONTACT_PHONE = "61 283 00 00"  # as an administrator would write it in the env


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("accessibility"),
        reverse("resources_map:guide"),
        reverse("selfhelp:thanks"),
    ],
)
def test_public_pages_link_the_office_phone_without_spaces(client, db, office_phone, url):
    make_resource(contact_phone="612830000")

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert_good_links(html)
    assert "tel:+48612830000" in html
    assert "61 283 00 00" in html  # shown grouped, readable


def test_the_event_page_links_the_office_phone_without_spaces(client, db, office_phone):
    event = EventFactory()

    html = client.get(reverse("initiatives:event_public", args=[event.pk])).content.decode()

    assert_good_links(html)


def test_the_public_map_links_a_resource_phone_without_spaces(client, db, office_phone):
    make_resource(contact_phone="+48 (61) 283 51 00")

    page = client.get(reverse("resources_map:map")).content.decode()
    data = client.get(reverse("resources_map:geojson")).json()

    assert_good_links(page)
    phones = [f["properties"] for f in data["features"] if f["properties"].get("phone")]
    assert phones[0]["phone_href"] == "tel:+48612835100"
    assert phones[0]["phone"] == "61 283 51 00"


def test_staff_pages_with_residents_phones_link_them_without_spaces(
    login, staff, roles, office_phone
):
    event = EventFactory()
    registration_create(
        event_id=event.pk,
        person=PersonData(first_name="Anna", last_name="O'Neill", phone="0048 601 234 567"),
    )
    organisation = OrganisationFactory(phone="61 283 00 00")
    volunteer = make_volunteer(organisation, phone="601-234-567")
    resource = make_resource(contact_phone="612830000")
    make_report(phone="601 234 567")
    TeamMemberFactory(phone="(61) 283-00-00")
    PassApplication.objects.create(
        first_name="Halina",
        last_name="Żurawska",
        birth_year=timezone.localdate().year - 70,
        phone="601234567",
        consent_text_version="x",
        consent_given_at=timezone.now(),
    )
    ProgrammeSettings.current()
    senior_pass = pass_issue(
        person=PersonData(
            first_name="Jan",
            last_name="Senior",
            phone="602 345 678",
            birth_year=timezone.localdate().year - 70,
        ),
        issued_by=staff,
    )
    client = login(staff)

    for url in [
        reverse("initiatives:event_registrations", args=[event.pk]),
        reverse("organisations:detail", args=[organisation.pk]),
        reverse("volunteers:volunteer_detail", args=[volunteer.pk]),
        reverse("volunteers:volunteer_list"),
        reverse("resources_map:resource_detail", args=[resource.pk]),
        reverse("resources_map:report_list"),
        reverse("team:workspace"),
        reverse("passes:application_list"),
        reverse("passes:pass_detail", args=[senior_pass.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_good_links(response.content.decode(), url)


def test_the_dashboard_s_help_tile_links_the_office_phone_without_spaces(
    login, partner_a, office_phone
):
    html = login(partner_a).get(reverse("dashboard")).content.decode()

    assert_good_links(html)
    assert "tel:+48612830000" in html


def test_self_help_pages_link_members_and_requests_without_spaces(login, roles):
    facilitator = UserFactory(email="f@example.org", role=Role.GROUP_FACILITATOR)
    group = make_group(facilitator)
    make_member(group, phone="601 234 567")
    join_request = make_request(group, phone="+48 602 345 678")
    client = login(facilitator)

    for url in [
        reverse("selfhelp:workspace", args=[group.pk]),
        reverse("selfhelp:request_detail", args=[join_request.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_good_links(response.content.decode(), url)


def test_the_shift_reminder_e_mail_links_the_organisers_phone_without_spaces(db):
    organisation = OrganisationFactory(phone="61 283 00 00")
    volunteer = make_volunteer(organisation, email="wolontariusz@example.org")
    shift = make_shift(make_opportunity(organisation))
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        ends_at=timezone.now() + datetime.timedelta(hours=22),
    )
    Assignment.objects.create(shift=shift, volunteer=volunteer)

    assert remind_shift_volunteers() == 1
    assert deliver_due() == 1

    message = mail.outbox[-1]
    html = message.alternatives[0][0]
    assert_good_links(html)
    assert "tel:+48612830000" in html
    assert "61 283 00 00" in message.body


def test_no_template_writes_a_tel_link_by_hand():
    """Every tel: link goes through the ``phone_link``/``tel_href`` filters."""
    from pathlib import Path

    from django.conf import settings

    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "static" / "js"]
    offenders = [
        str(path)
        for root in roots
        for path in root.rglob("*")
        if path.suffix in {".html", ".txt", ".js"}
        and "vendor" not in path.parts
        and re.search(r"tel:\{\{|tel:\"\s*\+|'tel:", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
