"""The map's report figures (MP1–MP4, R5's resources used, the areas' population), each against
values computed by hand from a small data set, in a fixed number of queries."""

import datetime
import zoneinfo

import pytest

from calportal.reports.figures import INDICATORS, Scope
from calportal.reports.periods import Period
from resources_map import figures
from resources_map.models import (
    Area,
    AreaKind,
    AreaPopulation,
    NeedStatus,
    ReportStatus,
    ResidentReport,
    ResourceClass,
    ResourceKind,
    Severity,
)
from tests.factories import EventFactory, InitiativeFactory, OrganisationFactory
from tests.resources_map.conftest import make_need, make_report, make_resource

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
Q1 = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
CAL = Scope()

pytestmark = pytest.mark.django_db


def at(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=WARSAW)


def _set(obj, **fields) -> None:
    """Store fields ``auto_now``/``auto_now_add`` would overwrite."""
    type(obj).objects.filter(pk=obj.pk).update(**fields)


@pytest.fixture
def places(db):
    organisation = OrganisationFactory(name="Stowarzyszenie Sąsiedzi")
    a = Area.objects.create(name="Centrum", kind=AreaKind.DISTRICT)
    b = Area.objects.create(name="Mechlin", kind=AreaKind.VILLAGE, urban=False)
    held = InitiativeFactory(lead_organisation=organisation)  # an event held in Q1
    EventFactory(initiative=held, starts_at=at(2026, 3, 31, 23, 0))
    cancelled = InitiativeFactory()  # its only event in Q1 was cancelled
    EventFactory(initiative=cancelled, starts_at=at(2026, 2, 1, 10), status="cancelled")
    earlier = InitiativeFactory()  # its event was in December
    EventFactory(initiative=earlier, starts_at=at(2025, 12, 31, 23, 30))
    return {
        "organisation": organisation,
        "a": a,
        "b": b,
        "held": held,
        "cancelled": cancelled,
        "earlier": earlier,
    }


@pytest.fixture
def resources(places):
    def resource(name, cls, kind, created, verified=None, used_by=None, **fields):
        item = make_resource(
            name=name, resource_class=cls, kind=kind, verified_on=verified, **fields
        )
        _set(item, created_at=created)
        if used_by is not None:
            item.used_by.add(used_by)
        return item

    return [
        # verified on the first day of the 12 months up to 31 March 2026: counts
        resource("Sala", ResourceClass.MATERIAL, ResourceKind.ROOM, at(2025, 6, 1, 12),
                 datetime.date(2025, 4, 1), used_by=places["held"]),
        # new in Q1; verified a day too early
        resource("Rzutnik", ResourceClass.MATERIAL, ResourceKind.EQUIPMENT, at(2026, 2, 10, 9),
                 datetime.date(2025, 3, 31), used_by=places["cancelled"]),
        # new in Q1: 23:30 on its last day, local time
        resource("Pani Ola", ResourceClass.HUMAN, ResourceKind.SKILL, at(2026, 3, 31, 23, 30),
                 used_by=places["earlier"]),
        # added 10 minutes into April: not in the stock
        resource("Konkurs", ResourceClass.FINANCIAL, ResourceKind.CALL, at(2026, 4, 1, 0, 10)),
        resource("Stowarzyszenie", ResourceClass.INSTITUTIONAL, ResourceKind.NGO,
                 at(2024, 1, 1, 8), datetime.date(2026, 3, 31), area=places["a"],
                 organisation=places["organisation"]),
    ]  # fmt: skip


def test_resources_count_the_stock_at_the_end_the_new_and_the_recently_verified(resources):
    result = figures.resources(Q1, CAL)

    assert result["by_class"] == {
        "institutional": 1,
        "material": 2,
        "human": 1,
        "financial": 0,
    }
    assert result["by_kind"]["room"] == 1
    assert result["by_kind"]["equipment"] == 1
    assert result["by_kind"]["call"] == 0
    assert sum(result["by_kind"].values()) == 4
    assert result["new"] == 2
    assert result["verified_12_months"] == (2, 4)


