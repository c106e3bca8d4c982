import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        method="by_organisation",
    )

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
        return queryset.filter(
            Q(initiative__lead_organisation=value) | Q(initiative__partner_organisations=value)
        ).distinct()


class InitiativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.all(), method="by_organisation"
    )

    class Meta:
        model = Initiative
        fields = ["q", "status", "category", "kind", "organisation"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset

    def by_organisation(self, queryset, name, value):
        return queryset.filter(
            Q(lead_organisation=value) | Q(partner_organisations=value)
        ).distinct()
