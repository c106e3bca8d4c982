"""The register of data-subject requests and the package's delivery (PRIVACY.md §3 "Intake"
and "Delivery"): who may do what, the deadline, the one-time link with a PIN."""

import datetime
import io
import zipfile

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calportal.privacy import package
from calportal.privacy.models import DeliveryLink, SubjectRequest
from tests.access import ALLOWED, DENIED, LOGIN, NOT_FOUND, assert_outcome
from tests.privacy.test_package import make_request
from tests.privacy.test_search import EMAIL, build_world

ROLES = ["dpo", "data_officer", "staff", "partner_a", "team_member", None]
READ = (ALLOWED, ALLOWED, DENIED, DENIED, DENIED, LOGIN)
WRITE = (DENIED, ALLOWED, DENIED, DENIED, DENIED, LOGIN)

# GET: url name -> outcome for each of ROLES (tests/privacy/test_privacy_access.py checks that
# every privacy URL name is in some *MATRIX).
REQUESTS_ACCESS_MATRIX = {
    "privacy:request_list": READ,
    "privacy:request_create": WRITE,
    "privacy:request_detail": READ,
    "privacy:request_edit": WRITE,
}
# POST: changes; only the data officer gets through.
REQUESTS_POST_MATRIX = {
    "privacy:request_create": WRITE,
    "privacy:request_edit": WRITE,
    "privacy:request_matches": WRITE,
    "privacy:request_notes_review": WRITE,
    "privacy:package_prepare": WRITE,
    "privacy:package_link_create": WRITE,
}
# The package's file: only those who hand it over (the DPO reads the register, not the data).
REQUESTS_FILE_MATRIX = {"privacy:package_download": WRITE}
# The person's page behind the e-mailed link: no login; an unknown token is not found for all.
REQUESTS_LINK_MATRIX = {"privacy:package_public": (NOT_FOUND,) * len(ROLES)}


def simple_request(**fields) -> SubjectRequest:
    received = fields.pop("received_on", datetime.date(2026, 11, 2))
    defaults = {
        "kind": "access",
        "channel": "letter",
        "requester_name": "Halina Testowa",
        "deadline": SubjectRequest.deadline_for(received),
    }
    return SubjectRequest.objects.create(received_on=received, **{**defaults, **fields})


def user_for(request, role):
    return request.getfixturevalue(role) if role else None


def _role_ids(index):
    return ROLES[index] or "anonymous"


def _args(view_name, subject_request):
    return (
        []
        if view_name in ("privacy:request_list", "privacy:request_create")
        else [subject_request.pk]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("view_name", REQUESTS_ACCESS_MATRIX)
@pytest.mark.parametrize("index", range(len(ROLES)), ids=_role_ids)
def test_role_matrix_of_the_pages(request, login, roles, view_name, index):
    subject_request = simple_request()
    client = login(user_for(request, ROLES[index]))
    response = client.get(reverse(view_name, args=_args(view_name, subject_request)))
    assert_outcome(response, REQUESTS_ACCESS_MATRIX[view_name][index])


@pytest.mark.django_db
@pytest.mark.parametrize("view_name", REQUESTS_POST_MATRIX)
@pytest.mark.parametrize("index", range(len(ROLES)), ids=_role_ids)
def test_nobody_but_the_data_officer_may_change_anything(request, login, roles, view_name, index):
    expected = REQUESTS_POST_MATRIX[view_name][index]
    if expected == ALLOWED:
        return  # the data officer's POSTs are tested one by one below
    subject_request = simple_request()
    client = login(user_for(request, ROLES[index]))
    data = {"reviewed": "1", "requester_name": "X", "match": []}
    response = client.post(reverse(view_name, args=_args(view_name, subject_request)), data)
    assert_outcome(response, expected)
    assert SubjectRequest.objects.count() == 1
    assert SubjectRequest.objects.get().requester_name == "Halina Testowa"


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(len(ROLES)), ids=_role_ids)
def test_only_the_data_officer_downloads_a_package(request, login, data_officer, index):
    world = build_world()
    subject_request = make_request(world)
    package.package_create(subject_request=subject_request, user=data_officer)
    client = login(user_for(request, ROLES[index]))
    response = client.get(reverse("privacy:package_download", args=[subject_request.pk]))
    assert_outcome(response, REQUESTS_FILE_MATRIX["privacy:package_download"][index])


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(len(ROLES)), ids=_role_ids)
def test_an_unknown_link_is_not_found_for_anyone(request, login, roles, index):
    client = login(user_for(request, ROLES[index]))
    response = client.get(reverse("privacy:package_public", args=["no-such-token"]))
    assert_outcome(response, REQUESTS_LINK_MATRIX["privacy:package_public"][index])


