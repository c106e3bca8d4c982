"""Demo data: one public task of the partner NGO (TPP „Nadzieja”) for the senior café."""

import datetime
from decimal import Decimal

from django.utils import timezone

from .models import CostKind, CostLine, Measure, PlannedResult, PublicTask, TaskAction

CONTRACT_NUMBER = "OPS.524.2.{year}"


def public_tasks_demo_load(organisations: dict) -> PublicTask | None:
    """A public task commissioned last year to TPP „Nadzieja” (``organisations["nadzieja"]``)
    and linked to the demo senior café with its past meetings (run after
    ``initiatives.demo.history_demo_load``): results measured by the portal and typed, actions,
    cost lines and the financial items of the 2018 report template, so R6 has something to
    show. Idempotent: returns None when the task is there already or the café is missing."""
    from initiatives.demo import HISTORY_SLUG
    from initiatives.models import Initiative

    year = timezone.localdate().year - 1
    number = CONTRACT_NUMBER.format(year=year)
    cafe = Initiative.objects.filter(slug=HISTORY_SLUG).first()
    if cafe is None or PublicTask.objects.filter(contract_number=number).exists():
        return None
    task = PublicTask.objects.create(
        contract_number=number,
        contract_date=datetime.date(year, 1, 28),
        title="Kawiarenka seniora – aktywizacja i integracja osób starszych w gminie Śrem",
        organisation=organisations["nadzieja"],
        starts_on=datetime.date(year, 2, 1),
        ends_on=datetime.date(year, 11, 30),
        grant_amount=Decimal("8000.00"),
        grant_spent=Decimal("7850.00"),
        own_financial_planned=Decimal("500.00"),
        own_financial=Decimal("450.00"),
        own_non_financial_planned=Decimal("1500.00"),
        members_work_value=Decimal("600.00"),
        in_kind_value=Decimal("300.00"),
        other_revenue=Decimal("0.00"),
        other_revenue_info="Zadanie nie przyniosło innych przychodów.",
        recipient_fees=Decimal("0.00"),
        recipient_fees_info="Udział w spotkaniach był bezpłatny.",
    )
    task.initiatives.set([cafe])
    results = [
        ("Spotkania kawiarenki", "40", "spotkań", Measure.EV1, None, "Kalendarz portalu CAL"),
        ("Uczestnicy", "60", "osób", Measure.PE1, None, "Listy obecności w portalu"),
        ("Godziny pracy wolontariuszy", "120", "godzin", Measure.VO3, None, "Karty czasu pracy"),
        ("Prelekcje zdrowotne", "10", "prelekcji", Measure.TYPED, "7", "Dziennik zajęć"),
        ("Zadowoleni uczestnicy", "80", "% ankietowanych", Measure.TYPED, "86", "Ankiety"),
    ]
    for position, (name, target, unit, measure, typed, source) in enumerate(results, start=1):
        PlannedResult.objects.create(
            task=task,
            position=position,
            name=name,
            target=Decimal(target),
            unit=unit,
            measured_by=measure,
            achieved_typed=Decimal(typed) if typed else None,
            source=source,
        )
    meetings = TaskAction.objects.create(
        task=task,
        position=1,
        name="Cotygodniowe spotkania kawiarenki seniora",
        initiative=cafe,
        planned_start=task.starts_on,
        planned_end=task.ends_on,
        description="Spotkania w czwartki w CAL: rozmowy, gry, prelekcje, wspólne wyjścia.",
    )
    talks = TaskAction.objects.create(
        task=task,
        position=2,
        name="Prelekcje o zdrowiu i bezpieczeństwie seniorów",
        planned_start=datetime.date(year, 3, 1),
        planned_end=datetime.date(year, 10, 31),
        description="Prelekcje pielęgniarki środowiskowej i dzielnicowego.",
        deviations="Trzy prelekcje przeniesiono na kolejny rok z powodu choroby prelegenta.",
    )
    costs = [
        (CostKind.ACTION, meetings, "Poczęstunek (kawa, herbata, ciasto)", "4200", "4150"),
        (CostKind.ACTION, meetings, "Materiały do zajęć", "1300", "1280"),
        (CostKind.ACTION, talks, "Honoraria prelegentów", "1500", "1050"),
        (CostKind.ACTION, meetings, "Praca wolontariuszy i członków", "1500", "1500"),
        (CostKind.ADMINISTRATIVE, None, "Koordynacja i rozliczenie zadania", "1000", "970"),
    ]
    for position, (kind, action, name, planned, incurred) in enumerate(costs, start=1):
        CostLine.objects.create(
            task=task,
            position=position,
            kind=kind,
            action=action,
            name=name,
            planned=Decimal(planned),
            incurred=Decimal(incurred),
        )
    return task
