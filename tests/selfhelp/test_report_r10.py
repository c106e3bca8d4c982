"""R10 – self-help groups, anonymous (REPORTS.md §6 R10, §8): figures counted by hand per group
and per topic (k = 5 in the shared variant), who may have and open which run, file and page,
and the access log every read writes.

The data (period P = Q1 2026; local times, Europe/Warsaw):

    group                               topic                facilitator
    GX "Grupa wsparcia w żałobie"       bereavement          X
    GY "RON"                            disability_families  Y

GX: six members since 2025-01-01, one more joined 2026-02-01 and one (since 2025-01-01) left
2026-03-15. Meetings in P: 13 January held (5 attendees), 27 January cancelled, 10 February
held (4 attendees). Requests in P: joined (5 January), declined (5 February), new (15 March).
GY: two members since 2025-06-01; one meeting held 10 February (2 attendees); one request
withdrawn (5 March).

By hand:
* GX: held 2, cancelled 1, SH3 (5 + 4) ÷ 2 = 4.5, members at 31 March 6 + 1 = 7, joined 1,
  left 1; requests joined 1, declined 1, withdrawn 0, waiting 1, total 3.
* GY: held 1, cancelled 0, SH3 2 ÷ 1 = 2.0, members 2, joined 0, left 0; requests withdrawn 1.
* Totals: held 3, cancelled 1, SH3 11 ÷ 3 = 3.67, members 9, joined 1, left 1; requests 4.
* Shared (by topic, k = 5): bereavement members 7, joined "< 5"; disability_families members
  "< 5" (2), its mean attendance hidden with it; no group name anywhere.
"""

import datetime
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from calportal.accounts.roles import Role
from calportal.reports import access, services
from calportal.reports.figures import Scope
from calportal.reports.periods import WARSAW
from selfhelp.models import AccessLog, Group, JoinRequest, RequestStatus, Topic
from tests.factories import UserFactory
from tests.selfhelp.conftest import make_group, make_meeting, make_member, make_request

D = datetime.date
NOW = datetime.datetime(2026, 4, 15, 10, 0, tzinfo=WARSAW)
TIMEFRAME = "custom:2026-01-01/2026-03-31"


