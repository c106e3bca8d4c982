"""Finishing a report's dataset (calportal.reports.finalise): the suppression rule of REPORTS.md
§3 in the shared variant, and every printed text in Polish and in English (REPORTS.md §1)."""

import copy
import json

import pytest
from django.utils import translation
from django.utils.translation import gettext

from calportal.reports import dataset as shape
from calportal.reports.figures import HOURS, NUMBER, PERCENT, PLN, Amount, define
from calportal.reports.finalise import delta_texts, finalise, format_value

NBSP = "\xa0"

# Test indicators (ids no real indicator uses).
define("TSUP1", "Test persons", "Persons in a test.")
define("TSUP2", "Test hours", "Hours persons gave in a test.", unit=HOURS)
define("TSUP3", "Test value", "Value of the hours in a test.", unit=PLN)
define("TSUP4", "Test reach", "Share reached in a test.", unit=PERCENT)
define("TSUP5", "Test members", "Members of a test group.", k=5)
define("TSUP6", "Test events", "Events of a test.", unit=NUMBER)


def share(numerator, denominator, row):
    """Women's share of a row of the people table, computed from two of its cells."""
    return {
        **shape.cell(
            round(numerator * 100 / denominator, 1), derived_from=[[row, "female"], [row, "total"]]
        ),
        "numerator": numerator,
        "denominator": denominator,
    }


def people_table():
    """Hand-worked (k = 3): 2 is hidden ("< 3"); row "young" then hides 10; column "male" hides 6
    (less than 8) and column "female" hides 5 (less than 7) — 10, 6 and 5 are not below k, they
    are hidden to protect the 2 ("x"); the shares of "young" and "old" are derived from hidden
    cells ("x")."""
    columns = [
        shape.column("female", "Women", indicator="TSUP1"),
        shape.column("male", "Men", indicator="TSUP1"),
        shape.column("total", "Total", indicator="TSUP1", total=True),
        shape.column("share", "Women %", unit=PERCENT),
    ]
    rows = [
        shape.row("young", "18–29", [10, 2, 12, share(10, 12, "young")]),
        shape.row("middle", "30–44", [7, 8, 15, share(7, 15, "middle")]),
        shape.row("old", "45–54", [5, 6, 11, share(5, 11, "old")]),
        shape.row("total", "Total", [22, 16, 38, share(22, 38, "total")], total=True),
    ]
    return shape.table("people", "People", columns, rows)


def work_table():
    """Magnitudes without totals: February's hours have 2 contributors, its value one person
    with 160 of 200 (above 75 %)."""
    columns = [
        shape.column("hours", "Hours", indicator="TSUP2"),
        shape.column("value", "Value", indicator="TSUP3"),
    ]
    rows = [
        shape.row("jan", "January", [Amount(12.25, 4, 3), Amount(1500.5, 4, 400)]),
        shape.row("feb", "February", [Amount(10, 2, 6), Amount(200, 5, 160)]),
        shape.row("mar", "March", [Amount(1234.5, 10, 100), Amount(0, 0, 0)]),
    ]
    return shape.table("work", "Work", columns, rows)


def rates_table():
    """A rate on a base of 9 (not shown) and on 10 (shown); a Δ cell derived from a hidden cell
    of another table; a mean column with no derived_from next to a hidden count."""
    columns = [
        shape.column("reached", "Reached", indicator="TSUP1"),
        shape.column("rate", "Rate", unit=PERCENT),
        shape.column("change", "Change", indicator="TSUP1"),
        shape.column("mean", "Mean", unit="mean"),
    ]
    rows = [
        shape.row(
            "small",
            "Small base",
            [
                5,
                {**shape.cell(55.6), "numerator": 5, "denominator": 9},
                shape.cell(-3, derived_from=[["people", "young", "male"]]),
                1.25,
            ],
        ),
        shape.row(
            "big",
            "Big base",
            [
                3,
                {**shape.cell(30), "numerator": 3, "base": 10},
                shape.cell(4, derived_from=[["people", "middle", "male"]]),
                2,
            ],
        ),
        shape.row(
            "tiny",
            "Tiny",
            [
                1,
                {**shape.cell(10), "numerator": 1, "denominator": 10},
                shape.cell(1234, derived_from=[[0, 0]]),
                3.04,
            ],
        ),
    ]
    return shape.table("rates", "Rates", columns, rows)


