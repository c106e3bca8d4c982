"""R2, R3 and R7 on one small fixed data set, every value counted by hand.

Organisations: "Bractwo Kurkowe" (B, business; partner of I1; on the CAL team since 2009),
"Fundacja Wolontariat" (V, NGO; hosts volunteers W1, W2), "Stowarzyszenie Nadzieja" (N, NGO;
leads I1), "Urząd Miejski" (T, public; public task 2025-03-01 – 2025-06-30, 3 000 zł).

Initiative I1 (lead N, partner B):
    2024-05-10 event: P1 present
    2025-03-10 event: P1, P2 present
    2025-06-10 event: P2 present, P3 absent
Volunteers (host V): W1 approved 2025-04-01 3 h; W2 approved 2025-05-01 1.5 h and a submitted
(pending) 2025-05-02 2 h. No areas and no population figures: RE1 has no base.

So for 2025: EV1 2, PE1 2 (P1, P2), initiatives 1, VO1 2, VO3 4.5 h; 2024: EV1 1, PE1 1;
2023: nothing but B on the team.
"""

import datetime

import pytest
from django.utils.translation import gettext as _

from calportal.organisations.models import Sector
from calportal.reports.figures import WHOLE_CAL
from calportal.reports.finalise import finalise
from calportal.reports.kinds import cooperation, ozps
from calportal.reports.kinds import strategy as r3
from calportal.reports.periods import Period
from calportal.reports.registry import Request
from calportal.strategy.models import Objective

D = datetime.date
Y2025 = Period(D(2025, 1, 1), D(2025, 12, 31))


def request(kind, variant="internal", language="pl"):
    return Request(kind, Y2025, None, WHOLE_CAL, variant, language, today=D(2026, 2, 10))


def cells(table, key):
    row = next(r for r in table["rows"] if r["key"] == str(key))
    return {c["key"]: cell for c, cell in zip(table["columns"], row["cells"], strict=True)}


def table_of(dataset, table_id):
    return next(t for s in dataset["sections"] for t in s["tables"] if t["id"] == table_id)


# --- R3 ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def r3_internal(data, django_db_blocker):
    with django_db_blocker.unblock():
        return r3.with_texts(
            finalise({**r3.build(request("R3")), "variant": "internal", "k": 3, "language": "pl"}),
            {},
        )


def _r3_table(dataset, data, objective_code):
    objective = Objective.objects.get(code=objective_code)
    return table_of(dataset, f"strategy-{objective.indicator_set_id}-{objective.pk}")


@pytest.mark.django_db
def test_r3_computes_path_delta_and_status_of_each_indicator(data, r3_internal):
    one = _r3_table(r3_internal, data, "1")
    a = cells(one, data["a"].pk)
    assert (a["previous"]["value"], a["current"]["value"], a["delta"]["value"]) == (120, 150, 30)
    assert a["path"]["value"] == 50.0 and a["path"]["display"] == "50,0%"
    assert a["status"]["display"] == "w realizacji"
    assert a["baseline"]["display"] == "100 (2020)" and a["target"]["display"] == "200 (2030)"
    assert a["source"]["display"] == _("typed in")
    b = cells(one, data["b"].pk)
    assert b["path"]["value"] == 20.0 and b["status"]["display"] == "zagrożony"
    assert b["previous"]["display"] == "." and b["delta"]["display"] == "."
    c = cells(one, data["c"].pk)
    assert c["path"]["value"] == 110.0 and c["status"]["display"] == "osiągnięty"
    d = cells(one, data["d"].pk)
    assert d["path"]["value"] == 10.0 and d["status"]["display"] == "zagrożony"
    one_one = _r3_table(r3_internal, data, "1.1")
    e = cells(one_one, data["e"].pk)
    assert e["current"]["display"] == "." and e["status"]["display"] == "brak danych"
    f = cells(one_one, data["f"].pk)
    assert (f["previous"]["value"], f["current"]["value"], f["path"]["value"]) == (1, 2, 50.0)
    assert f["status"]["display"] == "w realizacji" and f["source"]["display"] == "PE1"
    g = cells(one_one, data["g"].pk)
    assert g["path"]["display"] == "—" and g["status"]["display"] == "osiągnięty"
    assert one_one["note"] == _("Serves strategic objective %(code)s.") % {"code": "1"}
    ids = [d["id"] for d in r3_internal["definitions"]]
    assert ids == ["SI1", "SI2", "PE1"]