def at(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=WARSAW)


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    """Created once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        x = UserFactory(email="x@example.org", full_name="Teresa X", role=Role.GROUP_FACILITATOR)
        y = UserFactory(email="y@example.org", full_name="Jan Y", role=Role.GROUP_FACILITATOR)
        gx = make_group(x, name="Grupa wsparcia w żałobie", slug="gx", topic=Topic.BEREAVEMENT)
        gy = make_group(y, name="RON", slug="gy", topic=Topic.DISABILITY_FAMILIES)
        gx_members = [
            make_member(gx, f"Zbigniewa{n}", joined_on=D(2025, 1, 1), phone=f"60100000{n}")
            for n in range(6)
        ]
        make_member(gx, "Nowa", joined_on=D(2026, 2, 1))
        make_member(gx, "Odeszła", joined_on=D(2025, 1, 1), left_on=D(2026, 3, 15))
        gy_members = [make_member(gy, f"Ron{n}", joined_on=D(2025, 6, 1)) for n in range(2)]

        def meeting(group, starts_at, attendees=(), **fields):
            item = make_meeting(group, **fields)
            type(item).objects.filter(pk=item.pk).update(starts_at=starts_at)
            item.attendees.set(attendees)

        meeting(gx, at(2026, 1, 13, 17), gx_members[:5], held=True, notes="Notatka tajna")
        meeting(gx, at(2026, 1, 27, 17), cancelled=True)
        meeting(gx, at(2026, 2, 10, 17), gx_members[:4], held=True)
        meeting(gy, at(2026, 2, 10, 17), gy_members, held=True)

        def request(group, received, status):
            item = make_request(group, "Prosząca", status=status)
            JoinRequest.objects.filter(pk=item.pk).update(created_at=received)

        request(gx, at(2026, 1, 5, 9), RequestStatus.JOINED)
        request(gx, at(2026, 2, 5, 9), RequestStatus.DECLINED)
        request(gx, at(2026, 3, 15, 9), RequestStatus.NEW)
        request(gy, at(2026, 3, 5, 9), RequestStatus.WITHDRAWN)
        yield {"x": x.pk, "y": y.pk, "gx": gx.pk, "gy": gy.pk}
        transaction.set_rollback(True)


@pytest.fixture
def ids(data, db):
    return data


@pytest.fixture
def x(ids):
    from calportal.accounts.models import User

    return User.objects.get(pk=ids["x"])


@pytest.fixture
def y(ids):
    from calportal.accounts.models import User

    return User.objects.get(pk=ids["y"])


@pytest.fixture
def coordinator(roles):
    return UserFactory(email="koordynatorka@example.org", role=Role.SELFHELP_COORDINATOR)


def _run(user, *, variant="internal", scope=None, language="pl"):
    parameters = {
        "kind": "R10",
        "scope": scope or {},
        "timeframe": TIMEFRAME,
        "comparison": "none",
        "variant": variant,
        "language": language,
        "k": 3,
    }
    with time_machine.travel(NOW, tick=False):
        run = services.report_request(parameters=parameters, requested_by=user)
        services.report_build(run_id=run.pk)
    run.refresh_from_db()
    return run


def _table(dataset, table_id):
    return next(t for s in dataset["sections"] for t in s["tables"] if t["id"] == table_id)


def _cells(table) -> dict:
    keys = [c["key"] for c in table["columns"]]
    return {r["key"]: dict(zip(keys, r["cells"], strict=True)) for r in table["rows"]}


def _values(table) -> dict:
    return {
        row: {key: cell["value"] for key, cell in cells.items()}
        for row, cells in _cells(table).items()
    }


# --- Figures ------------------------------------------------------------------------------------


def test_per_group_for_the_coordinator_counted_by_hand(ids, coordinator):
    run = _run(coordinator)
    dataset = run.dataset

    gx, gy = str(ids["gx"]), str(ids["gy"])
    meetings = _values(_table(dataset, "meetings_members"))
    assert meetings[gx] == {
        "held": 2, "cancelled": 1, "SH3": 4.5, "stock": 7, "joined": 1, "left": 1,
    }  # fmt: skip
    assert meetings[gy] == {
        "held": 1, "cancelled": 0, "SH3": 2.0, "stock": 2, "joined": 0, "left": 0,
    }  # fmt: skip
    assert meetings["total"] == {
        "held": 3, "cancelled": 1, "SH3": 3.67, "stock": 9, "joined": 1, "left": 1,
    }  # fmt: skip
    requests = _values(_table(dataset, "requests"))
    assert requests[gx] == {"joined": 1, "declined": 1, "withdrawn": 0, "waiting": 1, "total": 3}
    assert requests[gy] == {"joined": 0, "declined": 0, "withdrawn": 1, "waiting": 0, "total": 1}
    assert requests["total"]["total"] == 4
    assert {k["id"]: k["value"] for k in dataset["kpis"]} == {"SH1": 2, "SH2": 3, "SH4": 9}
    # Internal: printed as they are, the groups by name; never a person's name or a note.
    labels = [r["label"] for r in _table(dataset, "meetings_members")["rows"]]
    assert labels[:2] == ["Grupa wsparcia w żałobie", "RON"]
    text = json.dumps(dataset, ensure_ascii=False)
    for secret in ("Zbigniewa", "Nowa", "Odeszła", "Prosząca", "Notatka", "601000000"):
        assert secret not in text
    # The XLSX is made for the coordinator's variant only.
    assert run.pdf_id and run.xlsx_id and not run.csv_id


def test_shared_by_topic_with_k_5_and_no_group_names(ids, staff):
    run = _run(staff, variant="shared")
    dataset = run.dataset

    meetings = _cells(_table(dataset, "meetings_members"))
    assert _table(dataset, "meetings_members")["k"] == 5
    bereavement, families = meetings["bereavement"], meetings["disability_families"]
    assert bereavement["held"]["display"] == "2"  # meetings are things: never hidden
    assert bereavement["joined"]["display"] == "< 5"
    assert families["stock"]["display"] == "< 5"  # 2 members
    assert families["SH3"]["suppressed"]  # a small group's mean tells its size
    requests = _cells(_table(dataset, "requests"))
    assert requests["bereavement"]["total"]["suppressed"]  # 3 requests
    text = json.dumps(dataset, ensure_ascii=False)
    assert "Grupa wsparcia" not in text and "RON" not in text
    assert not run.xlsx_id and run.pdf_id  # PDF only outside the coordinator's variant


# --- Who may have it (REPORTS.md §8) -----------------------------------------------------------


def test_audiences(ids, x, y, coordinator, staff, overseer, partner_a, team_member):
    assert access.allowed_variants(staff, "R10") == ["shared"]  # by topic only
    assert access.allowed_variants(overseer, "R10") == ["internal", "shared"]  # OPS + coord.
    assert access.allowed_variants(coordinator, "R10") == ["internal"]
    assert access.allowed_variants(x, "R10") == ["internal"]
    assert access.allowed_variants(partner_a, "R10") == []
    assert access.allowed_variants(team_member, "R10") == []
    gx, gy = Scope(group=ids["gx"]), Scope(group=ids["gy"])
    assert access.may_run(x, "R10", gx, "internal")
    assert not access.may_run(x, "R10", gy, "internal")
    assert not access.may_run(x, "R10", Scope(), "internal")  # never the whole CAL
    assert access.may_run(coordinator, "R10", Scope(), "internal")
    assert access.may_run(coordinator, "R10", gy, "internal")
    assert not access.may_run(staff, "R10", Scope(), "internal")
    assert access.may_run(staff, "R10", Scope(), "shared")
    with pytest.raises(PermissionDenied):
        _run(x, scope={"group": ids["gy"]})


def test_idor_facilitator_partner_and_ops_cannot_open_another_groups_run(
    ids, login, x, y, staff, partner_a, team_member, coordinator
):
    run_y = _run(y, scope={"group": ids["gy"]})
    run_x = _run(x, scope={"group": ids["gx"]})
    all_groups = _run(coordinator)
    for user, allowed, refused in (
        (x, [run_x], [run_y, all_groups]),
        (y, [run_y], [run_x, all_groups]),
        (partner_a, [], [run_x, run_y, all_groups]),
        (team_member, [], [run_x, run_y, all_groups]),
        (staff, [], [run_x, run_y, all_groups]),  # OPS staff: by topic only
        (coordinator, [run_x, run_y, all_groups], []),
    ):
        client = login(user)
        for run in allowed:
            assert client.get(reverse("reports:run", args=[run.pk])).status_code == 200
        for run in refused:
            assert client.get(reverse("reports:run", args=[run.pk])).status_code in (403, 404)
            for document in (run.pdf_id, run.xlsx_id):
                url = reverse("documents:download", args=[document])
                assert client.get(url).status_code in (403, 404), (user, run)
        visible = set(access.visible_runs(user).values_list("pk", flat=True))
        assert visible & {r.pk for r in refused} == set(), user


def test_the_request_form_offers_a_facilitator_only_their_groups(ids, login, x, coordinator):
    form = login(x).get(reverse("reports:new", args=["R10"])).context["form"]
    assert list(form.fields["group"].choices) == [(ids["gx"], "Grupa wsparcia w żałobie")]
    assert not form.cal_allowed  # a facilitator chooses one of their groups
    form = login(coordinator).get(reverse("reports:new", args=["R10"])).context["form"]
    assert form.cal_allowed and len(list(form.fields["group"].choices)) == 3


# --- The access log ---------------------------------------------------------------------------


def test_reading_a_run_or_its_file_is_written_to_the_access_log(ids, login, coordinator, x):
    run = _run(coordinator)
    own = _run(x, scope={"group": ids["gx"]})
    assert not AccessLog.objects.exists()  # preparing it is not reading it
    login(coordinator).get(reverse("reports:run", args=[run.pk]))
    entries = set(AccessLog.objects.values_list("user", "group", "action", "object_id"))
    assert entries == {
        (coordinator.pk, ids["gx"], "report", run.pk),
        (coordinator.pk, ids["gy"], "report", run.pk),
    }
    from calportal.documents.models import DocumentStatus

    document = own.pdf
    document.status = DocumentStatus.READY
    document.file.save("r10.pdf", __import__("io").BytesIO(b"%PDF-1.4"), save=False)
    document.save()
    AccessLog.objects.all().delete()
    response = login(x).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert list(AccessLog.objects.values_list("user", "group", "action", "object_id")) == [
        (x.pk, ids["gx"], "report", own.pk)
    ]


# --- The figures page and its PDF ----------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_figures_page_shows_r10_for_a_period_to_each_audience(
    ids, login, x, staff, coordinator, partner_a, team_member, client
):
    query = {"timeframe": "custom", "start": "2026-01-01", "end": "2026-03-31"}
    page = login(x).get(reverse("selfhelp:figures"), query)  # their first group by default
    assert page.status_code == 200
    rows = _values(_table(page.context["dataset"], "meetings_members"))
    assert rows[str(ids["gx"])]["stock"] == 7 and str(ids["gy"]) not in rows
    assert set(AccessLog.objects.values_list("user", "group")) == {(x.pk, ids["gx"])}
    # Another facilitator's group by its id: refused, nothing shown, nothing logged for it.
    page = login(x).get(reverse("selfhelp:figures"), {**query, "group": ids["gy"]})
    assert page.status_code == 200 and page.context["dataset"] is None
    assert "RON" not in page.content.decode()
    assert not AccessLog.objects.filter(group=ids["gy"]).exists()

    body = login(staff).get(reverse("selfhelp:figures"), query).content.decode()
    assert "Grupa wsparcia" not in body and "RON" not in body and "&lt; 5" in body
    page = login(coordinator).get(reverse("selfhelp:figures"), query)
    assert _values(_table(page.context["dataset"], "meetings_members"))["total"]["stock"] == 9
    for user in (partner_a, team_member):
        assert login(user).get(reverse("selfhelp:figures")).status_code == 403
    assert login(None).get(reverse("selfhelp:figures")).status_code == 302
    bad = login(coordinator).get(
        reverse("selfhelp:figures"), {"timeframe": "custom", "start": "2026-03-31"}
    )
    assert bad.status_code == 200 and bad.context["dataset"] is None
    assert bad.context["form"].errors


def test_the_pdf_of_the_figures_page_is_r10_and_follows_its_rule(
    ids, login, x, y, coordinator, django_capture_on_commit_callbacks
):
    """One PDF in Polish and English (set REPORT_PNG_DIR to keep them for looking at)."""
    import os
    import subprocess
    import tempfile

    from calportal.documents.models import Document
    from selfhelp.documents import report

    query = {"timeframe": "custom", "start": "2026-01-01", "end": "2026-03-31"}
    with django_capture_on_commit_callbacks(execute=False):
        response = login(x).post(reverse("selfhelp:figures_pdf"), {**query, "group": ids["gy"]})
        assert response.status_code == 200 and not Document.objects.exists()  # not theirs
        response = login(x).post(reverse("selfhelp:figures_pdf"), {**query, "group": ids["gx"]})
    document = Document.objects.get()
    assert response.status_code == 302
    assert document.params == {
        "timeframe": "custom:2026-01-01/2026-03-31",
        "scope": {"group": ids["gx"]},
        "variant": "internal",
        "language": "pl",
    }
    assert login(y).get(reverse("documents:detail", args=[document.pk])).status_code == 404
    assert (
        login(coordinator).get(reverse("documents:detail", args=[document.pk])).status_code == 200
    )

    keep = os.environ.get("REPORT_PNG_DIR")
    for language in ("pl", "en"):
        params = {**document.params, "language": language, "scope": {}}
        pdf = report(params).render(language=language)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", file.name, "-"], capture_output=True, text=True,
                check=True,
            ).stdout  # fmt: skip
        assert "Grupa wsparcia w żałobie" in text and "Zbigniewa" not in text
        if keep:
            with open(os.path.join(keep, f"r10-{language}.pdf"), "wb") as out:
                out.write(pdf)
    assert Group.objects.count() == 2
