"""R8 – the volunteering report, on a small fixed data set with values counted by hand.

P = Q1 2026. Rates: general 30,00 zł from 2000-01-01 and 40,00 zł from 2026-02-01 (the rate
changes in the middle of P); "opieka nad seniorami" (K1) has its own 50,00 zł from 2000-01-01;
"prace fizyczne" (K2) has none, so it takes the general rate.

    volunteer      host  born  entries (A approved, S pending, R rejected)
    V1 Adamska     OA    1950  A 01-10 2 h K1 (OP1) → 2 × 50 = 100; A 02-05 1 h K2 → 1 × 40 = 40
    V2 Borek       OA    2010  A 01-15 4 h K2 → 4 × 30 = 120; A 03-01 2 h no kind → 2 × 40 = 80;
                               S 03-05 3 h K2; R 03-06 1 h K2 (never in VO3/VO4)
    V3 Cichy       OB    1990  A 2025-12-01 1 h; A 02-20 1 h K1 → 50; ended on 03-15

VO1 = 3; VO2 = 2 (V1, V2; V3 worked before P); VO3 = 2 + 1 + 4 + 2 + 1 = 10 h;
VO4 = 100 + 40 + 120 + 80 + 50 = 390,00 zł; OA: 9 h, 340,00 zł.
VO5: V1 01-10…02-05 = 26 days (< 30); V2 01-15…03-01 = 45; V3 2025-12-01…02-20 = 81 (≥ 30).
Ages in 2026: V1 76 (75-84), V2 16 (0-17), V3 36 (30-44, ended in P).
By month: January approved 6 h, 220 zł; February 2 h, 90 zł; March 2 h approved, 3 h pending,
1 h rejected, 80 zł. By kind: K1 3 h at 50 = 150; K2 4 h at 30 = 120 and 1 h at 40 = 40
(two rows: the rate changed); no kind 2 h at 40 = 80.
Shift of OP1 on 02-01: 10 needed, 5 assigned → VO7 50,0 %. Certificate of V1 issued 03-20.
VO6: V2 (45 days, no agreement) 6 h; V3 (81 days) 1 h. V2's check runs out 2026-04-20: 20 days
after the end of P.
"""

import datetime
import io
import os
import pathlib
import subprocess
import tempfile
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from calportal.reports import access, services
from calportal.reports.figures import Amount, Scope
from calportal.reports.finalise import finalise
from calportal.reports.models import ReportRun
from calportal.reports.periods import WARSAW, Period
from calportal.reports.registry import Request, get_kind
from tests.factories import OrganisationFactory, UserFactory
from volunteers import figures
from volunteers.models import (
    Certificate,
    ChildSafetyCheck,
    EntryStatus,
    HoursEntry,
    Opportunity,
    Shift,
    Volunteer,
    VolunteerRate,
    WorkKind,
)

D = datetime.date
Q1 = Period(D(2026, 1, 1), D(2026, 3, 31))
NOW = datetime.datetime(2026, 4, 2, 9, 0, tzinfo=WARSAW)
A, S, R = EntryStatus.APPROVED, EntryStatus.SUBMITTED, EntryStatus.REJECTED