@pytest.mark.django_db
def test_unknown_requests_are_not_found_and_bad_queries_do_not_fail(login, data_officer):
    client = login(data_officer)
    for page in ("request_detail", "request_edit", "package_download"):
        assert_outcome(client.get(reverse(f"privacy:{page}", args=[999999])), NOT_FOUND)
    assert client.post(reverse("privacy:request_matches", args=[999999])).status_code == 404
    list_url = reverse("privacy:request_list")
    for query in ("?status=nonsense", "?kind=%3Cscript%3E", "?page=abc", "?page=99999"):
        assert client.get(list_url + query).status_code == 200
    subject_request = simple_request()
    detail = reverse("privacy:request_detail", args=[subject_request.pk])
    hostile = {"search": "1", "birth_year": "abc", "phone": "x"}
    assert client.post(detail, hostile).status_code == 200
    assert client.post(detail, {"search": "1"}).status_code == 200


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (datetime.date(2027, 1, 31), datetime.date(2027, 2, 28)),
        (datetime.date(2028, 1, 31), datetime.date(2028, 2, 29)),
        (datetime.date(2026, 11, 30), datetime.date(2026, 12, 30)),
        (datetime.date(2026, 3, 31), datetime.date(2026, 4, 30)),
    ],
)
def test_the_deadline_is_one_month_from_receipt(received, due):
    assert SubjectRequest.deadline_for(received) == due


@pytest.mark.django_db
def test_recording_a_request_computes_the_deadline(login, data_officer):
    client = login(data_officer)
    response = client.post(
        reverse("privacy:request_create"),
        {
            "kind": "access",
            "received_on": "2027-01-31",
            "channel": "in_person",
            "requester_name": "Zofia Wierzbicka",
            "requester_contact": EMAIL,
            "birth_year": "1948",
            "identity_check": "id_document",
            "identity_note": "dowód osobisty",
        },
    )
    subject_request = SubjectRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:request_detail", args=[subject_request.pk])
    assert subject_request.deadline == datetime.date(2027, 2, 28)
    assert subject_request.created_by == data_officer and subject_request.status == "received"


