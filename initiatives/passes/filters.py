import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calportal.contacts import name_text_key, phone_search_digits
from initiatives.passes.models import PartnerVenue, PassStatus, Redemption, SeniorPass

AGE_BANDS = [
    ("60-69", _("60–69")),
    ("70-79", _("70–79")),
    ("80-89", _("80–89")),
    ("90+", _("90 and over")),
]


class PassFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PassStatus.choices)
    district = django_filters.CharFilter(
        label=_("District or village"), field_name="holder__district", lookup_expr="iexact"
    )
    age_band = django_filters.ChoiceFilter(label=_("Age"), choices=AGE_BANDS, method="by_age")

    class Meta:
        model = SeniorPass
        fields = ["q", "status", "district", "age_band"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = Q(number__icontains=value) | Q(holder__name_key__contains=name_text_key(value))
        digits = phone_search_digits(value)
        if len(digits) >= 3:
            match |= Q(holder__phone__contains=digits)
        return queryset.filter(match)

    def by_age(self, queryset, name, value):
        year = timezone.localdate().year
        low = int(value.split("-")[0].rstrip("+"))
        if value.endswith("+"):
            return queryset.filter(holder__birth_year__lte=year - low)
        high = int(value.split("-")[1])
        return queryset.filter(
            holder__birth_year__lte=year - low, holder__birth_year__gte=year - high
        )


class RedemptionFilter(django_filters.FilterSet):
    venue = django_filters.ModelChoiceFilter(label=_("Venue"), queryset=PartnerVenue.objects.all())
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="redeemed_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="redeemed_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    number = django_filters.CharFilter(
        label=_("Pass number"), field_name="senior_pass__number", lookup_expr="icontains"
    )

    class Meta:
        model = Redemption
        fields = ["venue", "date_from", "date_to", "number"]