def manual_kpi(id, value, comparison=None, unit="count"):
    return {"id": id, "label": id, "unit": unit, "value": value, "comparison": comparison}


def build(variant="shared", language="pl", *, pe1=25, comparison=True, k=3):
    kpis = [
        manual_kpi("EV1", 2, 1, unit=NUMBER),  # events: things, never hidden
        manual_kpi("EV3", 80.5, 60, unit=HOURS),
        manual_kpi("PE1", pe1, 20),
        shape.kpi("TSUP1", 2, 12),
        shape.kpi("TSUP2", Amount(1234.5, 3, 100), Amount(1000, 2, 500)),
        shape.kpi("TSUP3", Amount(1500.5, 5, 100), Amount(0, 0, 0)),
        shape.kpi("TSUP4", 12.5, 10.25),
        shape.kpi("TSUP5", 0, 0),
        {**manual_kpi("PE4", 3.5, 2.0, unit="mean"), "derived_from": ["TSUP1"]},
    ]
    charts = [
        shape.chart(
            "people-chart",
            "bar",
            "People",
            table="people",
            series=["female", "male"],
            summary="",
            alt="",
        ),
        shape.chart(
            "work-chart", "bar", "Hours", table="work", series=["hours"], summary="", alt=""
        ),
        shape.chart(
            "rates-chart", "bar", "Reached", table="rates", series=["reached"], summary="", alt=""
        ),
    ]
    return {
        "kind": "R1",
        "title": "Test",
        "subtitle": "",
        "language": language,
        "variant": variant,
        "scope": {"kind": "cal", "id": None, "label": "CAL"},
        "period": {"start": "2025-01-01", "end": "2025-12-31", "label": "2025", "identifier": ""},
        "comparison": (
            {"start": "2024-01-01", "end": "2024-12-31", "label": "2024", "mode": "same"}
            if comparison
            else None
        ),
        "data_as_of": "2026-01-02T08:00:00+01:00",
        "k": k,
        "notice": None,
        "kpis": kpis,
        "sections": [
            shape.section("s1", "One", tables=[people_table(), work_table()], charts=charts[:2]),
            shape.section("s2", "Two", tables=[rates_table()], charts=charts[2:]),
        ],
        "definitions": [],
        "legend": "",
    }


def displays(table):
    return {row["key"]: [cell["display"] for cell in row["cells"]] for row in table["rows"]}


def table(data, id):
    return next(t for t in shape.tables(data) if t["id"] == id)


def kpi(data, id):
    return next(k for k in data["kpis"] if k["id"] == id)


# --- tables -------------------------------------------------------------------------------


def test_the_shared_variant_hides_small_counts_their_protectors_and_what_is_derived():
    people = table(finalise(build()), "people")

    assert displays(people) == {
        # 10 protects the 2 (secondary rule), the share is derived from them: "x"; 2 is below k.
        "young": ["x", "< 3", "12", "x"],
        "middle": ["7", "8", "15", "46,7%"],
        # 5 and 6 protect the columns' hidden cells (secondary rule), the share follows: "x".
        "old": ["x", "x", "11", "x"],
        "total": ["22", "16", "38", "57,9%"],
    }
    hidden = [[c["suppressed"] for c in r["cells"]] for r in people["rows"]]
    assert hidden[0] == [True, True, False, True]
    assert not people["collapsed"]


def test_only_a_count_below_k_prints_less_than_k_any_other_hidden_value_prints_x():
    data = build()
    hours = data["sections"][0]["tables"][1]
    # Two hours by one person: below 3, but hours, hidden by the magnitude rule.
    hours["rows"].append(shape.row("apr", "April", [Amount(2, 1, 2), Amount(2.5, 1, 2.5)]))

    result = finalise(data)
    young = table(result, "people")["rows"][0]["cells"]

    # Primary: the count 2 (0 < 2 < 3). Secondary: the count 10 (≥ k) hidden to protect it.
    assert (young[1]["suppressed"], young[1]["display"]) == (True, "< 3")
    assert (young[0]["suppressed"], young[0]["display"]) == (True, "x")
    assert displays(table(result, "work"))["apr"] == ["x", "x"]