@pytest.mark.django_db
def test_an_extension_needs_a_reason_and_at_most_two_more_months(login, data_officer):
    subject_request = simple_request(received_on=datetime.date(2026, 11, 2))
    client = login(data_officer)
    url = reverse("privacy:request_edit", args=[subject_request.pk])
    form = {
        "kind": "access",
        "received_on": "2026-11-02",
        "channel": "letter",
        "requester_name": "Halina Testowa",
        "identity_check": "not_yet",
        "status": "extended",
        "extended_until": "2027-02-03",
        "extension_reason": "",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    subject_request.refresh_from_db()
    assert subject_request.extended_until is None
    response = client.post(url, {**form, "extension_reason": "Wiele rejestrów"})
    assert response.status_code == 200  # 3 Feb is beyond three months from receipt
    response = client.post(
        url, {**form, "extended_until": "2027-02-02", "extension_reason": "Wiele rejestrów"}
    )
    assert response.status_code == 302
    subject_request.refresh_from_db()
    assert subject_request.due_on == datetime.date(2027, 2, 2)


@pytest.mark.django_db
def test_the_list_flags_overdue_requests_in_words_with_constant_queries(login, data_officer):
    url = "/en" + reverse("privacy:request_list")
    with time_machine.travel(datetime.datetime(2026, 12, 10, 12, tzinfo=datetime.UTC), tick=False):
        client = login(data_officer)
        simple_request(received_on=datetime.date(2026, 11, 2), handled_by=data_officer)  # due 2 Dec
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            response = client.get(url)
        assert "Overdue" in response.content.decode()
        for day in range(3, 30):
            simple_request(
                received_on=datetime.date(2026, 10, day), status="answered", handled_by=data_officer
            )
        with CaptureQueriesContext(connection) as many:
            response = client.get(url)
    assert len(many) == len(few)
    assert response.content.decode().count("Overdue") == 1  # answered ones are not overdue
    filtered = client.get(url + "?status=answered")
    assert "Overdue" not in filtered.content.decode()


@pytest.mark.django_db
def test_staff_search_and_confirm_the_records(login, data_officer):
    world = build_world()
    subject_request = simple_request(
        requester_name="Zofia Wierzbicka", requester_contact=EMAIL, birth_year=1948
    )
    client = login(data_officer)
    detail = reverse("privacy:request_detail", args=[subject_request.pk])
    response = client.post(
        detail,
        {
            "search": "1",
            "email": EMAIL,
            "phone": "601 234 567",
            "first_name": "Zofia",
            "last_name": "Wierzbicka",
            "birth_year": "1948",
        },
    )
    page = response.content.decode()
    assert "Wierzbicka" in page and "Kowalski" not in page
    chosen = sorted(world.person_keys)
    response = client.post(
        reverse("privacy:request_matches", args=[subject_request.pk]),
        {"match": chosen + ["auth.group:1", sorted(world.other_keys)[0] + "x"]},
    )
    assert response.status_code == 302
    subject_request.refresh_from_db()
    assert {f"{m['model']}:{m['pk']}" for m in subject_request.matches} == world.person_keys
    assert subject_request.status == "in_progress"
    # The notes wait for the review; the page shows them to the reviewer and says so.
    page = client.get(detail).content.decode()
    assert "Prywatna notatka" in page
    client.post(
        reverse("privacy:request_notes_review", args=[subject_request.pk]), {"reviewed": "1"}
    )
    subject_request.refresh_from_db()
    assert package.notes_reviewed(subject_request)


@pytest.mark.django_db
def test_staff_prepare_and_download_the_package_in_person(login, data_officer):
    from calportal.audit.models import AccessEvent

    world = build_world()
    subject_request = make_request(world)
    client = login(data_officer)
    response = client.post(
        reverse("privacy:package_prepare", args=[subject_request.pk]), {"large_print": "1"}
    )
    assert response.status_code == 302
    response = client.get(reverse("privacy:package_download", args=[subject_request.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "data.json" in archive.namelist()
    assert (
        AccessEvent.objects.filter(
            action="subject_access_package", object_id=subject_request.pk
        ).count()
        == 2
    )


def send_link(client, subject_request):
    from post_office.models import Email

    response = client.post(
        reverse("privacy:package_link_create", args=[subject_request.pk]), {"email": EMAIL}
    )
    assert response.status_code == 200
    pin = response.context["pin"]
    email = Email.objects.filter(to__icontains=EMAIL).latest("created")
    url = next(
        word for word in email.message.split() if "/data-protection/requests/package/" in word
    )
    return url[url.index("/data-protection/") :], pin


@pytest.fixture
def link_setup(login, data_officer):
    world = build_world()
    subject_request = make_request(world)
    package.package_create(subject_request=subject_request, user=data_officer)
    client = login(data_officer)
    path, pin = send_link(client, subject_request)
    client.logout()
    return client, subject_request, path, pin


@pytest.mark.django_db
def test_the_right_pin_gives_the_file_once(link_setup):
    client, subject_request, path, pin = link_setup
    link = DeliveryLink.objects.get()
    assert pin not in link.pin_hash and path.rstrip("/").rsplit("/", 1)[-1] not in link.token_hash
    assert client.get(path).status_code == 200
    response = client.post(path, {"pin": pin})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("data.json")
    assert client.post(path, {"pin": pin}).status_code == 410
    assert client.get(path).status_code == 410
    subject_request.refresh_from_db()
    assert subject_request.delivery == "link"


@pytest.mark.django_db
def test_five_wrong_pins_lock_the_link(link_setup):
    client, _request, path, pin = link_setup
    wrong = "000000" if pin != "000000" else "111111"
    for attempt in range(4):
        response = client.post(path, {"pin": wrong})
        assert response.status_code == 200
        assert response.context["attempts_left"] == 4 - attempt
    assert client.post(path, {"pin": wrong}).status_code == 410
    assert client.post(path, {"pin": pin}).status_code == 410  # locked: even the right PIN
    assert DeliveryLink.objects.get().failed_pins == 5


@pytest.mark.django_db
def test_the_link_is_gone_after_seven_days(link_setup):
    client, _request, path, pin = link_setup
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        assert client.get(path).status_code == 410
        assert client.post(path, {"pin": pin}).status_code == 410


@pytest.mark.django_db
def test_a_link_goes_only_to_an_address_on_file(login, data_officer):
    world = build_world()
    subject_request = make_request(world)
    package.package_create(subject_request=subject_request, user=data_officer)
    client = login(data_officer)
    response = client.post(
        reverse("privacy:package_link_create", args=[subject_request.pk]),
        {"email": "attacker@example.org"},
    )
    assert response.status_code == 302
    assert not DeliveryLink.objects.exists()