@pytest.mark.django_db
def test_r3_progress_chart_has_a_bar_per_indicator(data, r3_internal):
    section = r3_internal["sections"][0]
    progress = table_of(r3_internal, section["charts"][0]["table"])
    assert [r["cells"][0]["value"] for r in progress["rows"]] == [
        50.0,
        20.0,
        110.0,
        10.0,
        None,
        50.0,
        None,
    ]
    # achieved C, G; in progress A, F; at risk B, D; no data E.
    expected = _(
        "Of %(total)s indicators %(achieved)s reached their target, %(progress)s "
        "are in progress, %(risk)s at risk and %(none)s have no data for %(year)s."
    ) % {"total": 7, "achieved": 2, "progress": 2, "risk": 2, "none": 1, "year": 2025}
    assert section["charts"][0]["summary"] == expected


@pytest.mark.django_db
def test_r3_shared_variant_hides_a_small_portal_count_and_its_status(data, django_db_blocker):
    dataset = r3.with_texts(
        finalise(
            {**r3.build(request("R3", "shared")), "variant": "shared", "k": 3, "language": "pl"}
        ),
        {},
    )
    f = cells(_r3_table(dataset, data, "1.1"), data["f"].pk)
    # PE1 2025 = 2 < 3: hidden, and so are Δ, the path and the status that would tell it.
    assert f["current"]["display"] == "< 3" and f["current"]["value"] is None
    assert f["path"]["suppressed"] and f["delta"]["suppressed"]
    assert f["status"]["display"] == "—"
    # Typed values are no persons' figures: shown.
    assert cells(_r3_table(dataset, data, "1"), data["a"].pk)["current"]["display"] == "150"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "no_data"),
        (200, "achieved"),
        (140, "in_progress"),
        (139, "at_risk"),
        (250, "achieved"),
    ],
)
def test_status_rule(value, expected):
    # baseline 100 (2020), target 200 (2030), year 2025: elapsed 50%, at risk below 40%.
    assert (
        r3.status(value, baseline=100, target=200, baseline_year=2020, target_year=2030, year=2025)
        == expected
    )


def test_status_rule_for_a_target_below_the_baseline_and_a_level_to_keep():
    kwargs = {"baseline_year": 2020, "target_year": 2030, "year": 2025}
    assert r3.status(30, baseline=50, target=30, **kwargs) == "achieved"
    assert r3.status(42, baseline=50, target=30, **kwargs) == "in_progress"  # 40.0%
    assert r3.status(43, baseline=50, target=30, **kwargs) == "at_risk"  # 35.0%
    assert r3.status(5, baseline=5, target=5, **kwargs) == "achieved"
    assert r3.status(4, baseline=5, target=5, **kwargs) == "at_risk"
    assert r3.path_share(4, 5, 5) is None
    assert r3.time_share(2035, 2020, 2030) == 100 and r3.time_share(2020, 2020, 2020) == 100


# --- R2 ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def r2_dataset(data, django_db_blocker):
    with django_db_blocker.unblock():
        built = finalise(
            {**ozps.build(request("R2")), "variant": "internal", "k": 3, "language": "pl"}
        )
    return ozps.with_forecasts(
        built, {"forecast_PE1_1": "3", "forecast_VO3_2": "6.5", "forecast_EV1_1": ""}
    )


def _row(table, key):
    row = next(r for r in table["rows"] if r["key"] == key)
    return [c["display"] for c in row["cells"]]


@pytest.mark.django_db
def test_r2_has_three_years_and_two_forecasts(r2_dataset):
    table = table_of(r2_dataset, "ozps")
    assert [c["label"] for c in table["columns"]] == [
        "2023",
        "2024",
        "2025",
        _("Forecast %(year)s") % {"year": 2026},
        _("Forecast %(year)s") % {"year": 2027},
    ]
    assert table["title"] == "OZPS-CAL"
    # 2023: only B (on the team); 2024: N (led I1), B; 2025: N, B, T (task), V (host).
    assert _row(table, "partners") == ["1", "2", "4", ".", "."]
    assert _row(table, "partners_ngo") == ["0", "1", "2", ".", "."]
    assert _row(table, "partners_business") == ["1", "1", "1", ".", "."]
    assert _row(table, "partners_public") == ["0", "0", "1", ".", "."]
    assert _row(table, "partners_financial") == ["0", "0", "1", ".", "."]
    assert _row(table, "partners_non_financial") == ["1", "2", "3", ".", "."]
    assert _row(table, "ngo_initiatives") == ["0", "1", "1", ".", "."]
    assert _row(table, "ngo_recipients") == ["0", "1", "2", ".", "."]
    assert _row(table, "EV1") == ["0", "1", "2", ".", "."]  # the typed-in empty text stays "."
    assert _row(table, "PE1") == ["0", "1", "2", "3", "."]  # forecast typed: 3
    assert _row(table, "VO1") == ["0", "0", "2", ".", "."]
    assert _row(table, "VO3") == ["0", "0", "4,5", ".", "6,5"]  # pending hours never count
    assert _row(table, "SH4") == ["0", "0", "0", ".", "."]
    # No population figures: residents "." (no data), reach "x" (not applicable, OZPS).
    assert _row(table, "residents_60") == [".", ".", ".", ".", "."]
    assert _row(table, "RE1") == ["x", "x", "x", ".", "."]


