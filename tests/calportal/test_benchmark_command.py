"""The cheap pieces of ``manage.py benchmark`` (issue 17): the data builders at tiny sizes, the
staff-list measurement, the floor view (only under the benchmark's URLconf), wrk's report and
the table. The full benchmark (gunicorn, wrk, a throw-away database) is a command, never a
test."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from calportal.bench import measure
from calportal.bench.data import add_list_rows, build_public
from calportal.bench.floor import FLOOR_PATH
from calportal.bench.table import Row, format_table, ratio_row
from calportal.management.commands.benchmark import STAFF_LISTS, list_rows, measure_lists
from initiatives.models import Event, Participant, Registration
from resources_map.models import Resource
from volunteers.models import HoursEntry, Volunteer

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:40000/events/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    51.20ms   10.01ms 120.00ms   80.00%
    Req/Sec   156.10     20.00   200.00     70.00%
  Latency Distribution
     50%   49.50ms
     75%   55.00ms
     90%   60.00ms
     99%    1.20s
  1560 requests in 5.01s, 37.50MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    311.38
Transfer/sec:      7.49MB
"""


@pytest.mark.django_db
def test_the_public_data_set_at_a_tiny_size(client):
    public = build_public(events=3, registrations=10, resources=8, burst_capacity=5)

    assert Registration.objects.filter(status="confirmed").count() == 10
    assert Resource.objects.filter(is_public=True, latitude__isnull=False).count() == 8
    # Places taken match the confirmed registrations, within capacity.
    for event in Event.objects.exclude(pk=public.burst_event_id):
        assert event.places_taken == event.registrations.filter(status="confirmed").count()
        assert event.places_taken <= event.capacity
    burst = Event.objects.get(pk=public.burst_event_id)
    assert (burst.capacity, burst.places_taken, burst.max_companions) == (5, 0, 0)
    assert burst.registration_state() == "open"
    # The event page the benchmark drives shows the signup form with its CSRF token.
    response = client.get(f"/events/{public.sample_event_id}/")
    assert response.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in response.content
    assert b'name="first_name"' in response.content


@pytest.mark.django_db
def test_the_list_rows_at_a_tiny_size():
    added = add_list_rows(4)

    assert Registration.objects.filter(event_id=added.event_id).count() == 4
    assert Event.objects.get(pk=added.event_id).places_taken == 4
    assert Volunteer.objects.filter(last_name__contains="-L").count() == 4
    assert HoursEntry.objects.filter(status="submitted").count() == 4
    assert Participant.objects.filter(email__startswith="l.").count() == 4


@pytest.mark.django_db
def test_every_staff_list_answers_and_its_queries_are_counted(staff):
    figures = measure_lists({"sizes": [2, 3], "quick": True, "email": staff.email})

    assert set(figures) == {"2", "3"}
    for size in figures.values():
        assert set(size) == {label for label, _name, _event in STAFF_LISTS}
        for label, timing in size.items():
            assert timing["status"] == 200, label
            assert timing["queries"] > 0, label
            assert timing["median_ms"] > 0
    # Rolled back: the lists' rows are not left behind.
    assert not Volunteer.objects.exists()
    rows = list_rows(figures)
    assert len(rows) == len(STAFF_LISTS)
    assert all(" q → " in row.measured for row in rows)


@pytest.mark.django_db
def test_the_floor_exists_only_under_the_benchmarks_urlconf(client):
    assert client.get(FLOOR_PATH).status_code == 404
    with override_settings(ROOT_URLCONF="calportal.bench.floor"):
        response = client.get(FLOOR_PATH)
        assert response.status_code == 200
        assert response.content == b"floor"
        # The portal's own pages are all still there.
        assert client.get(reverse("initiatives:calendar")).status_code == 200


def test_wrks_report_is_read():
    result = measure.parse_wrk(WRK_OUTPUT)

    assert result.requests_per_second == pytest.approx(311.38)
    assert (result.non_2xx, result.errors) == (4, 3)
    assert result.latency_p50_ms == pytest.approx(49.5)
    assert result.latency_p99_ms == pytest.approx(1200)
    with pytest.raises(RuntimeError, match="no Requests/sec"):
        measure.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


def test_percentile_is_the_nearest_rank():
    values = [i / 100 for i in range(1, 101)]
    assert measure.percentile(values, 95) == pytest.approx(0.95)
    assert measure.percentile([0.3], 95) == 0.3
    assert measure.percentile([], 95) == 0.0


def test_the_table_has_a_header_per_section_and_a_verdict_per_target():
    rows = [
        ratio_row("home", 1000.0, 600.0, 50),
        ratio_row("/map/", 1000.0, 12.9, 50),
        Row("signup burst", "total time", "1.50 s (133 signups/s)", "≤ 2 s", True),
        Row("signup burst", "p95 per signup", "900 ms"),
    ]
    text = format_table(rows)
    lines = text.splitlines()

    assert lines[0].startswith("public pages (page / floor)")
    assert re.search(r"^home\s+600\.0 / 1000 req/s = 60\.0 %\s+≥ 50 %\s+PASS$", text, re.M)
    assert re.search(r"^/map/\s+12\.9 / 1000 req/s = 1\.3 %\s+≥ 50 %\s+FAIL$", text, re.M)
    assert re.search(r"^signup burst\s+measured\s+target\s+result$", text, re.M)
    assert re.search(r"^p95 per signup\s+900 ms$", text, re.M)
    assert format_table([]) == "(no figures)"
