"""Files the portal hands out besides PDFs: every CSV export opens in Excel with Polish letters
(UTF-8 with a byte-order mark, semicolons), is never cached, and is named in a
Content-Disposition header that survives Polish letters (RFC 6266 ``filename*``); iCalendar
files fold long lines at 75 octets without splitting a letter."""

import datetime
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse

from calportal.accounts.roles import Role
from calportal.csv_files import csv_response, csv_text
from initiatives import services
from initiatives.models import Event
from tests.factories import EventFactory, UserFactory

POLISH = "Zażółć gęślą jaźń ĄĆĘŁŃÓŚŹŻ"


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(datetime.datetime(2026, 3, 18, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def test_a_polish_file_name_is_given_in_ascii_and_exactly():
    response = csv_response(csv_text(["a"], [["b"]]), "zapisy-Źródło-żółć.csv")

    header = response["Content-Disposition"]
    assert header.startswith("attachment; ")
    assert f"filename*=utf-8''{quote('zapisy-Źródło-żółć.csv')}" in header
    header.encode("latin-1")  # a header must be ISO-8859-1; Django would refuse it otherwise


def assert_excel_csv(response, *expected: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Cache-Control"] == "no-store"
    body = response.getvalue()
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert ";" in text.splitlines()[0]
    for value in expected:
        assert value in text


def test_the_registrations_export_keeps_polish_letters(login, staff):
    event = EventFactory(capacity=5)
    services.registration_create(
        event_id=event.pk,
        person=services.PersonData(
            first_name="Łucja", last_name="Żółtowska", email="lucja@example.org"
        ),
    )

    response = login(staff).get(reverse("initiatives:event_csv", args=[event.pk]))

    assert_excel_csv(response, "Łucja", "Żółtowska")
    assert f'filename="zapisy-{event.pk}.csv"' in response["Content-Disposition"]


def test_the_map_export_keeps_polish_letters(login, staff):
    from tests.resources_map.conftest import make_resource

    make_resource(name=f"Świetlica {POLISH}")

    response = login(staff).get(reverse("resources_map:export", args=["resources"]))

    assert_excel_csv(response, f"Świetlica {POLISH}")
    assert 'filename="zasoby-2026-03-18.csv"' in response["Content-Disposition"]


def test_the_hours_export_keeps_polish_letters(login, staff, organisation_a):
    from tests.volunteers.conftest import make_entry, make_volunteer

    volunteer = make_volunteer(organisation_a, 1, first_name="Łucja", last_name="Żółtowska")
    make_entry(volunteer, activity=POLISH)

    response = login(staff).get(reverse("volunteers:export", args=["entries"]))

    assert_excel_csv(response, "Łucja Żółtowska", POLISH)


def test_a_groups_members_export_keeps_polish_letters(login, roles):
    from tests.selfhelp.conftest import make_group, make_member

    facilitator = UserFactory(role=Role.GROUP_FACILITATOR)
    group = make_group(facilitator)
    make_member(group, name="Żaneta", last_name="Ślązak")

    response = login(facilitator).get(reverse("selfhelp:members_csv", args=[group.pk]))

    assert_excel_csv(response, "Żaneta", "Ślązak")


# --- iCalendar -----------------------------------------------------------------------------------


def test_an_event_file_folds_long_polish_lines_without_splitting_letters(client, db):
    title = (POLISH.replace(" ", "") * 10)[: Event._meta.get_field("title").max_length]
    event = EventFactory(title=title, place_name="Świetlica " + POLISH, address="ul. Łąkowa 5")

    response = client.get(reverse("initiatives:event_ics", args=[event.pk]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'inline; filename="wydarzenie-{event.pk}.ics"'
    lines = response.content.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # no letter cut in two at a fold
    unfolded = response.content.replace(b"\r\n ", b"").decode("utf-8")
    assert f"SUMMARY:{title}\r\n" in unfolded
    assert "Świetlica " + POLISH in unfolded


def export_rows(response) -> list[list[str]]:
    import csv
    import io

    assert response.streaming  # written as it is sent
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))


# The session, the user, the permissions, the event, the access log and both lists in one.
QUERIES_OF_THE_EXPORT = 7


@pytest.mark.parametrize("size", [5, 40])
def test_the_registrations_export_streams_the_lists_in_queue_order_with_pinned_queries(
    login, staff, size
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.initiatives.conftest import person

    event = EventFactory(capacity=2)
    for n in range(size):
        services.registration_create(event_id=event.pk, person=person(n))
    services.registration_cancel(registration_id=event.registrations.earliest("pk").pk)
    client = login(staff)
    client.get(reverse("initiatives:event_csv", args=[event.pk]))

    with CaptureQueriesContext(connection) as captured:
        rows = export_rows(client.get(reverse("initiatives:event_csv", args=[event.pk])))

    statuses = [row[0] for row in rows[1:]]
    assert statuses == ["Potwierdzone"] * 2 + ["Lista rezerwowa"] * (size - 3)
    assert [row[1] for row in rows[3:]] == [str(n) for n in range(1, size - 2)]
    assert len(captured) == QUERIES_OF_THE_EXPORT