def _entry(volunteer, day, hours, status=A, **fields):
    if not fields.get("opportunity"):
        fields.setdefault("activity", "Biuro")
    return HoursEntry.objects.create(
        volunteer=volunteer,
        date=day,
        quarters=int(hours * 4),
        status=status,
        reject_reason="Pomyłka" if status == R else "",
        decided_at=None if status == S else NOW,
        **fields,
    )


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        VolunteerRate.objects.all().delete()
        k1, _ = WorkKind.objects.get_or_create(name="opieka nad seniorami")
        k2, _ = WorkKind.objects.get_or_create(name="prace fizyczne")
        g1 = VolunteerRate.objects.create(
            valid_from=D(2000, 1, 1), hourly_rate="30.00", source="G1"
        )
        g2 = VolunteerRate.objects.create(
            valid_from=D(2026, 2, 1), hourly_rate="40.00", source="G2"
        )
        r1 = VolunteerRate.objects.create(
            valid_from=D(2000, 1, 1), work_kind=k1, hourly_rate="50.00", source="K1"
        )
        oa = OrganisationFactory(name="Stowarzyszenie A")
        ob = OrganisationFactory(name="Fundacja B")
        op1 = Opportunity.objects.create(organisation=oa, title="Odwiedziny u seniorów")
        v1 = Volunteer.objects.create(
            organisation=oa, first_name="Ala", last_name="Adamska", birth_year=1950
        )
        v2 = Volunteer.objects.create(
            organisation=oa,
            first_name="Bartek",
            last_name="Borek",
            birth_year=2010,
            guardian_consent_on=D(2025, 12, 1),
        )
        v3 = Volunteer.objects.create(
            organisation=ob,
            first_name="Cezary",
            last_name="Cichy",
            birth_year=1990,
            status="ended",
            ended_on=D(2026, 3, 15),
        )
        _entry(v1, D(2026, 1, 10), 2, work_kind=k1, opportunity=op1)
        _entry(v1, D(2026, 2, 5), 1, work_kind=k2)
        _entry(v2, D(2026, 1, 15), 4, work_kind=k2)
        _entry(v2, D(2026, 3, 1), 2)
        _entry(v2, D(2026, 3, 5), 3, S, work_kind=k2)
        _entry(v2, D(2026, 3, 6), 1, R, work_kind=k2)
        _entry(v3, D(2025, 12, 1), 1)
        _entry(v3, D(2026, 2, 20), 1, work_kind=k1)
        Shift.objects.create(
            opportunity=op1,
            starts_at=datetime.datetime(2026, 2, 1, 10, tzinfo=WARSAW),
            ends_at=datetime.datetime(2026, 2, 1, 12, tzinfo=WARSAW),
            needed=10,
            assigned_count=5,
        )
        ChildSafetyCheck.objects.create(
            volunteer=v2, checked_on=D(2024, 4, 20), valid_until=D(2026, 4, 20), checked_by="X"
        )
        Certificate.objects.create(
            number="ZW/2026/0001",
            year=2026,
            sequence=1,
            volunteer=v1,
            period_from=D(2026, 1, 1),
            period_to=D(2026, 3, 1),
            issued_on=D(2026, 3, 20),
            total_quarters=12,
        )
        ids = {"oa": oa.pk, "ob": ob.pk, "k1": k1.pk, "k2": k2.pk, "op1": op1.pk}
        ids |= {"v1": v1.pk, "v2": v2.pk, "v3": v3.pk, "g1": g1.pk, "g2": g2.pk, "r1": r1.pk}
        yield ids
        transaction.set_rollback(True)


@pytest.fixture
def ids(data, db):
    return data


def _build(variant="internal", scope=None):
    request = Request(
        kind="R8",
        period=Q1,
        comparison=None,
        scope=scope or Scope(),
        variant=variant,
        language="pl",
        today=D(2026, 4, 2),
    )
    dataset = get_kind("R8").build(request)
    return {**dataset, "kind": "R8", "variant": variant, "language": "pl", "k": 3}


def _table(dataset, table_id):
    return next(t for s in dataset["sections"] for t in s["tables"] if t["id"] == table_id)


def _values(table):
    return {r["key"]: [c["value"] for c in r["cells"]] for r in table["rows"]}


def test_vo4_takes_the_rate_in_force_on_each_entry_date_for_its_kind(ids):
    assert figures.volunteer_value(Q1) == Amount(Decimal("390.00"), 3, Decimal("200.00"))
    org = Scope(organisation=ids["oa"])
    assert figures.volunteer_value(Q1, org) == Amount(Decimal("340.00"), 2, Decimal("200.00"))
    assert figures.volunteer_hours(Q1).value == Decimal(10)
    # Only January: 2 × 50 + 4 × 30; the rate change of February is not yet in force.
    january = Period(D(2026, 1, 1), D(2026, 1, 31))
    assert figures.volunteer_value(january).value == Decimal("220.00")


