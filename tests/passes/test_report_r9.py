"""R9 – the senior pass report (REPORTS.md §6 R9, §8): its figures on a small fixed data set
counted by hand, the venue variant that shows a venue its own uses and nothing about holders,
and who may have and open which run.

The data (period P = Q1 2026, ``custom:2026-01-01/2026-03-31``; local times, Europe/Warsaw):

    holder  gender/born/area        pass  issued      valid until  history
    H1      woman 1950 (76)  A1     p1    2025-06-01  2026-06-01   active
    H2      man   1940 (86)  A1     p2    2025-03-01  2026-02-28   expired from 2026-03-01
    H3      woman 1962 (64)  A2     p3    2026-01-10  2027-01-10   active (new in P)
    H4      man   1958 (68)  A2     p4    2026-02-01  2027-02-01   revoked 2026-03-10 (new in P)
    H5      —     1955 (71)  outside p5   2025-09-01  2026-09-01   active
    H6      woman 1944 (82)  —      p6    2025-02-01  2026-12-31   active

Areas: A1 "Osiedle Jeziorany" 200 residents aged 60+, A2 "Pysząca" 50 (figures for 2025).
Venues: VA "Kawiarnia A" (programme pool 10), VB "Kawiarnia B" (own pool 5), both taking part
since 2025. Uses: January H1@VA 5th, H2@VA 20th, H3@VB 15th; February H1@VA 3rd, H1@VB 10th,
H4@VB 12th; March H1@VA 31st 23:30; outside P: H5@VA 31 December 23:30, H5@VB 1 April 00:30.

By hand:
* PA1a (stock on 31 March): p1, p3, p5, p6 = 4 (p2 expired, p4 revoked). By age × gender:
  60–64 women 1 (H3); 65–74 not given 1 (H5); 75–84 women 2 (H1, H6); 85+ 0.
  Women 3, men 0, not given 1. By area: A1 1 (H1) → 1 ÷ 200 = 0.5 %; A2 1 (H3) → 2.0 %;
  outside 1; not given 1; total 4, known areas 2 ÷ 250 = 0.8 %.
* PA2 new: p3, p4 = 2; expired in P: p2 = 1; revoked in P: p4 = 1; PA1b: all six = 6.
* PA3 uses: VA Jan 2, Feb 1, Mar 1 = 4 (holders H1, H2; H1 3 uses); VB Jan 1, Feb 2, Mar 0 =
  3 (H3, H1, H4). Months: Jan 3, Feb 3, Mar 1 = 7; 4 holders, H1 the most with 4.
* PA4 users 4 of 6 holders of PA1b: 66.7 % (printed "—": base below 10).
* PA5: the whole weeks of P are 5 January – 29 March, 12 weeks. VA 3 uses (not the 31 March
  one) ÷ (12 × 10) = 2.5 %; VB 3 ÷ (12 × 5) = 5.0 %.
* Venue variant of VA: January 2, February 1, March 1, total 4 — and no holder data.
"""

import datetime
import io
import json
import subprocess
import tempfile

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from calportal.accounts.roles import Role
from calportal.reports import access, services
from calportal.reports.documents import build_pdf, build_xlsx
from calportal.reports.figures import Scope
from calportal.reports.periods import WARSAW, Period
from initiatives.passes import figures as pass_figures
from initiatives.passes.models import (
    PartnerVenue,
    PassStatus,
    ProgrammeSettings,
    Redemption,
    SeniorPass,
)
from resources_map.models import Area
from tests.factories import OrganisationFactory, UserFactory
from tests.passes.test_figures import at, make_holder, make_pass