def test_resources_of_an_area_and_of_an_organisation(resources, places):
    by_area = figures.resources(Q1, Scope(area=places["a"].pk))
    by_organisation = figures.resources(Q1, Scope(organisation=places["organisation"].pk))

    assert by_area["by_class"]["institutional"] == 1
    assert by_area["verified_12_months"] == (1, 1)
    assert by_organisation["verified_12_months"] == (1, 1)
    assert by_organisation["new"] == 0


def test_a_resource_is_used_when_an_initiative_using_it_held_an_event_in_the_period(
    resources, places
):
    held = places["held"]

    assert figures.share_of_resources_used(Q1, CAL) == (1, 4)
    assert figures.share_of_resources_used(Q1, Scope(initiative=held.pk)) == (1, 1)
    assert figures.share_of_resources_used(
        Q1, Scope(event=held.events.get().pk)
    ) == (1, 1)  # fmt: skip
    december = Period(datetime.date(2025, 12, 1), datetime.date(2025, 12, 31))
    # "Pani Ola" was used in December, but is on the map only since March.
    assert figures.share_of_resources_used(december, CAL) == (0, 2)


@pytest.fixture
def needs(places):
    def need(title, identified, status, severity, areas, updated=None, answered_by=None):
        item = make_need(
            areas, title=title, identified_on=identified, status=status, severity=severity
        )
        _set(item, updated_at=updated or at(2026, 1, 5, 12))
        if answered_by is not None:
            item.initiatives.add(answered_by)
        return item

    return [
        need("Samotność", datetime.date(2025, 5, 1), NeedStatus.IDENTIFIED, Severity.HIGH,
             [places["a"]], answered_by=places["held"]),
        # met in Q1: it was open for part of it
        need("Ławki", datetime.date(2026, 2, 1), NeedStatus.MET, Severity.LOW, [places["b"]],
             updated=at(2026, 2, 15, 10), answered_by=places["earlier"]),
        need("Po okresie", datetime.date(2026, 4, 2), NeedStatus.IDENTIFIED, Severity.MEDIUM,
             [places["a"]], answered_by=places["held"]),
        need("Transport", datetime.date(2025, 11, 10), NeedStatus.ADDRESSED, Severity.CRITICAL,
             [places["b"]], answered_by=places["cancelled"]),
        # dropped before Q1
        need("Stara", datetime.date(2024, 1, 1), NeedStatus.DROPPED, Severity.MEDIUM,
             [places["a"]], updated=at(2025, 6, 1, 9), answered_by=places["held"]),
    ]  # fmt: skip


def test_needs_count_the_stock_by_status_and_severity_and_the_new(needs):
    result = figures.needs(Q1, CAL)

    assert result == {
        "by_status": {"identified": 1, "addressed": 1, "met": 1, "dropped": 1},
        "by_severity": {"low": 1, "medium": 1, "high": 1, "critical": 1},
        "new": 1,
    }


def test_needs_coverage_counts_needs_open_in_the_period_answered_by_an_initiative_with_an_event(
    needs, places
):
    assert figures.needs_coverage(Q1, CAL) == (1, 3)
    assert figures.needs_coverage(Q1, Scope(area=places["a"].pk)) == (1, 1)
    assert figures.needs_coverage(Q1, Scope(area=places["b"].pk)) == (0, 2)
    assert figures.needs_coverage(Q1, Scope(organisation=places["organisation"].pk)) == (1, 1)
    assert figures.needs(Q1, Scope(initiative=places["held"].pk))["new"] == 0
    # The ids a caller already has give the same figure.
    assert figures.needs_coverage(Q1, CAL, initiatives_with_events={places["held"].pk}) == (1, 3)