def test_a_hidden_value_leaves_nothing_behind_in_the_shared_dataset():
    data = finalise(build())
    young = table(data, "people")["rows"][0]["cells"]
    feb = table(data, "work")["rows"][1]["cells"]

    assert [c["value"] for c in young] == [None, None, 12, None]
    assert young[3]["numerator"] is None
    assert [c["value"] for c in feb] == [None, None]
    # One person's contribution is never published, hidden or not.
    assert {c["contributors"] for r in table(data, "work")["rows"] for c in r["cells"]} == {None}
    assert {c["largest"] for r in table(data, "work")["rows"] for c in r["cells"]} == {None}
    json.dumps(data)


def test_magnitudes_follow_the_gus_rule_and_print_in_polish():
    work = table(finalise(build()), "work")

    assert displays(work) == {
        "jan": ["12,25", f"1{NBSP}500,50 zł"],
        # 2 contributors; one person 160 of 200: hidden by the magnitude rule, not counts: "x".
        "feb": ["x", "x"],
        "mar": [f"1{NBSP}234,5", "0,00 zł"],
    }


def test_magnitudes_print_in_english():
    work = table(finalise(build(language="en")), "work")

    assert displays(work) == {
        "jan": ["12.25", "PLN 1,500.50"],
        "feb": ["x", "x"],
        "mar": ["1,234.5", "PLN 0.00"],
    }


def test_rates_need_a_base_of_ten_and_derived_cells_follow_their_sources():
    rates = table(finalise(build()), "rates")

    assert displays(rates) == {
        # base 9: "—" whatever else; Δ (−3) derived from people/young/male (hidden in the other
        # table): "x"; a mean with no derived_from is shown while its row hides nothing.
        "small": ["5", "—", "x", "1,3"],
        # base 10: shown; 3 is not below k
        "big": ["3", "30,0%", "4", "2,0"],
        # 1 is below k: "< 3"; its rate (1 of 10 gives it away) is hidden: "x"; the Δ derived from
        # [0, 0] (row "small", column "reached": 5, visible) stays; the mean of a row hiding a
        # count goes: "x".
        "tiny": ["< 3", "x", f"1{NBSP}234", "x"],
    }
    assert rates["rows"][0]["cells"][1]["na"] is True


def test_the_internal_variant_hides_nothing_but_still_formats():
    data = finalise(build("internal", "en"))

    assert displays(table(data, "people"))["young"] == ["10", "2", "12", "83.3%"]
    assert displays(table(data, "work"))["feb"] == ["10", "PLN 200.00"]
    assert displays(table(data, "rates"))["small"][1] == "—"  # the base rule is about reliability
    assert not any(
        c["suppressed"] for t in shape.tables(data) for r in t["rows"] for c in r["cells"]
    )
    assert table(data, "work")["rows"][1]["cells"][0]["contributors"] == 2


def test_a_raised_report_k_raises_every_table_and_kpi():
    data = finalise(build(k=4))

    # 3 is below 4: "< 4"; its rate (3 of 10) is hidden with it, and is not a count: "x".
    assert displays(table(data, "rates"))["big"][:2] == ["< 4", "x"]
    assert kpi(data, "TSUP1")["display"] == "< 4"
    assert data["legend"].startswith("< 4 – dane utajnione (mniej niż 4 osoby)")


def test_a_table_with_a_total_below_k_collapses():
    data = build()
    columns = [shape.column("n", "N", indicator="TSUP1")]
    rows = [
        shape.row("a", "A", [1]),
        shape.row("b", "B", [1]),
        shape.row("t", "T", [2], total=True),
    ]
    data["sections"][1]["tables"].append(shape.table("small", "Small", columns, rows))
    data["sections"][1]["charts"].append(
        shape.chart("small-chart", "bar", "S", table="small", series=["n"], summary="", alt="")
    )

    result = finalise(data)
    small = table(result, "small")

    assert small["collapsed"] is True
    assert small["notice"] == "Za mało danych."
    assert [c["value"] for r in small["rows"] for c in r["cells"]] == [None, None, None]
    # Collapsed: every cell prints "x", though each count was below k (the notice says why).
    assert displays(small) == {"a": ["x"], "b": ["x"], "t": ["x"]}
    assert [c["id"] for c in result["sections"][1]["charts"]] == ["rates-chart"]


