"""A person's requests are found by the same phone or e-mail address (one filter,
calportal.contacts.same_contact_q) and open requests by the one definition of "waiting"."""

import datetime

import pytest
from django.utils import timezone

from selfhelp import services
from selfhelp.models import ContactWay, JoinRequest, RequestStatus
from tests.selfhelp.conftest import make_member, make_request


def data(**fields) -> dict:
    return {
        "first_name": "Elżbieta",
        "phone": "602345678",
        "email": "",
        "contact_way": ContactWay.PHONE,
        **fields,
    }


@pytest.mark.parametrize(
    "status", [RequestStatus.NEW, RequestStatus.WAITING, RequestStatus.CONTACTED]
)
def test_a_request_nobody_finished_with_is_the_one_asked_again(group, status):
    first = make_request(group, status=status)

    again = services.request_create(group=group, data=data())

    assert again.pk == first.pk
    assert JoinRequest.objects.count() == 1


@pytest.mark.parametrize(
    "status", [RequestStatus.JOINED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN]
)
def test_after_a_handled_request_asking_again_is_a_new_request(group, status):
    first = make_request(group, status=status)

    again = services.request_create(group=group, data=data())

    assert again.pk != first.pk
    assert JoinRequest.objects.count() == 2


def test_an_address_in_other_capitals_still_finds_the_open_request(group):
    first = make_request(group, phone="", email="ela@example.org", contact_way=ContactWay.EMAIL)

    again = services.request_create(
        group=group, data=data(phone="", email=" Ela@Example.ORG ", contact_way=ContactWay.EMAIL)
    )

    assert again.pk == first.pk


def test_erasing_a_former_member_erases_their_requests_whatever_the_capitals(group, facilitator):
    member = make_member(
        group,
        phone="",
        email="Halina@Example.org",
        left_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    earlier = make_request(
        group, name="Halina", phone="", email="halina@example.org", status=RequestStatus.DECLINED
    )
    someone_else = make_request(group, name="Zofia", phone="603000000")

    services.member_erase(member=member, user=facilitator)

    earlier.refresh_from_db()
    someone_else.refresh_from_db()
    assert earlier.erased_at is not None and earlier.email == ""
    assert someone_else.erased_at is None
