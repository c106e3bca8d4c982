import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from calportal import autocomplete
from calportal.organisations.models import Organisation
from initiatives.models import (
    Category,
    Event,
    EventStatus,
    Initiative,
    Kind,
    Status,
    TargetGroupCode,
)

ACCESSIBILITY_CHOICES = [
    ("step_free_access", _("step-free access")),
    ("induction_loop", _("induction loop")),
    ("sign_language", _("sign-language interpreter")),
    ("accessible_toilet", _("toilet for disabled people")),
    ("parking", _("parking for disabled people")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The organisations the staff lists of initiatives and events filter by: every organisation of
# the catalogue (anyone who may see the initiatives sees them all, and who leads or partners
# them), found by name or short name.
ORGANISATION_SOURCE = "initiatives-organisations"
ORGANISATION_SEARCH_FIELDS = ("name", "short_name")
autocomplete.register(
    ORGANISATION_SOURCE,
    permission="initiatives.view_initiative",
    queryset=lambda user: Organisation.objects.all(),
    search_fields=ORGANISATION_SEARCH_FIELDS,
    label=lambda organisation: organisation.name,
)


def taking_part(value: str, prefix: str = "") -> Q:
    """The initiatives (``prefix`` ``"initiative__"``: the events of the initiatives) an
    organisation leads or partners: the one picked from the suggestions (``"… #<id>"``), or
    those whose name or short name contains every word typed. A subquery each, no join that
    would repeat rows."""
    value = " ".join((value or "").split())[:100]
    picked = autocomplete.picked_id(value)
    organisations = (
        Organisation.objects.filter(pk=picked)
        if picked is not None
        else Organisation.objects.filter(autocomplete.text_query(ORGANISATION_SEARCH_FIELDS, value))
    ).values("pk")
    partnered = Initiative.partner_organisations.through.objects.filter(
        organisation__in=organisations
    ).values("initiative_id")
    initiative = prefix.removesuffix("__") or "pk"
    return Q(**{f"{prefix}lead_organisation__in": organisations}) | Q(
        **{f"{initiative}__in": partnered}
    )


def _organisation_filter() -> autocomplete.SearchChoiceFilter:
    return autocomplete.SearchChoiceFilter(
        label=_("Organisation"),
        source=ORGANISATION_SOURCE,
        method="by_organisation",
        help_text=_("Type a part of the name and pick it from the suggestions."),
    )


class PublicEventFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(
        label=_("Kind of activity"), field_name="initiative__category", choices=Category.choices
    )
    target_group = django_filters.ChoiceFilter(
        label=_("For whom"),
        field_name="initiative__target_groups__code",
        choices=TargetGroupCode.choices,
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="starts_at", lookup_expr="date__gte", widget=DATE
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="starts_at", lookup_expr="date__lte", widget=DATE
    )
    accessibility = django_filters.MultipleChoiceFilter(
        label=_("Accessibility"),
        choices=ACCESSIBILITY_CHOICES,
        method="with_features",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Event
        fields = ["category", "target_group", "date_from", "date_to", "accessibility"]

    def with_features(self, queryset, name, value):
        return queryset.filter(**{feature: True for feature in value})


class StaffEventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EventStatus.choices)
    category = django_filters.ChoiceFilter(
        label=_("Category"), field_name="initiative__category", choices=Category.choices
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), field_name="initiative__kind", choices=Kind.choices
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="starts_at", lookup_expr="date__gte", widget=DATE
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="starts_at", lookup_expr="date__lte", widget=DATE
    )
    organisation = _organisation_filter()

    class Meta:
        model = Event
        fields = ["q", "status", "category", "kind", "date_from", "date_to", "organisation"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(initiative__title__icontains=value)
            | Q(place_name__icontains=value)
        )

    def by_organisation(self, queryset, name, value):
        return queryset.filter(taking_part(value, prefix="initiative__")) if value else queryset


class InitiativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    organisation = _organisation_filter()

    class Meta:
        model = Initiative
        fields = ["q", "status", "category", "kind", "organisation"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset

    def by_organisation(self, queryset, name, value):
        return queryset.filter(taking_part(value)) if value else queryset