def test_a_small_band_hides_its_cells_and_the_rest_prints():
    # age bands × women, men, not given | total, with a total row (k = 3): 85+ has one woman.
    data = build()
    columns = [
        shape.column("female", "Women", indicator="TSUP1"),
        shape.column("male", "Men", indicator="TSUP1"),
        shape.column("not_given", "Not given", indicator="TSUP1"),
        shape.column("total", "Total", indicator="TSUP1", total=True),
    ]
    rows = [
        shape.row("60-64", "60–64", [20, 15, 3, 38]),
        shape.row("65-74", "65–74", [12, 9, 0, 21]),
        shape.row("75-84", "75–84", [6, 4, 0, 10]),
        shape.row("85+", "85+", [1, 0, 0, 1]),
        shape.row("total", "Total", [39, 28, 3, 70], total=True),
    ]
    data["sections"][1]["tables"].append(shape.table("ages", "Ages", columns, rows))

    ages = table(finalise(data), "ages")

    # 85+'s 1 and its total 1 (a row total, not the grand total) are hidden ("< 3"); women's
    # column hides 6 and the total column 10 to protect them ("x"; worked in
    # test_suppression.py).
    assert not ages["collapsed"]
    assert displays(ages) == {
        "60-64": ["20", "15", "3", "38"],
        "65-74": ["12", "9", "0", "21"],
        "75-84": ["x", "4", "0", "x"],
        "85+": ["< 3", "0", "0", "< 3"],
        "total": ["39", "28", "3", "70"],
    }


def test_numbers_of_things_are_never_hidden():
    # Events (things) and their participants (persons) by month, with totals.
    data = build()
    columns = [
        shape.column("events", "Events", indicator="TSUP6"),
        shape.column("persons", "Participants", indicator="TSUP1"),
    ]
    rows = [
        shape.row("jan", "January", [1, 2]),
        shape.row("feb", "February", [2, 30]),
        shape.row("mar", "March", [4, 40]),
        shape.row("total", "Total", [7, 72], total=True),
    ]
    only_things = [
        shape.row("jan", "January", [1]),
        shape.row("feb", "February", [0]),
        shape.row("total", "Total", [1], total=True),
    ]
    data["sections"][1]["tables"] += [
        shape.table("mixed", "Mixed", columns, rows),
        shape.table("things", "Things", columns[:1], only_things),
    ]

    result = finalise(data)

    # January's 2 participants are hidden ("< 3"), and 30 with them ("x": the persons' column
    # has a total); the 1, 2 and 4 events print, and are never chosen to protect a line.
    assert displays(table(result, "mixed")) == {
        "jan": ["1", "< 3"],
        "feb": ["2", "x"],
        "mar": ["4", "40"],
        "total": ["7", "72"],
    }
    # A table of things only is never suppressed, however small its total.
    things = table(result, "things")
    assert not things["collapsed"]
    assert displays(things) == {"jan": ["1"], "feb": ["0"], "total": ["1"]}
    assert finalise(result) == result


def test_a_cells_own_unit_overrides_its_columns():
    # A trends table (R5): the columns are years, the rows different figures.
    data = build(language="en")
    columns = [shape.column(str(year), str(year)) for year in (2023, 2024, 2025)]
    rate = [
        {**shape.cell(round(100 * n / d, 1)), "unit": PERCENT, "numerator": n, "denominator": d}
        for n, d in ((2, 20), (6, 24), (5, 8))
    ]
    rows = [
        shape.row("persons", "Participants", [20, 24, 8]),
        shape.row("women", "Women, %", rate),
        shape.row("events", "Events", [{**shape.cell(n), "unit": NUMBER} for n in (1, 2, 12)]),
        shape.row("small", "Small", [1, 0, 3]),
    ]
    data["sections"][1]["tables"].append(shape.table("trends", "Trends", columns, rows))

    trends = table(finalise(data), "trends")

    assert displays(trends) == {
        "persons": ["20", "24", "8"],
        # 2 of 20 gives a count below k away (a rate: "x"); 6 of 24 prints to 0.1; a base of 8
        # is too small.
        "women": ["x", "25.0%", "—"],
        "events": ["1", "2", "12"],  # numbers of events: never hidden
        "small": ["< 3", "0", "3"],
    }


