"""R4's "started support" figures and FI1 by funding year, against hand-computed values (the
data set is described in conftest.py)."""

import datetime
from decimal import Decimal

import time_machine

from calportal.projects import figures
from calportal.reports.figures import NOT_GIVEN, OUTSIDE, Scope
from calportal.reports.periods import Period, PeriodError, resolve
from initiatives import figures as event_figures
from initiatives.models import Funding
from tests.projects.conftest import WARSAW

H1 = Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
H2 = Period(datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))
WHOLE = Period(datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))


def _names(queryset):
    return sorted(queryset.values_list("last_name", flat=True))


def test_a_person_is_started_once_in_the_period_of_their_first_support(project_data):
    project = project_data["project"]
    # H1: only A (present at E1 on 10.03.2026).
    assert _names(figures.started(H1, project)) == ["Adamska"]
    # H2: B, C, F, G — not A (started in H1), not C's E0 (before the project), not D (other
    # initiative), not E (absent; the cancelled E3 does not count), F's waiting E1 ignored.
    assert _names(figures.started(H2, project)) == ["Bąk", "Cichy", "Fiołek", "Górska"]
    assert figures.started(WHOLE, project).count() == 5


def test_started_by_esf_band_and_sex(project_data):
    split = figures.started_by_band_sex(H2, project_data["project"])
    # B man 66 → 55+; C not given, no year of birth → unknown; F man 46 → 30–54; G woman 76.
    expected = {key: 0 for key in split}
    expected.update(
        {
            ("55+", "male"): 1,
            ("unknown", "not_given"): 1,
            ("30-54", "male"): 1,
            ("55+", "female"): 1,
        }
    )
    assert split == expected
    h1 = figures.started_by_band_sex(H1, project_data["project"])
    assert h1[("18-29", "female")] == 1 and sum(h1.values()) == 1  # A, 26 in 2026


def test_started_by_disability_settlement_area_and_month(project_data):
    project = project_data["project"]
    town, village = project_data["areas"]
    disability = figures.started_by_disability_sex(H2, project)
    # Declared: B and F (men), G (woman); C did not declare.
    assert disability[("declared", "male")] == 2
    assert disability[("declared", "female")] == 1
    assert disability[("not_declared", "not_given")] == 1
    assert sum(disability.values()) == 4
    settlement = figures.started_by_settlement_sex(H2, project)
    # F urban; B and G rural; C outside the municipality.
    assert settlement[("urban", "male")] == 1
    assert settlement[("rural", "male")] == 1 and settlement[("rural", "female")] == 1
    assert settlement[("outside", "not_given")] == 1
    assert sum(v for (key, _sex), v in settlement.items() if key == "not_given") == 0
    assert figures.started_by_area(H2, project) == {
        town.pk: 1,
        village.pk: 2,
        OUTSIDE: 1,
        NOT_GIVEN: 0,
    }
    assert figures.started_by_month(H2, project) == {"2026-08": 4}


def test_the_project_scope_counts_its_initiatives_only(project_data):
    scope = Scope(project=project_data["project"].pk)
    # E2 only (E3 cancelled, E4 another initiative's): 1 event, 2 hours, 5 present (A, B, C,
    # F, G; E was absent), 5 persons.
    assert event_figures.events_held(H2, scope) == 1
    assert event_figures.activity_hours(H2, scope) == Decimal("2.00")
    assert event_figures.attendances(H2, scope) == 5
    assert event_figures.participants(H2, scope) == 5
    # E0 (10.12.2025) is I1's but before the project: not the project's.
    december = Period(datetime.date(2025, 12, 1), datetime.date(2025, 12, 31))
    assert event_figures.events_held(december, scope) == 0
    assert (
        event_figures.events_held(december, Scope(initiative=project_data["initiatives"][0].pk))
        == 1
    )


def test_project_period_identifiers(project_data):
    project, h2 = project_data["project"], project_data["h2"]
    today = datetime.date(2026, 9, 15)
    assert resolve(f"project:{project.pk}", today=today) == WHOLE
    assert resolve(f"project:{project.pk}/{h2.pk}", today=today) == H2
    assert resolve(f"project:{project.pk}/current", today=today) == H2
    for wrong in ("project:0", f"project:{project.pk}/0", "project:x"):
        try:
            resolve(wrong, today=today)
        except PeriodError as error:
            assert str(error)
        else:
            raise AssertionError(wrong)


def test_participant_rows_for_the_restricted_list(project_data):
    rows = list(figures.participant_rows(project_data["project"]))
    # In the order they started: A (10.03), then B, C, F, G on 05.08 by last name.
    assert [row["last_name"] for row in rows] == ["Adamska", "Bąk", "Cichy", "Fiołek", "Górska"]
    a = rows[0]
    assert a["attendances"] == 2 and not a["disability"]
    assert a["first_support"].date() == datetime.date(2026, 3, 10)
    assert a["last_support"].date() == datetime.date(2026, 8, 5)
    assert rows[1]["disability"] is True  # B declared, consent recorded
    assert rows[2]["attendances"] == 1  # C: E0 is not the project's


def test_fi1_counts_funding_rows_by_their_year(project_data):
    i1, i2 = project_data["initiatives"]
    project = project_data["project"]
    Funding.objects.create(initiative=i1, source="esf", amount=Decimal("1000.00"), year=2026)
    Funding.objects.create(
        initiative=i1, source="esf", amount=Decimal("400.00"), year=2027, agreement=project
    )
    Funding.objects.create(initiative=i2, source="municipal", amount=Decimal("250.00"), year=2026)
    # No year (entered before years were recorded): counts when i2 has an event in P.
    Funding.objects.create(initiative=i2, source="donors", amount=Decimal("75.00"))
    # H2 2026: the 2026 rows (1000 + 250) and i2's undated row (E4 on 20.08.2026).
    assert event_figures.funding_by_source(H2) == {
        "esf": Decimal("1000.00"),
        "municipal": Decimal("250.00"),
        "donors": Decimal("75.00"),
    }
    # 2027: only the 2027 row (no events then, so not the undated one).
    year_2027 = Period(datetime.date(2027, 1, 1), datetime.date(2027, 12, 31))
    assert event_figures.funding_by_source(year_2027) == {"esf": Decimal("400.00")}
    # The project's scope: its initiative i1 only, every year it touches.
    assert event_figures.funding_by_source(WHOLE, Scope(project=project.pk)) == {
        "esf": Decimal("1400.00")
    }
    # 2025: nothing dated; i2 had no event then.
    year_2025 = Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert event_figures.funding_by_source(year_2025) == {}


def test_a_funding_row_takes_a_year_within_its_agreement(project_data):
    from initiatives.forms import FundingForm

    project = project_data["project"]  # 2026–2027
    form = FundingForm({"source": "esf", "amount": "1000", "year": "2025", "agreement": project.pk})
    assert not form.is_valid() and "year" in form.errors
    form = FundingForm({"source": "esf", "amount": "1000", "year": "2027", "agreement": project.pk})
    assert form.is_valid(), form.errors
    form = FundingForm({"source": "esf", "amount": "1000", "year": "3000"})
    assert not form.is_valid() and "year" in form.errors
    # Left empty: this year (the local date).
    # 00:30 on 1 January in Warsaw is still 31 December in UTC.
    with time_machine.travel(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=WARSAW), tick=False):
        form = FundingForm({"source": "municipal", "amount": "10"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["year"] == 2027
