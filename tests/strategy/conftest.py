"""The fixed data set of R2, R3 and R7's tests (see test_reports.py's docstring)."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from calportal.public_tasks.models import PublicTask
from calportal.reports.periods import WARSAW, Period
from calportal.strategy.models import IndicatorSet, Objective, StrategyIndicator, TypedValue
from initiatives.models import Registration
from tests.factories import (
    EventFactory,
    InitiativeFactory,
    OrganisationFactory,
    ParticipantFactory,
    TeamMemberFactory,
)
from volunteers.models import EntryStatus, HoursEntry, Volunteer, VolunteerRate

D = datetime.date
Y2025 = Period(D(2025, 1, 1), D(2025, 12, 31))


def at(year, month, day, hour=17):
    return datetime.datetime(year, month, day, hour, tzinfo=WARSAW)


def _event(initiative, when, present=(), absent=()):
    event = EventFactory(
        initiative=initiative, starts_at=when, ends_at=when + datetime.timedelta(hours=2)
    )
    for person, attendance in [(p, "present") for p in present] + [(p, "absent") for p in absent]:
        Registration.objects.create(
            event=event, participant=person, status="confirmed", attendance=attendance, places=1
        )
    return event


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        VolunteerRate.objects.all().delete()
        VolunteerRate.objects.create(
            valid_from=D(2000, 1, 1), hourly_rate=Decimal("30.00"), source="test"
        )
        b = OrganisationFactory(name="Bractwo Kurkowe", sector="business", kind="company")
        v = OrganisationFactory(name="Fundacja Wolontariat")
        n = OrganisationFactory(name="Stowarzyszenie Nadzieja")
        t = OrganisationFactory(name="Urząd Miejski", sector="public", kind="local_government")
        TeamMemberFactory(organisation=b)
        i1 = InitiativeFactory(lead_organisation=n)
        i1.partner_organisations.add(b)
        p1, p2, p3 = (ParticipantFactory(birth_year=1950) for _ in range(3))
        _event(i1, at(2024, 5, 10), present=[p1])
        _event(i1, at(2025, 3, 10), present=[p1, p2])
        _event(i1, at(2025, 6, 10), present=[p2], absent=[p3])
        PublicTask.objects.create(
            contract_number="OPS.524.1.2025",
            contract_date=D(2025, 2, 20),
            title="Aktywny senior",
            organisation=t,
            starts_on=D(2025, 3, 1),
            ends_on=D(2025, 6, 30),
            grant_amount=Decimal("3000.00"),
        )
        w1 = Volunteer.objects.create(
            organisation=v, first_name="W1", last_name="T", birth_year=1990
        )
        w2 = Volunteer.objects.create(
            organisation=v, first_name="W2", last_name="T", birth_year=1990
        )
        for volunteer, day, hours, status in [
            (w1, D(2025, 4, 1), 3, EntryStatus.APPROVED),
            (w2, D(2025, 5, 1), 1.5, EntryStatus.APPROVED),
            (w2, D(2025, 5, 2), 2, EntryStatus.SUBMITTED),
        ]:
            HoursEntry.objects.create(
                volunteer=volunteer,
                date=day,
                quarters=int(hours * 4),
                status=status,
                activity="Biuro",
                decided_at=None if status == EntryStatus.SUBMITTED else at(2025, 6, 1),
            )
        registry = _registry()
        yield {"org_b": b, "org_v": v, "org_n": n, "org_t": t, **registry}
        transaction.set_rollback(True)


def _registry() -> dict:
    """The strategy set of R3's tests; Y = 2025, every baseline 2020 and target 2030, so the
    time elapsed is (2025 − 2020) ÷ 10 = 50% and "at risk" means a path below 40%."""
    srps = IndicatorSet.objects.create(
        name="Strategia RPS Gminy Śrem 2021–2030", year_from=2021, year_to=2030
    )
    one = Objective.objects.create(indicator_set=srps, code="1", name="Aktywni seniorzy")
    one_one = Objective.objects.create(
        indicator_set=srps, code="1.1", name="Więcej zajęć", level="operational", parent=one
    )

    def indicator(objective, name, baseline, target, source="typed", values=()):
        item = StrategyIndicator.objects.create(
            objective=objective, name=name, unit="osoby", baseline_year=2020,
            baseline_value=baseline, target_year=2030, target_value=target, source=source,
        )  # fmt: skip
        for year, value in values:
            TypedValue.objects.create(indicator=item, year=year, value=value)
        return item

    return {
        # (150 − 100) ÷ (200 − 100) = 50.0% ≥ 40 → in progress; Δ = 150 − 120 = 30
        "a": indicator(one, "A rośnie", 100, 200, values=[(2024, 120), (2025, 150)]),
        # (12 − 10) ÷ (20 − 10) = 20.0% < 40 → at risk; no 2024 value: Δ "."
        "b": indicator(one, "B zagrożony", 10, 20, values=[(2025, 12)]),
        # lower is better: 28 ≤ 30 → achieved; (28 − 50) ÷ (30 − 50) = 110.0%
        "c": indicator(one, "C maleje osiągnięty", 50, 30, values=[(2025, 28)]),
        # lower is better: (48 − 50) ÷ (30 − 50) = 10.0% < 40 → at risk
        "d": indicator(one, "D maleje zagrożony", 50, 30, values=[(2025, 48)]),
        # no value → no data
        "e": indicator(one_one, "E bez danych", 1, 2),
        # PE1 from the portal: 2025 = 2, 2024 = 1; (2 − 0) ÷ (4 − 0) = 50.0% → in progress
        "f": indicator(one_one, "F uczestnicy", 0, 4, source="PE1"),
        # target = baseline: no path ("—"); 6 ≥ 5 → achieved
        "g": indicator(one_one, "G utrzymać", 5, 5, values=[(2025, 6)]),
    }
