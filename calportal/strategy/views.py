"""OPS staff's pages of the indicator registry (REPORTS.md §9 D7): the sets, a set's
objectives and indicators, and the forms to add and change them and to type yearly values."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from calportal.accounts.decorators import permission_required
from calportal.strategy import portal, services
from calportal.strategy.forms import (
    IndicatorForm,
    IndicatorSetForm,
    ObjectiveForm,
    TypedValuesForm,
)
from calportal.strategy.models import IndicatorSet, Objective, StrategyIndicator

PAGE_SIZE = 25


@permission_required("strategy.view_indicatorset")
def set_list(request):
    sets = IndicatorSet.objects.annotate(
        objective_count=Count("objectives", distinct=True),
        indicator_count=Count("objectives__indicators", distinct=True),
    ).order_by("-year_to", "name", "pk")
    page = Paginator(sets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "strategy/set_list.html", {"page": page})


@permission_required("strategy.view_indicatorset")
def set_detail(request, pk: int):
    indicator_set = get_object_or_404(IndicatorSet, pk=pk)
    objectives = (
        Objective.objects.filter(indicator_set=indicator_set)
        .order_by("code", "pk")
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=StrategyIndicator.objects.annotate(
                    value_count=Count("typed_values")
                ).order_by("name", "pk"),
            )
        )
    )
    return render(
        request,
        "strategy/set_detail.html",
        {
            "indicator_set": indicator_set,
            "objectives": objectives,
            "sources": {key: portal.label(key) for key in portal.PORTAL_INDICATORS},
        },
    )


def _form_page(request, form, save, *, title, indicator_set=None, success):
    """Run ``form``; on a valid POST call ``save(cleaned_data)`` (a service), turning its
    ``ValidationError`` into the form's errors."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(success(saved))
    return render(
        request,
        "strategy/form.html",
        {"form": form, "title": title, "indicator_set": indicator_set},
    )


@permission_required("strategy.add_indicatorset")
def set_create(request):
    form = IndicatorSetForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: services.indicator_set_save(data=data),
        title=_("Add an indicator set"),
        success=lambda saved: saved.get_absolute_url(),
    )


@permission_required("strategy.change_indicatorset")
def set_edit(request, pk: int):
    indicator_set = get_object_or_404(IndicatorSet, pk=pk)
    form = IndicatorSetForm(request.POST or None, instance=indicator_set)
    return _form_page(
        request,
        form,
        lambda data: services.indicator_set_save(indicator_set=indicator_set, data=data),
        title=_("Edit the indicator set"),
        indicator_set=indicator_set,
        success=lambda saved: saved.get_absolute_url(),
    )


@permission_required("strategy.add_objective")
def objective_create(request, set_pk: int):
    indicator_set = get_object_or_404(IndicatorSet, pk=set_pk)
    form = ObjectiveForm(request.POST or None, indicator_set=indicator_set)
    return _form_page(
        request,
        form,
        lambda data: services.objective_save(indicator_set=indicator_set, data=data),
        title=_("Add an objective"),
        indicator_set=indicator_set,
        success=lambda saved: indicator_set.get_absolute_url(),
    )


@permission_required("strategy.change_objective")
def objective_edit(request, pk: int):
    objective = get_object_or_404(Objective.objects.select_related("indicator_set"), pk=pk)
    indicator_set = objective.indicator_set
    form = ObjectiveForm(request.POST or None, instance=objective, indicator_set=indicator_set)
    return _form_page(
        request,
        form,
        lambda data: services.objective_save(
            indicator_set=indicator_set, objective=objective, data=data
        ),
        title=_("Edit the objective"),
        indicator_set=indicator_set,
        success=lambda saved: indicator_set.get_absolute_url(),
    )


@permission_required("strategy.add_strategyindicator")
def indicator_create(request, set_pk: int):
    indicator_set = get_object_or_404(IndicatorSet, pk=set_pk)
    form = IndicatorForm(request.POST or None, indicator_set=indicator_set)
    return _form_page(
        request,
        form,
        lambda data: services.indicator_save(indicator_set=indicator_set, data=data),
        title=_("Add an indicator"),
        indicator_set=indicator_set,
        success=lambda saved: indicator_set.get_absolute_url(),
    )


@permission_required("strategy.change_strategyindicator")
def indicator_edit(request, pk: int):
    indicator = get_object_or_404(
        StrategyIndicator.objects.select_related("objective__indicator_set"), pk=pk
    )
    indicator_set = indicator.objective.indicator_set
    form = IndicatorForm(request.POST or None, instance=indicator, indicator_set=indicator_set)
    return _form_page(
        request,
        form,
        lambda data: services.indicator_save(
            indicator_set=indicator_set, indicator=indicator, data=data
        ),
        title=_("Edit the indicator"),
        indicator_set=indicator_set,
        success=lambda saved: indicator_set.get_absolute_url(),
    )


def _years(indicator: StrategyIndicator) -> list[int]:
    indicator_set = indicator.objective.indicator_set
    first = min(indicator.baseline_year, indicator_set.year_from)
    last = max(indicator.target_year, indicator_set.year_to)
    # No value for a year not begun yet.
    return list(range(first, min(last, timezone.localdate().year) + 1))


@permission_required("strategy.change_typedvalue")
def typed_values(request, pk: int):
    indicator = get_object_or_404(
        StrategyIndicator.objects.select_related("objective__indicator_set"), pk=pk
    )
    indicator_set = indicator.objective.indicator_set
    if not indicator.is_typed:
        messages.info(request, _("This indicator takes its values from the portal."))
        return redirect(indicator_set)
    form = TypedValuesForm(
        request.POST or None,
        indicator=indicator,
        years=_years(indicator),
        values=indicator.typed_values.all(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.typed_values_save(indicator=indicator, values=form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(indicator_set)
    return render(
        request,
        "strategy/values.html",
        {"form": form, "indicator": indicator, "indicator_set": indicator_set},
    )