def test_the_rates_in_force_list_the_change_within_the_period(ids):
    rates = [(r["work_kind_name"], r["rate"], r["valid_from"]) for r in figures.rates_in_force(Q1)]
    assert rates == [
        ("", Decimal("30.00"), D(2000, 1, 1)),
        ("", Decimal("40.00"), D(2026, 2, 1)),
        ("opieka nad seniorami", Decimal("50.00"), D(2000, 1, 1)),
    ]


def test_r8_tables_hold_the_hand_counted_values(ids, django_assert_max_num_queries):
    with django_assert_max_num_queries(45):
        dataset = _build()
    kpis = {k["id"]: k["value"] for k in dataset["kpis"]}
    assert kpis == {"VO1": 3, "VO2": 2, "VO3": 10, "VO4": 390, "VO8": 1}

    ages = _values(_table(dataset, "volunteers_by_age"))
    # VO1, VO2, ended, < 30 days, ≥ 30 days
    assert ages["0-17"] == [1, 1, 0, 0, 1]
    assert ages["30-44"] == [1, 0, 1, 0, 1]
    assert ages["75-84"] == [1, 1, 0, 1, 0]
    assert ages["60_plus"] == [1, 1, 0, 1, 0]
    assert ages["total"] == [3, 2, 1, 1, 2]

    months = _values(_table(dataset, "hours_by_month"))
    # approved, pending, rejected, value
    assert months["2026-01"] == [6, 0, 0, 220]
    assert months["2026-02"] == [2, 0, 0, 90]
    assert months["2026-03"] == [2, 3, 1, 80]
    assert months["total"] == [10, 3, 1, 390]

    work = _values(_table(dataset, "by_opportunity"))
    assert work[f"opportunity-{ids['op1']}"] == [2, 50.0]
    assert work["other"][0] == 8
    assert work["total"] == [10, 50.0]

    kinds = _table(dataset, "by_kind_of_work")
    by_key = _values(kinds)
    k1, k2, g1, g2, r1 = (ids[name] for name in ("k1", "k2", "g1", "g2", "r1"))
    # hours, rate, value; K2's rate changed within P: a row per rate
    assert by_key[f"{k1}-{r1}"] == [3, 50, 150]
    assert by_key[f"{k2}-{g1}"] == [4, 30, 120]
    assert by_key[f"{k2}-{g2}"] == [1, 40, 40]
    assert by_key[f"none-{g2}"] == [2, 40, 80]
    assert by_key["total"] == [10, None, 390]
    labels = [r["label"] for r in kinds["rows"]]
    assert labels[1].startswith("prace fizyczne") and "01.01.2000" in labels[1]
    assert "G1" in kinds["note"] and "G2" in kinds["note"] and "K1" in kinds["note"]

    compliance = _values(_table(dataset, "compliance"))
    assert compliance == {str(ids["v2"]): [6, 0], str(ids["v3"]): [1, 0]}
    assert _values(_table(dataset, "checks_expiring")) == {str(ids["v2"]): [20]}
    people = _values(_table(dataset, "hours_by_volunteer"))
    assert people[str(ids["v1"])] == [3, 140] and people[str(ids["v2"])] == [6, 200]
    assert _values(_table(dataset, "certificates"))["total"] == [1, 3]


def test_the_organisation_scope_counts_only_its_volunteers(ids):
    dataset = _build(scope=Scope(organisation=ids["oa"]))
    kpis = {k["id"]: k["value"] for k in dataset["kpis"]}
    assert kpis == {"VO1": 2, "VO2": 2, "VO3": 9, "VO4": 340, "VO8": 1}
    assert _values(_table(dataset, "compliance")) == {str(ids["v2"]): [6, 0]}


