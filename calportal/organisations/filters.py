import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from calportal.organisations.models import CooperationForm, Organisation, Sector

YES_NO = ((True, _("Yes")), (False, _("No")))


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices)
    is_partner = django_filters.TypedChoiceFilter(
        label=_("Partner"), choices=YES_NO, coerce=lambda value: value == "True"
    )
    cooperation_form = django_filters.ChoiceFilter(
        label=_("Form of cooperation"), choices=CooperationForm.choices
    )

    class Meta:
        model = Organisation
        fields = ["q", "sector", "is_partner", "cooperation_form"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget = forms.TextInput(attrs={"type": "search"})

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(short_name__icontains=value)
            | Q(city__icontains=value)
            | Q(contact_person__icontains=value)
        )