@pytest.fixture
def reports(places):
    def report(received, status, handled=None, area=None):
        fields = {"status": status, "area": area}
        if status == ReportStatus.REJECTED:
            fields["reject_reason"] = "Poza gminą."
        item = make_report(**fields)
        _set(item, created_at=received, handled_at=handled)
        return item

    return [
        report(at(2026, 1, 10, 10), ReportStatus.ACCEPTED, at(2026, 1, 12, 9), places["a"]),  # 2
        # 23:30 on 31 January to 00:30 on 1 February, local time: one day (0 in UTC)
        report(at(2026, 1, 31, 23, 30), ReportStatus.REJECTED, at(2026, 2, 1, 0, 30)),  # 1
        report(at(2026, 3, 1, 8), ReportStatus.NEW),
        report(at(2026, 2, 1, 8), ReportStatus.ACCEPTED, at(2026, 2, 11, 8)),  # 10
        report(at(2026, 3, 5, 10), ReportStatus.ACCEPTED, at(2026, 3, 5, 12)),  # 0
        report(at(2025, 12, 31, 12), ReportStatus.ACCEPTED, at(2026, 1, 5, 12)),  # before Q1
    ]


def test_residents_reports_by_outcome_with_the_median_days_to_a_decision(reports, places):
    result = figures.residents_reports(Q1, CAL)

    assert result == {
        "received": 5,
        "by_outcome": {"new": 1, "accepted": 3, "rejected": 1},
        "median_days_to_decision": 1.5,  # of 0, 1, 2, 10
    }
    in_area = figures.residents_reports(Q1, Scope(area=places["a"].pk))
    assert in_area["received"] == 1
    assert in_area["median_days_to_decision"] == 2.0


def test_residents_reports_have_no_organisation_and_an_odd_count_takes_the_middle(reports, places):
    ResidentReport.objects.filter(handled_at=at(2026, 3, 5, 12)).delete()

    assert figures.residents_reports(Q1, CAL)["median_days_to_decision"] == 2.0  # of 1, 2, 10
    by_organisation = figures.residents_reports(Q1, Scope(organisation=places["organisation"].pk))
    assert by_organisation["received"] == 0
    assert by_organisation["median_days_to_decision"] is None


def test_each_map_figure_takes_a_fixed_number_of_queries(
    resources, needs, reports, django_assert_num_queries
):
    with django_assert_num_queries(1):
        figures.resources(Q1, CAL)
    with django_assert_num_queries(1):
        figures.share_of_resources_used(Q1, CAL)
    with django_assert_num_queries(1):
        figures.needs(Q1, CAL)
    with django_assert_num_queries(1):
        figures.needs_coverage(Q1, CAL)
    with django_assert_num_queries(2):
        figures.residents_reports(Q1, CAL)
    with django_assert_num_queries(1):
        figures.population_by_area(2026, "60+")
    with django_assert_num_queries(1):
        figures.population_year_used(2026)
    with django_assert_num_queries(1):
        figures.areas()


def test_the_map_indicators_are_defined():
    assert {"MP1", "MP2", "MP3", "MP4"} <= set(INDICATORS)
    assert INDICATORS["MP3"].unit == "percent"


# --- population -------------------------------------------------------------------------------

GRID_2024 = {
    "female": {"0-17": 500, "18-54": 1500, "55-59": 300, "60-64": 250, "65+": 400},
    "male": {"0-17": 520, "18-54": 1550, "55-59": 280, "60-64": 230, "65+": 300},
}
GRID_2026 = {
    "female": {**GRID_2024["female"], "65+": 420},
    "male": {**GRID_2024["male"], "65+": 310},
}


def _grid(area, year, grid) -> None:
    AreaPopulation.objects.bulk_create(
        AreaPopulation(area=area, year=year, sex=sex, age_group=age, residents=residents)
        for sex, ages in grid.items()
        for age, residents in ages.items()
    )