D = datetime.date
Q1 = Period(D(2026, 1, 1), D(2026, 3, 31))
NOW = datetime.datetime(2026, 4, 15, 10, 0, tzinfo=WARSAW)
TIMEFRAME = "custom:2026-01-01/2026-03-31"


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    """Created once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        programme = ProgrammeSettings.current()
        programme.weekly_pool = 10
        programme.save()
        a1 = Area.objects.create(
            name="Osiedle Jeziorany", kind="district", population_60_plus=200, population_year=2025
        )
        a2 = Area.objects.create(
            name="Pysząca", kind="village", urban=False, population_60_plus=50,
            population_year=2025,
        )  # fmt: skip
        oa = OrganisationFactory(name="Kawiarnia A sp. z o.o.", sector="business")
        ob = OrganisationFactory(name="Kawiarnia B sp. z o.o.", sector="business")
        va = PartnerVenue.objects.create(
            organisation=oa, name="Kawiarnia A", address="Rynek 1", active_from=D(2025, 1, 1)
        )
        vb = PartnerVenue.objects.create(
            organisation=ob, name="Kawiarnia B", address="Rynek 2", active_from=D(2025, 1, 1),
            weekly_pool=5,
        )  # fmt: skip
        h1 = make_holder(1, gender="woman", born=1950, area=a1)
        h2 = make_holder(2, gender="man", born=1940, area=a1)
        h3 = make_holder(3, gender="woman", born=1962, area=a2)
        h4 = make_holder(4, gender="man", born=1958, area=a2)
        h5 = make_holder(5, born=1955, outside=True)
        h6 = make_holder(6, gender="woman", born=1944)
        p1 = make_pass(h1, 1, D(2025, 6, 1), D(2026, 6, 1), [])
        p2 = make_pass(h2, 2, D(2025, 3, 1), D(2026, 2, 28), [("expired", D(2026, 3, 1))])
        p3 = make_pass(h3, 3, D(2026, 1, 10), D(2027, 1, 10), [])
        p4 = make_pass(h4, 4, D(2026, 2, 1), D(2027, 2, 1), [("revoked", D(2026, 3, 10))])
        p5 = make_pass(h5, 5, D(2025, 9, 1), D(2026, 9, 1), [])
        make_pass(h6, 6, D(2025, 2, 1), D(2026, 12, 31), [])
        Redemption.objects.bulk_create(
            Redemption(senior_pass=p, venue=v, redeemed_at=moment)
            for p, v, moment in [
                (p1, va, at(2026, 1, 5)),
                (p2, va, at(2026, 1, 20)),
                (p3, vb, at(2026, 1, 15)),
                (p1, va, at(2026, 2, 3)),
                (p1, vb, at(2026, 2, 10)),
                (p4, vb, at(2026, 2, 12)),
                (p1, va, at(2026, 3, 31, 23, 30)),
                (p5, va, at(2025, 12, 31, 23, 30)),
                (p5, vb, at(2026, 4, 1, 0, 30)),
            ]
        )
        assert SeniorPass.objects.filter(status=PassStatus.ACTIVE).count() == 4
        yield {"a1": a1.pk, "a2": a2.pk, "va": va.pk, "vb": vb.pk, "oa": oa.pk, "ob": ob.pk}
        transaction.set_rollback(True)


@pytest.fixture
def ids(data, db):
    return data


@pytest.fixture
def venue_user_a(roles, ids):
    return UserFactory(
        email="kawiarnia.a@example.org", organisation_id=ids["oa"], role=Role.VENUE_STAFF
    )


@pytest.fixture
def venue_user_b(roles, ids):
    return UserFactory(
        email="kawiarnia.b@example.org", organisation_id=ids["ob"], role=Role.VENUE_STAFF
    )


def _run(user, *, variant="internal", scope=None, language="pl", build=True, comparison="none"):
    parameters = {
        "kind": "R9",
        "scope": scope or {},
        "timeframe": TIMEFRAME,
        "comparison": comparison,
        "variant": variant,
        "language": language,
        "k": 3,
    }
    with time_machine.travel(NOW, tick=False):
        run = services.report_request(parameters=parameters, requested_by=user)
        if build:
            services.report_build(run_id=run.pk)
    run.refresh_from_db()
    return run


def _table(dataset, table_id):
    return next(t for s in dataset["sections"] for t in s["tables"] if t["id"] == table_id)


def _values(table) -> dict:
    """``{row key: {column key: value}}``."""
    keys = [c["key"] for c in table["columns"]]
    return {
        r["key"]: {k: c["value"] for k, c in zip(keys, r["cells"], strict=True)}
        for r in table["rows"]
    }


# --- Figures ------------------------------------------------------------------------------------


def test_new_figures_ended_passes_and_a_venue_scope(ids):
    assert pass_figures.passes_ended(Q1) == {"expired": 1, "revoked": 1}
    assert pass_figures.passes_ended(Period(D(2026, 4, 1), D(2026, 4, 30))) == {
        "expired": 0,
        "revoked": 0,
    }
    venue_a = Scope(venue=ids["va"])
    assert pass_figures.pass_uses(Q1, venue_a).value == 4
    assert pass_figures.passes_ended(Q1, venue_a) == {"expired": 0, "revoked": 0}
    assert pass_figures.passes_active_on(Q1.end, venue_a) == 0  # no holder data
    assert set(pass_figures.pool_use_by_venue(Q1, venue_a)) == {ids["va"]}
    assert pass_figures.venue_of_organisation(ids["oa"]) == ids["va"]
    assert pass_figures.venue_of_organisation(None) is None


def test_internal_variant_counted_by_hand(ids, staff):
    dataset = _run(staff).dataset

    kpis = {k["id"]: k["value"] for k in dataset["kpis"]}
    assert kpis == {"PA1": 4, "PA2": 2, "PA3": 7, "PA4": 4}
    ages = _values(_table(dataset, "holders_age_gender"))
    assert ages["60-64"] == {"female": 1, "male": 0, "not_given": 0, "total": 1}
    assert ages["65-74"] == {"female": 0, "male": 0, "not_given": 1, "total": 1}
    assert ages["75-84"] == {"female": 2, "male": 0, "not_given": 0, "total": 2}
    assert ages["85+"] == {"female": 0, "male": 0, "not_given": 0, "total": 0}
    assert ages["total"] == {"female": 3, "male": 0, "not_given": 1, "total": 4}
    assert "under_60" not in ages and "unknown" not in ages  # empty extra rows left out

    areas = _values(_table(dataset, "holders_by_area"))
    assert areas[str(ids["a1"])] == {"holders": 1, "residents": 200, "share": 0.5}
    assert areas[str(ids["a2"])] == {"holders": 1, "residents": 50, "share": 2.0}
    assert areas["outside"]["holders"] == 1 and areas["not_given"]["holders"] == 1
    assert areas["total"] == {"holders": 4, "residents": 250, "share": 0.8}

    passes = _values(_table(dataset, "passes"))
    assert {key: row["passes"] for key, row in passes.items()} == {
        "PA1a": 4,
        "PA1b": 6,
        "PA2": 2,
        "expired": 1,
        "revoked": 1,
    }

    uses = _table(dataset, "uses_by_venue_month")
    values = _values(uses)
    assert values[str(ids["va"])] == {"2026-01": 2, "2026-02": 1, "2026-03": 1, "total": 4}
    assert values[str(ids["vb"])] == {"2026-01": 1, "2026-02": 2, "2026-03": 0, "total": 3}
    assert values["total"] == {"2026-01": 3, "2026-02": 3, "2026-03": 1, "total": 7}
    grand_total = uses["rows"][-1]["cells"][-1]
    assert (grand_total["contributors"], grand_total["largest"]) == (4, 4)  # H1: 4 uses

    users = _table(dataset, "users")
    usage = users["rows"][2]["cells"][0]
    assert [r["cells"][0]["value"] for r in users["rows"]] == [4, 6, 66.7]
    assert usage["display"] == "—"  # base 6 < 10 (REPORTS.md §1)

    pool = _values(_table(dataset, "pool_use"))
    assert pool[str(ids["va"])] == {"uses": 3, "weeks": 12, "pool": 10, "PA5": 2.5}
    assert pool[str(ids["vb"])] == {"uses": 3, "weeks": 12, "pool": 5, "PA5": 5.0}
    charts = [c["id"] for s in dataset["sections"] for c in s["charts"]]
    assert charts == ["holders_by_area", "uses_by_venue_month"]


def test_the_key_figures_compare_with_the_previous_quarter(ids, staff):
    # Q4 2025: stock on 31 December p1, p2, p5, p6 = 4; no new pass; one use (H5 at VA at
    # 23:30 on 31 December), one user.
    dataset = _run(staff, comparison="previous_period").dataset
    assert {k["id"]: (k["value"], k["comparison"]) for k in dataset["kpis"]} == {
        "PA1": (4, 4),
        "PA2": (2, 0),
        "PA3": (7, 1),
        "PA4": (4, 1),
    }
    statement = _run(
        staff, variant="venue", scope={"venue": ids["va"]}, comparison="previous_period"
    )
    assert (statement.dataset["kpis"][0]["value"], statement.dataset["kpis"][0]["comparison"]) == (
        4,
        1,
    )


def test_shared_variant_hides_small_cells(ids, team_member):
    dataset = _run(team_member, variant="shared").dataset

    values = {r["key"]: r for r in _table(dataset, "uses_by_venue_month")["rows"]}
    # VA in January: 2 uses by 2 holders — fewer than 3 contributors.
    assert values[str(ids["va"])]["cells"][0]["suppressed"]
    ages = {r["key"]: r for r in _table(dataset, "holders_age_gender")["rows"]}
    assert ages["60-64"]["cells"][0]["display"] == "< 3"


def test_the_venue_variant_shows_its_own_uses_and_nothing_about_holders(ids, venue_user_a):
    dataset = _run(venue_user_a, variant="venue", scope={"venue": ids["va"]}).dataset

    table = _table(dataset, "venue_uses")
    assert _values(table) == {
        "2026-01": {"uses": 2},
        "2026-02": {"uses": 1},
        "2026-03": {"uses": 1},
        "total": {"uses": 4},
    }
    assert [k["id"] for k in dataset["kpis"]] == ["PA3"] and dataset["kpis"][0]["value"] == 4
    assert [d["id"] for d in dataset["definitions"]] == ["PA3"]
    assert [t["id"] for s in dataset["sections"] for t in s["tables"]] == ["venue_uses"]
    text = json.dumps(dataset, ensure_ascii=False)
    # Nothing about holders anywhere, nor the other venue: no contributors or largest share
    # per holder, no ages, genders or areas.
    for cell in (c for r in table["rows"] for c in r["cells"]):
        assert cell["contributors"] is None and cell["largest"] is None
    assert "contributors" not in dataset["kpis"][0]
    for absent in (
        "Kawiarnia B", "Jeziorany", "Pysząca", "PA1", "PA2", "PA4", "PA5", "75-84", "Kobiety",
        "Mężczyźni", "Testowa", "SPS-",
    ):  # fmt: skip
        assert absent not in text, absent


# --- Who may have and open it (REPORTS.md §8) --------------------------------------------------


def test_audiences(ids, staff, team_member, partner_a, venue_user_a):
    assert access.allowed_variants(staff, "R9") == ["internal", "shared", "venue"]
    assert access.allowed_variants(team_member, "R9") == ["shared"]
    assert access.allowed_variants(partner_a, "R9") == []
    assert access.allowed_variants(venue_user_a, "R9") == ["venue"]
    own, other = Scope(venue=ids["va"]), Scope(venue=ids["vb"])
    assert access.may_run(venue_user_a, "R9", own, "venue")
    assert not access.may_run(venue_user_a, "R9", other, "venue")
    assert not access.may_run(venue_user_a, "R9", Scope(), "venue")
    assert not access.may_run(venue_user_a, "R9", own, "internal")
    assert not access.may_run(team_member, "R9", own, "shared")


def test_the_request_form_offers_a_venue_only_its_own_venue(ids, login, venue_user_a):
    client = login(venue_user_a)
    page = client.get(reverse("reports:new", args=["R9"]))
    assert page.status_code == 200
    field = page.context["form"].fields["venue"]
    # Only their own venue, chosen already (no "whole CAL" for them).
    assert list(field.choices) == [(ids["va"], "Kawiarnia A")]
    assert field.required and page.context["form"]["venue"].value() == ids["va"]
    assert [v for v, _label in page.context["form"].fields["variant"].choices] == ["venue"]
    # Asking for the other venue by its id is refused, and nothing is recorded.
    from calportal.reports.models import ReportRun

    response = client.post(
        reverse("reports:new", args=["R9"]),
        {"timeframe": "quarter_previous", "venue": ids["vb"], "comparison": "none",
         "variant": "venue", "language": "pl"},
    )  # fmt: skip
    assert response.status_code == 200 and not ReportRun.objects.exists()
    with pytest.raises(Exception) as refused:
        _run(venue_user_a, variant="venue", scope={"venue": ids["vb"]}, build=False)
    assert refused.type.__name__ == "PermissionDenied"


def test_idor_venue_a_cannot_open_venue_b_run_or_file(
    ids, login, staff, venue_user_a, venue_user_b, partner_a, team_member
):
    run_b = _run(venue_user_b, variant="venue", scope={"venue": ids["vb"]})
    run_a = _run(venue_user_a, variant="venue", scope={"venue": ids["va"]})
    internal = _run(staff)
    assert run_b.pdf_id and run_b.xlsx_id and not run_b.csv_id  # PDF and XLSX only
    from calportal.documents.models import DocumentStatus

    run_b.pdf.status = DocumentStatus.READY
    run_b.pdf.save(update_fields=["status"])

    client = login(venue_user_a)
    assert client.get(reverse("reports:run", args=[run_a.pk])).status_code == 200
    assert client.get(reverse("reports:run", args=[run_b.pk])).status_code == 404
    assert client.get(reverse("reports:run", args=[internal.pk])).status_code == 404
    for document in (run_b.pdf_id, run_b.xlsx_id, internal.pdf_id):
        assert client.get(reverse("documents:detail", args=[document])).status_code in (403, 404)
        assert client.get(reverse("documents:download", args=[document])).status_code in (
            403,
            404,
        )
    listed = {r.pk for r in access.visible_runs(venue_user_a)}
    assert run_a.pk in listed and run_b.pk not in listed and internal.pk not in listed
    # A partner coordinator opens none of them; the CAL team none of the venues' runs.
    for user in (partner_a, team_member):
        client = login(user)
        for run in (run_a, run_b):
            assert client.get(reverse("reports:run", args=[run.pk])).status_code in (403, 404)
        assert client.get(reverse("documents:download", args=[run_b.pdf_id])).status_code in (
            403,
            404,
        )
    # OPS staff open all of them.
    client = login(staff)
    for run in (run_a, run_b):
        assert client.get(reverse("reports:run", args=[run.pk])).status_code == 200


# --- Files ------------------------------------------------------------------------------------


def test_pdf_and_xlsx_print_the_same_totals(ids, staff):
    """One PDF in Polish and English (set REPORT_PNG_DIR to keep them for looking at)."""
    import os

    from openpyxl import load_workbook

    run = _run(staff)
    workbook = load_workbook(io.BytesIO(build_xlsx({"run": run.pk}).render(language="pl")))
    totals = [
        row[1:5]
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        if row and row[0] == "Razem" and len(row) >= 5
    ]
    assert (3, 3, 1, 7) in totals  # uses in January, February, March, total: numbers
    keep = os.environ.get("REPORT_PNG_DIR")
    for language in ("pl", "en"):
        runs = run if language == "pl" else _run(staff, language="en")
        pdf = build_pdf({"run": runs.pk}).render(language=language)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", file.name, "-"], capture_output=True, text=True,
                check=True,
            ).stdout  # fmt: skip
        if keep:
            with open(os.path.join(keep, f"r9-{language}.pdf"), "wb") as out:
                out.write(pdf)
        total_line = next(
            line for line in text.splitlines()
            if line.strip().startswith("Razem" if language == "pl" else "Total")
            and line.split()[-4:] == ["3", "3", "1", "7"]
        )  # fmt: skip
        assert total_line
    if keep:  # the venue's statement, to look at
        venue_user = UserFactory(
            email="podglad@example.org", organisation_id=ids["oa"], role=Role.VENUE_STAFF
        )
        for language in ("pl", "en"):
            statement = _run(
                venue_user, variant="venue", scope={"venue": ids["va"]}, language=language
            )
            with open(os.path.join(keep, f"r9-venue-{language}.pdf"), "wb") as out:
                out.write(build_pdf({"run": statement.pk}).render(language=language))