def test_the_shared_variant_names_nobody_and_hides_small_cells(ids):
    dataset = finalise(_build("shared", Scope(organisation=ids["ob"])))
    tables = {t["id"] for s in dataset["sections"] for t in s["tables"]}
    assert not tables & {"compliance", "checks_expiring", "hours_by_volunteer"}
    assert "Cichy" not in str(dataset)
    vo3 = next(k for k in dataset["kpis"] if k["id"] == "VO3")
    assert vo3["suppressed"]  # one volunteer's hours


@pytest.fixture
def venue(roles):
    from calportal.accounts.roles import Role

    return UserFactory(email="venue.r8@example.org", role=Role.VENUE_STAFF)


def test_who_may_have_r8(staff, partner_a, partner_b, team_member, venue, organisation_a):
    own, other = (
        Scope(organisation=organisation_a.pk),
        Scope(organisation=partner_b.organisation_id),
    )
    cal = Scope()
    assert access.may_run(staff, "R8", other, "internal")
    assert access.may_run(partner_a, "R8", own, "internal")
    assert access.may_run(partner_a, "R8", own, "shared")
    assert not access.may_run(partner_a, "R8", other, "internal")
    assert not access.may_run(partner_a, "R8", other, "shared")
    assert not access.may_run(partner_a, "R8", cal, "shared")
    assert access.may_run(team_member, "R8", cal, "shared")
    assert not access.may_run(team_member, "R8", cal, "internal")
    assert not access.may_run(team_member, "R8", own, "shared")
    assert access.allowed_variants(venue, "R8") == []


def _run(user, scope):
    return ReportRun.objects.create(
        kind="R8",
        title="R8",
        parameters={"kind": "R8"},
        scope=scope,
        variant="internal",
        language="pl",
        period_start=Q1.start,
        period_end=Q1.end,
        status="ready",
        dataset={"kpis": [], "sections": []},
        requested_by=user,
    )


def test_a_partner_cannot_open_another_organisations_run(
    login, staff, partner_a, partner_b, organisation_a
):
    theirs = _run(partner_b, {"organisation": partner_b.organisation_id})
    mine = _run(partner_a, {"organisation": organisation_a.pk})
    client = login(partner_a)
    assert client.get(reverse("reports:run", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("reports:run", args=[mine.pk])).status_code == 200
    assert mine in access.visible_runs(partner_a) and theirs not in access.visible_runs(partner_a)


def test_venue_staff_and_anonymous_are_kept_out(login, venue, staff, organisation_a):
    run = _run(staff, {})
    assert login(venue).get(reverse("reports:run", args=[run.pk])).status_code in (403, 404)
    response = login(None).get(reverse("reports:run", args=[run.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_files_agree_and_the_pdf_reads_well(
    ids, staff, language, django_capture_on_commit_callbacks
):
    """The one test that renders the PDF (in both languages); set R8_PDF_DIR to keep them."""
    from openpyxl import load_workbook

    parameters = {
        "kind": "R8",
        "scope": {},
        "timeframe": "custom:2026-01-01/2026-03-31",
        "comparison": "none",
        "variant": "internal",
        "language": language,
        "k": 3,
    }
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        run = services.report_request(parameters=parameters, requested_by=staff)
    run.refresh_from_db()
    assert run.status == "ready", run.error
    workbook = load_workbook(io.BytesIO(run.xlsx.file.read()))
    cells = [
        value
        for ws in workbook.worksheets
        for row in ws.iter_rows(values_only=True)
        for value in row
    ]
    assert 390 in cells and 10 in cells  # VO4 and VO3 totals as numbers
    pdf_bytes = run.pdf.file.read()
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(pdf_bytes)
        pdf.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", pdf.name, "-"], capture_output=True, text=True, check=True
        ).stdout
        keep = os.environ.get("R8_PDF_DIR")  # to look at the pages: pdftoppm -png …
        if keep:
            pathlib.Path(keep, f"r8-{language}.pdf").write_bytes(pdf_bytes)
    total = "390,00" if language == "pl" else "390.00"
    assert total in text
    if language == "pl":
        assert "Centrum Aktywności Lokalnej" in text and "Strona 1 z" in text
    else:
        assert "Volunteering report" in text and "Page 1 of" in text
