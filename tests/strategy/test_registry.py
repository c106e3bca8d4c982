"""The indicator registry's pages (REPORTS.md §9 D7): who may open them, what they save, and
what they refuse with a message (nothing half-saved)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from calportal.accounts.roles import Role
from calportal.strategy.demo import strategy_demo_load
from calportal.strategy.models import IndicatorSet, Objective, StrategyIndicator, TypedValue
from tests.access import ALLOWED, DENIED, LOGIN, NOT_FOUND, assert_outcome
from tests.factories import UserFactory

ROLES = ["staff", "partner_a", "team_member", "venue_staff", None]


@pytest.fixture
def venue_staff(roles):
    return UserFactory(email="venue@example.org", role=Role.VENUE_STAFF)


@pytest.fixture
def registry(db):
    srps = IndicatorSet.objects.create(name="Strategia RPS 2021–2030", year_from=2021, year_to=2030)
    one = Objective.objects.create(indicator_set=srps, code="1", name="Seniorzy")
    typed = StrategyIndicator.objects.create(
        objective=one, name="Rodziny w pomocy", unit="rodziny", baseline_year=2020,
        baseline_value=640, target_year=2030, target_value=500, source="typed",
    )  # fmt: skip
    portal = StrategyIndicator.objects.create(
        objective=one, name="Uczestnicy", unit="osoby", baseline_year=2020,
        baseline_value=180, target_year=2030, target_value=400, source="PE1",
    )  # fmt: skip
    other = IndicatorSet.objects.create(
        name="Program współpracy 2026", year_from=2026, year_to=2026
    )
    foreign = Objective.objects.create(indicator_set=other, code="1", name="Obcy cel")
    return {
        "set": srps,
        "one": one,
        "typed": typed,
        "portal": portal,
        "other": other,
        "foreign": foreign,
    }


def _urls(r):
    return {
        "strategy:set_list": reverse("strategy:set_list"),
        "strategy:set_create": reverse("strategy:set_create"),
        "strategy:set_detail": reverse("strategy:set_detail", args=[r["set"].pk]),
        "strategy:set_edit": reverse("strategy:set_edit", args=[r["set"].pk]),
        "strategy:objective_create": reverse("strategy:objective_create", args=[r["set"].pk]),
        "strategy:objective_edit": reverse("strategy:objective_edit", args=[r["one"].pk]),
        "strategy:indicator_create": reverse("strategy:indicator_create", args=[r["set"].pk]),
        "strategy:indicator_edit": reverse("strategy:indicator_edit", args=[r["typed"].pk]),
        "strategy:typed_values": reverse("strategy:typed_values", args=[r["typed"].pk]),
    }


VIEWS = [
    "strategy:set_list",
    "strategy:set_create",
    "strategy:set_detail",
    "strategy:set_edit",
    "strategy:objective_create",
    "strategy:objective_edit",
    "strategy:indicator_create",
    "strategy:indicator_edit",
    "strategy:typed_values",
]


@pytest.mark.parametrize("view_name", VIEWS)
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_only_ops_staff_keep_the_registry(request, login, registry, view_name, role):
    user = request.getfixturevalue(role) if role else None
    expected = {"staff": ALLOWED, None: LOGIN}.get(role, DENIED)
    assert_outcome(login(user).get(_urls(registry)[view_name]), expected)


def test_an_unknown_set_is_not_found(login, staff, registry):
    response = login(staff).get(reverse("strategy:set_detail", args=[99999]))
    assert_outcome(response, NOT_FOUND)


def test_the_list_and_a_set_take_a_constant_number_of_queries(
    login, staff, registry, django_assert_num_queries
):
    client = login(staff)
    client.get(reverse("strategy:set_list"))  # warm the session and the permission cache
    # session, user, permissions (2), count, page of sets
    with django_assert_num_queries(6):
        response = client.get(reverse("strategy:set_list"))
    assert "Strategia RPS 2021–2030" in response.content.decode()
    for n in range(3):
        StrategyIndicator.objects.create(
            objective=registry["one"], name=f"Dodatkowy {n}", unit="osoby", baseline_year=2020,
            baseline_value=1, target_year=2030, target_value=2, source="typed",
        )  # fmt: skip
    # session, user, permissions (2), the set, objectives, their indicators
    with django_assert_num_queries(7):
        response = client.get(reverse("strategy:set_detail", args=[registry["set"].pk]))
    assert response.content.decode().count('<th scope="row" class="fw-normal">Dodatkowy') == 3


def test_staff_add_a_set_an_objective_and_an_indicator(login, staff, registry):
    client = login(staff)
    response = client.post(
        reverse("strategy:set_create"),
        {"name": "Program Senior+ 2026–2028", "year_from": "2026", "year_to": "2028"},
    )
    added = IndicatorSet.objects.get(name="Program Senior+ 2026–2028")
    assert response.status_code == 302 and response["Location"] == added.get_absolute_url()
    client.post(
        reverse("strategy:objective_create", args=[added.pk]),
        {"code": "1", "name": "Aktywni seniorzy", "level": "strategic"},
    )
    objective = added.objectives.get()
    response = client.post(
        reverse("strategy:indicator_create", args=[added.pk]),
        {
            "objective": objective.pk, "name": "Wolontariusze", "unit": "osoby",
            "baseline_year": "2025", "baseline_value": "20", "target_year": "2028",
            "target_value": "35", "source": "VO1",
        },
    )  # fmt: skip
    assert response.status_code == 302
    indicator = StrategyIndicator.objects.get(name="Wolontariusze")
    assert indicator.source == "VO1" and indicator.direction == 1 and not indicator.is_typed


def test_years_out_of_order_are_refused_with_a_message(login, staff, registry):
    response = login(staff).post(
        reverse("strategy:set_create"), {"name": "Zły", "year_from": "2030", "year_to": "2021"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    assert not IndicatorSet.objects.filter(name="Zły").exists()


def test_an_indicator_cannot_be_put_under_another_sets_objective(login, staff, registry):
    response = login(staff).post(
        reverse("strategy:indicator_create", args=[registry["set"].pk]),
        {
            "objective": registry["foreign"].pk, "name": "Przemycony", "unit": "osoby",
            "baseline_year": "2020", "baseline_value": "1", "target_year": "2030",
            "target_value": "2", "source": "typed",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "objective" in response.context["form"].errors
    assert not StrategyIndicator.objects.filter(name="Przemycony").exists()


def test_a_target_before_the_baseline_and_an_unknown_source_are_refused(login, staff, registry):
    response = login(staff).post(
        reverse("strategy:indicator_edit", args=[registry["typed"].pk]),
        {
            "objective": registry["one"].pk, "name": "Rodziny", "unit": "rodziny",
            "baseline_year": "2030", "baseline_value": "640", "target_year": "2020",
            "target_value": "500", "source": "XX9",
        },
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "source" in errors and "__all__" in errors
    registry["typed"].refresh_from_db()
    assert registry["typed"].baseline_year == 2020 and registry["typed"].name == "Rodziny w pomocy"


def test_an_operational_objective_serves_a_strategic_one_of_its_set(login, staff, registry):
    client = login(staff)
    url = reverse("strategy:objective_create", args=[registry["set"].pk])
    response = client.post(
        url, {"code": "1.1", "name": "Z", "level": "operational", "parent": registry["foreign"].pk}
    )
    assert "parent" in response.context["form"].errors
    response = client.post(url, {"code": "1", "name": "Powtórzony numer", "level": "strategic"})
    assert response.status_code == 200
    assert not Objective.objects.filter(name="Powtórzony numer").exists()
    response = client.post(
        url,
        {"code": "1.1", "name": "Zajęcia", "level": "operational", "parent": registry["one"].pk},
    )
    assert response.status_code == 302
    assert Objective.objects.get(code="1.1").parent == registry["one"]


def test_staff_type_yearly_values_and_clear_one(login, staff, registry):
    client = login(staff)
    url = reverse("strategy:typed_values", args=[registry["typed"].pk])
    TypedValue.objects.create(indicator=registry["typed"], year=2021, value=630)
    response = client.get(url)
    assert 'name="year_2020"' in response.content.decode()
    response = client.post(url, {"year_2021": "", "year_2024": "590", "year_2025": "575,5"})
    assert response.status_code == 302
    assert dict(registry["typed"].typed_values.values_list("year", "value")) == {
        2024: Decimal("590"),
        2025: Decimal("575.5"),
    }


def test_a_bad_yearly_value_saves_nothing(login, staff, registry):
    url = reverse("strategy:typed_values", args=[registry["typed"].pk])
    response = login(staff).post(url, {"year_2024": "590", "year_2025": "dużo"})
    assert response.status_code == 200 and "year_2025" in response.context["form"].errors
    assert not registry["typed"].typed_values.exists()


def test_a_portal_indicator_has_no_typed_values(login, staff, registry):
    response = login(staff).get(reverse("strategy:typed_values", args=[registry["portal"].pk]))
    assert response.status_code == 302
    assert response["Location"] == registry["set"].get_absolute_url()


def test_the_demo_set_loads_once(db):
    first = strategy_demo_load()
    assert strategy_demo_load() == first
    assert first.objectives.count() == 5
    indicators = StrategyIndicator.objects.filter(objective__indicator_set=first)
    assert indicators.count() == 6 and indicators.filter(source="typed").count() == 1
    for indicator in indicators:
        indicator.full_clean()