@pytest.fixture
def population(db):
    town = Area.objects.create(
        name="Centrum", kind=AreaKind.DISTRICT, population_60_plus=999, population_year=2025
    )
    _grid(town, 2024, GRID_2024)
    _grid(town, 2026, GRID_2026)
    # only the senior cells: 60+ is known, the total is not
    village = Area.objects.create(
        name="Mechlin", kind=AreaKind.VILLAGE, urban=False, population_total=1250
    )
    _grid(
        village,
        2025,
        {"female": {"60-64": 40, "65+": 70}, "male": {"60-64": 35, "65+": 50}},
    )
    own = Area.objects.create(
        name="Dąbrowa", kind=AreaKind.VILLAGE, urban=False, population_60_plus=100,
        population_55_plus=150, population_total=600, population_year=2024,
    )  # fmt: skip
    later = Area.objects.create(
        name="Nochowo", kind=AreaKind.VILLAGE, population_60_plus=80, population_year=2027
    )
    undated = Area.objects.create(name="Bodzyniewo", kind=AreaKind.VILLAGE, population_60_plus=50)
    return {"town": town, "village": village, "own": own, "later": later, "undated": undated}


def test_population_uses_the_latest_year_not_after_the_given_one(population):
    town, village, own, later, undated = population.values()

    seniors = figures.population_by_area(2026, "60+")

    assert seniors == {
        undated.pk: 50,  # its own figure, undated
        own.pk: 100,  # its own figure, of 2024
        town.pk: 250 + 420 + 230 + 310,  # 2026
        village.pk: 40 + 70 + 35 + 50,  # 2025
        later.pk: None,  # its own figure is of 2027
    }
    assert list(seniors) == [undated.pk, town.pk, own.pk, village.pk, later.pk]  # by name
    assert figures.population_by_area(2025, "60+")[town.pk] == 250 + 400 + 230 + 300  # 2024
    # Before any of its rows, the town falls back to its own figure only if it is old enough.
    assert figures.population_by_area(2023, "60+")[town.pk] is None
    assert figures.population_by_area(2027, "60+")[later.pk] == 80


def test_population_by_sex_and_the_post_working_age(population):
    town, village, own, later, undated = population.values()

    post_working = figures.population_by_area(2026, "post_working_age")

    assert post_working == {
        undated.pk: None,
        own.pk: None,  # no figures by sex: no fallback
        town.pk: 250 + 420 + 310,  # women 60–64 and 65+, men 65+
        village.pk: 40 + 70 + 50,
        later.pk: None,
    }
    assert figures.population_by_area(2026, "female_60+")[town.pk] == 670
    assert figures.population_by_area(2026, "male_65+")[village.pk] == 50
    assert figures.population_by_area(2026, "55+")[town.pk] == 300 + 250 + 420 + 280 + 230 + 310
    total = figures.population_by_area(2026, "total")
    assert total[town.pk] == 2970 + 2890  # women + men
    assert total[village.pk] is None  # its 2025 rows lack the younger groups
    assert total[own.pk] == 600
    with pytest.raises(KeyError):
        figures.population_by_area(2026, "70+")


def test_population_year_used(population):
    town, village, own, later, undated = population.values()

    assert figures.population_year_used(2026) == {
        undated.pk: None,
        own.pk: 2024,
        town.pk: 2026,
        village.pk: 2025,
        later.pk: None,
    }
    assert figures.population_year_used(2025)[town.pk] == 2024
    assert figures.population_year_used(2027)[later.pk] == 2027


def test_areas_are_listed_by_name_with_urban_and_kind(population):
    town, village, *_others = population.values()

    result = figures.areas()

    assert list(result.values())[0]["name"] == "Bodzyniewo"
    assert result[town.pk] == {"name": "Centrum", "urban": True, "kind": "district"}
    assert result[village.pk] == {"name": "Mechlin", "urban": False, "kind": "village"}