def test_two_total_rows_are_refused():
    data = build()
    rows = [shape.row("a", "A", [5], total=True), shape.row("b", "B", [5], total=True)]
    data["sections"][0]["tables"].append(
        shape.table("bad", "Bad", [shape.column("n", "N", indicator="TSUP1")], rows)
    )

    with pytest.raises(ValueError):
        finalise(data)


# --- KPIs and Δ -----------------------------------------------------------------------------


def test_kpis_in_the_shared_variant_in_polish():
    data = finalise(build())
    texts = {
        k["id"]: (k["display"], k["comparison_display"], k["delta_display"]) for k in data["kpis"]
    }

    assert texts == {
        "EV1": ("2", "1", "+1"),  # a number of events, not of persons: printed
        "EV3": ("80,5", "60", "+20,5 (+34,2%)"),  # hours of events: no contributors, not hidden
        "PE1": ("25", "20", "+5 (+25,0%)"),
        "TSUP1": ("< 3", "12", "—"),  # Δ would give the hidden value away
        "TSUP2": (f"1{NBSP}234,5", "x", "—"),  # the comparison had 2 contributors: hours, not "< 3"
        "TSUP3": (f"1{NBSP}500,50 zł", "0,00 zł", "nowe"),
        "TSUP4": ("12,5%", "10,3%", "+2,3 p.p."),  # 12.5 − 10.25 = 2.25 → 2.3 points
        "TSUP5": ("0", "0", "0"),
        "PE4": ("x", "2,0", "—"),  # computed from a hidden KPI: a mean, not "< 3"
    }
    assert kpi(data, "TSUP1")["suppressed"] is True
    assert kpi(data, "TSUP1")["value"] is None
    assert kpi(data, "TSUP2")["comparison_suppressed"] is True
    assert kpi(data, "TSUP2")["comparison"] is None
    assert "contributors" not in kpi(data, "TSUP2")


def test_kpis_in_the_internal_variant_in_english():
    data = finalise(build("internal", "en"))
    texts = {
        k["id"]: (k["display"], k["comparison_display"], k["delta_display"]) for k in data["kpis"]
    }

    assert texts["TSUP1"] == ("2", "12", "−10 (−83.3%)")
    assert texts["TSUP2"] == ("1,234.5", "1,000", "+234.5 (+23.5%)")  # 234.5 / 1000 = 23.45 %
    assert texts["TSUP3"] == ("PLN 1,500.50", "PLN 0.00", "new")
    assert texts["TSUP4"] == ("12.5%", "10.3%", "+2.3 pp")
    assert texts["PE4"] == ("3.5", "2.0", "+1.5")  # a mean: no Δ%


def test_delta_percent_needs_a_comparison_of_ten():
    with translation.override("en"):
        assert delta_texts(8, 5, "count") == ("+3", "")
        assert delta_texts(8, 9, "count") == ("−1", "")
        assert delta_texts(11, 10, "count") == ("+1", "+10.0%")
        assert delta_texts(0, 10, "count") == ("−10", "−100.0%")
        assert delta_texts(10, 10, "count") == ("0", "0.0%")


def test_delta_special_cases():
    with translation.override("pl"):
        assert delta_texts(3, 0, "count") == ("nowe", "")
        assert delta_texts(0, 0, "count") == ("0", "")
        assert delta_texts(3, None, "count") == ("", "")
        assert delta_texts(None, 3, "count") == ("", "")
        assert delta_texts(30, 20, "count", suppressed=True) == ("—", "")


def test_without_a_comparison_no_comparison_nor_delta_is_printed():
    data = finalise(build(comparison=False))

    assert {(k["comparison_display"], k["delta_display"]) for k in data["kpis"]} == {("", "")}


# --- the whole-report guard, charts, legend -------------------------------------------------