@pytest.mark.django_db
def test_r2_forecast_fields_are_typed_numbers():
    keys = {key: kind for key, _label, kind in ozps.NARRATIVE}
    assert keys["forecast_PE1_1"] == keys["forecast_VO3_2"] == "decimal"
    assert len(keys) == 2 * len(ozps.ROWS)


# --- R7 ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def r7_internal(data, django_db_blocker):
    with django_db_blocker.unblock():
        return r3.with_texts(
            finalise(
                {
                    **cooperation.build(request("R7")),
                    "variant": "internal",
                    "k": 3,
                    "language": "pl",
                }
            ),
            {},
        )


@pytest.mark.django_db
def test_r7_per_organisation_in_a_table_per_sector(data, r7_internal):
    public, ngo, business = (
        table_of(r7_internal, f"cooperation_{sector}") for sector in ("public", "ngo", "business")
    )
    assert [r["label"] for r in ngo["rows"]] == [
        "Fundacja Wolontariat",
        "Stowarzyszenie Nadzieja",
        _("Total"),
    ]
    # tasks, amount, led, partner, other forms, joint events, hours, participants
    assert _row(business, str(data["org_b"].pk)) == [
        "0", "0,00 zł", "0", "1", _("CAL team"), "2", "0", "0",
    ]  # fmt: skip
    assert _row(ngo, str(data["org_v"].pk)) == [
        "0", "0,00 zł", "0", "0", _("volunteer host"), "0", "4,5", "0",
    ]  # fmt: skip
    assert _row(ngo, str(data["org_n"].pk)) == ["0", "0,00 zł", "1", "0", "—", "2", "0", "2"]
    assert _row(ngo, "total") == ["0", "0,00 zł", "1", "0", "", "2", "4,5", "2"]
    assert _row(public, str(data["org_t"].pk)) == [
        "1", "3\xa0000,00 zł", "0", "0", "—", "0", "0", "0",
    ]  # fmt: skip
    assert not any(t["id"] == "cooperation_finance" for t in r7_internal["sections"][0]["tables"])


@pytest.mark.django_db
def test_r7_by_sector(r7_internal):
    table = table_of(r7_internal, "cooperation_by_sector")
    assert [c["key"] for c in table["columns"]] == [*Sector.values, "total"]
    # public, ngo, business, finance, citizens, total
    assert _row(table, "organisations") == ["1", "2", "1", "0", "0", "4"]
    assert _row(table, "tasks_orgs") == ["1", "0", "0", "0", "0", "1"]
    assert _row(table, "amount") == ["3\xa0000,00 zł", *["0,00 zł"] * 4, "3\xa0000,00 zł"]
    assert _row(table, "partnered") == ["0", "0", "1", "0", "0", "1"]
    assert _row(table, "led") == ["0", "1", "0", "0", "0", "1"]
    assert _row(table, "team_member") == ["0", "0", "1", "0", "0", "1"]
    assert _row(table, "venue") == ["0", "0", "0", "0", "0", "0"]
    assert _row(table, "host") == ["0", "1", "0", "0", "0", "1"]
    assert _row(table, "joint_events") == ["0", "2", "2", "0", "0", "2"]  # the 2 events, each once
    assert _row(table, "hours") == ["0", "4,5", "0", "0", "0", "4,5"]
    assert _row(table, "recipients") == ["0", "2", "0", "0", "0", "2"]


@pytest.mark.django_db
def test_r7_shared_variant_has_sectors_only(data, django_db_blocker):
    dataset = finalise(
        {
            **cooperation.build(request("R7", "shared")),
            "variant": "shared",
            "k": 3,
            "language": "pl",
        }
    )
    assert [t["id"] for t in dataset["sections"][0]["tables"]] == ["cooperation_by_sector"]
    recipients = cells(table_of(dataset, "cooperation_by_sector"), "recipients")
    assert recipients["ngo"]["value"] is None  # 2 persons: hidden
    assert cells(table_of(dataset, "cooperation_by_sector"), "organisations")["ngo"]["value"] == 2


@pytest.mark.django_db
def test_r2_shared_variant_keeps_the_portals_signs(data):
    built = finalise(
        {**ozps.build(request("R2", "shared")), "variant": "shared", "k": 3, "language": "pl"}
    )
    table = table_of(ozps.with_forecasts(built, {}), "ozps")
    assert _row(table, "RE1") == ["—", "—", "—", ".", "."]  # "x" there means hidden
    # k = 5 (self-help members in the table): 2 participants are hidden.
    assert _row(table, "PE1")[2] == "< 5"
