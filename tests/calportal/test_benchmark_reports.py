"""``manage.py benchmark_reports`` (issue 13's scale check) at a tiny scale: it seeds, measures
R1 in a fresh process, deletes what it added, and refuses a database with real participants;
and R1's dataset takes as many SQL queries on a small data set as on a larger one."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from calportal.reports import benchmark
from initiatives.models import Event, Participant, Registration
from tests.factories import ParticipantFactory

YEAR = 2025


@pytest.mark.django_db(transaction=True)  # the measuring process reads what the command commits
def test_the_command_seeds_measures_in_a_fresh_process_and_deletes_its_data():
    out = io.StringIO()
    call_command(
        "benchmark_reports", "--scale=0.001", f"--year={YEAR}", "--no-files", "--json", stdout=out
    )
    measured = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(measured) == {"R1", "R6", "R4", "R8"}
    figures = measured["R1"]
    assert figures["year"] == YEAR
    assert figures["counts"]["participants"] == 100
    assert figures["counts"]["registrations"] > 100
    # The report saw the seeded year: events held, attendances, volunteer hours, pass uses.
    kpis = figures["kpis"]
    assert kpis["EV1"] > 0 and kpis["AT1"] > 0 and kpis["PE1"] > 0
    assert kpis["VO3"] > 0 and kpis["PA3"] > 0
    assert figures["dataset"]["queries"] > 0
    assert 0 < figures["peak_rss_mb"] < 2000
    assert "pdf" not in figures  # --no-files
    # The other reports saw the seeded public task, project and hours.
    for kind in ("R6", "R4", "R8"):
        assert measured[kind]["dataset"]["queries"] > 0, kind
    assert measured["R8"]["kpis"]["VO3"] > 0
    assert not Participant.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_database_that_has_participants():
    ParticipantFactory()
    with pytest.raises(CommandError, match="already has participants"):
        call_command("benchmark_reports", "--scale=0.001", stdout=io.StringIO())
    assert Participant.objects.count() == 1


def _queries_on(sizes: dict, kind: str = "R1") -> tuple[int, dict]:
    """``kind``'s SQL queries for YEAR on a data set of ``sizes``, which is then rolled
    back."""
    with transaction.atomic():
        benchmark.seed(year=YEAR, scale=0, sizes=sizes)
        run = benchmark.report_run(kind, YEAR)
        dataset, queries, _seconds = benchmark.dataset_queries(run)
        registrations = Registration.objects.count()
        transaction.set_rollback(True)
    kpis = {kpi["id"]: kpi["value"] for kpi in dataset["kpis"]}
    return queries, {"registrations": registrations, **kpis}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["R1", "R6", "R4", "R8"])
def test_the_queries_of_a_report_do_not_grow_with_the_data(kind):
    small = benchmark.sizes_for(0)
    larger = {
        **{key: value * 4 for key, value in small.items()},
        # More of the things tables have a row or column for, too.
        "areas": 7,
        "organisations": 6,
        "venues": 5,
        "groups": 6,
    }
    queries_small, small_figures = _queries_on(small, kind)
    queries_larger, larger_figures = _queries_on(larger, kind)
    assert larger_figures["registrations"] > 3 * small_figures["registrations"]
    if kind == "R1":
        assert larger_figures["AT1"] > small_figures["AT1"]
    assert queries_larger == queries_small