@pytest.mark.parametrize("pe1", [0, 2])
def test_too_few_participants_leave_only_events_and_hours(pe1):
    data = finalise(build(pe1=pe1))

    assert [k["id"] for k in data["kpis"]] == ["EV1", "EV3"]
    assert [k["display"] for k in data["kpis"]] == ["2", "80,5"]
    assert data["notice"] == "Za mało danych do publikacji."
    assert all(t["collapsed"] for t in shape.tables(data))
    # Every cell of a collapsed table prints "x", the 2 and the 1 too: "< 3" on some would tell
    # which of the hidden values are small.
    assert all(
        c["value"] is None and c["display"] == "x"
        for t in shape.tables(data)
        for r in t["rows"]
        for c in r["cells"]
    )
    assert [s["charts"] for s in data["sections"]] == [[], []]


def test_the_guard_in_english_and_not_in_the_internal_variant():
    assert finalise(build(language="en", pe1=2))["notice"] == "Too little data to publish."
    internal = finalise(build("internal", pe1=2))
    assert internal["notice"] is None
    assert len(internal["kpis"]) == 9


def test_charts_omit_the_bars_of_hidden_values_and_say_so():
    data = finalise(build())
    people_chart, work_chart = data["sections"][0]["charts"]
    (rates_chart,) = data["sections"][1]["charts"]

    assert people_chart["omit"] == ["young", "old"]
    assert people_chart["note"] == "Pominięto słupki wartości utajnionych."
    assert work_chart["omit"] == ["feb"]
    assert rates_chart["omit"] == ["tiny"]
    english = finalise(build(language="en"))["sections"][0]["charts"][0]
    assert english["note"] == "Bars for suppressed values are omitted."
    internal = finalise(build("internal"))["sections"][0]["charts"][0]
    assert (internal["omit"], internal["note"]) == ([], None)


def test_the_legend_is_in_the_reports_language_with_its_k():
    polish = finalise(build())
    english = finalise(build(language="en"))

    with translation.override("pl"):
        protective = gettext("x – hidden so that a confidential value cannot be worked out")
    assert polish["legend"] == (
        "< 3 – dane utajnione (mniej niż 3 osoby); — nie dotyczy lub za mała podstawa; "
        ". – brak danych; " + protective
    )
    assert protective.startswith("x – ")
    assert english["legend"] == (
        "< 3 – confidential (fewer than 3 persons); — not applicable or base too small; "
        ". – no data; x – hidden so that a confidential value cannot be worked out"
    )
    data = build()
    data["sections"][0]["tables"][0]["k"] = 5
    assert table(finalise(data), "people")["legend"].startswith(
        "< 5 – dane utajnione (mniej niż 5 osób)"
    )


# --- formats, purity, idempotence -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "polish", "english"),
    [
        (1234, "count", f"1{NBSP}234", "1,234"),
        (1234567, "uses", f"1{NBSP}234{NBSP}567", "1,234,567"),
        (12.3, "hours", "12,25", "12.25"),
        (12.4, "hours", "12,5", "12.5"),
        (12, "hours", "12", "12"),
        (1500.5, "pln", f"1{NBSP}500,50 zł", "PLN 1,500.50"),
        (1234.56, "percent", f"1{NBSP}234,6%", "1,234.6%"),
        (0.05, "percent", "0,1%", "0.1%"),
        (2, "mean", "2,0", "2.0"),
        (-1234, "count", f"−1{NBSP}234", "−1,234"),
        (None, "count", ".", "."),
    ],
)
def test_numbers_print_in_the_reports_language(value, unit, polish, english):
    with translation.override("pl"):
        assert format_value(value, unit) == polish
    with translation.override("en"):
        assert format_value(value, unit) == english


def test_na_and_no_data_cells():
    data = build()
    data["sections"][0]["tables"][1]["rows"][2]["cells"][0] = shape.cell(None)
    data["sections"][0]["tables"][1]["rows"][0]["cells"][0] = shape.cell(5, na=True)

    work = table(finalise(data), "work")

    assert displays(work)["mar"][0] == "."
    assert displays(work)["jan"][0] == "—"


def test_the_input_is_left_as_it_was():
    data = build()
    before = copy.deepcopy(data)

    finalise(data)

    assert data == before


@pytest.mark.parametrize(
    ("variant", "language", "pe1"),
    [("shared", "pl", 25), ("shared", "en", 25), ("internal", "pl", 25), ("shared", "pl", 2)],
)
def test_finalising_twice_changes_nothing(variant, language, pe1):
    once = finalise(build(variant, language, pe1=pe1))

    assert finalise(once) == once
