import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from calportal.contacts import phone_search_digits
from calportal.dates import month_example, parse_month
from volunteers import selectors
from volunteers.models import EntryStatus, HoursEntry, Skill, Volunteer, VolunteerStatus


def _organisations(request):
    return selectors.organisations_for(request.user)


def _volunteers(request):
    return selectors.volunteers_for(request.user).order_by("last_name", "first_name")


class _ScopedFilterSet(django_filters.FilterSet):
    """Drops the organisation filter for people who only ever see their own organisation."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None and not selectors.sees_all(request.user):
            self.filters.pop("organisation", None)
        if "month" in self.filters:  # a browser without a month picker shows a text box
            self.filters["month"].extra["widget"] = forms.TextInput(
                attrs={"type": "month", "placeholder": month_example()}
            )


class VolunteerFilter(_ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=VolunteerStatus.choices)
    skill = django_filters.ModelChoiceFilter(
        label=_("Skill"), field_name="skills", queryset=Skill.objects.all()
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=_organisations
    )
    missing = django_filters.ChoiceFilter(
        label=_("Missing"),
        choices=[
            ("agreement", _("no current agreement")),
            ("check", _("no valid check for work with children")),
        ],
        method="by_missing",
    )

    class Meta:
        model = Volunteer
        fields = ["q", "status", "skill", "organisation", "missing"]

    def search(self, queryset, name, value):
        for word in value.split()[:4]:
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(phone__contains=phone_search_digits(word) or word)
            )
        return queryset

    def by_missing(self, queryset, name, value):
        if value == "agreement":
            return queryset.filter(has_agreement=False)
        if value == "check":
            return queryset.filter(has_valid_check=False)
        return queryset


class MonthFilter(django_filters.CharFilter):
    """A month (``2026-11`` from a month picker, or as shown: ``11.2026``, ``Nov 2026``) → the
    dates of that month; anything else is ignored."""

    def filter(self, queryset, value):
        start = parse_month(value)
        if start is None:
            return queryset
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        return queryset.filter(date__gte=start, date__lt=end)


class EntryFilter(_ScopedFilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), field_name="volunteer__organisation", queryset=_organisations
    )
    month = MonthFilter(label=_("Month"))
    volunteer = django_filters.ModelChoiceFilter(label=_("Volunteer"), queryset=_volunteers)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EntryStatus.choices)

    class Meta:
        model = HoursEntry
        fields = ["organisation", "month", "volunteer", "status"]
