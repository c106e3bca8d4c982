import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from calportal.accounts.models import User
from calportal.accounts.roles import Role
from calportal.organisations.models import Organisation


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, field_name="groups__name"
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.filter(is_partner=True)
    )
    is_active = django_filters.TypedChoiceFilter(
        label=_("Active"),
        choices=((True, _("Yes")), (False, _("No"))),
        coerce=lambda value: value == "True",
    )

    class Meta:
        model = User
        fields = ["q", "role", "organisation", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(full_name__icontains=value) | Q(email__icontains=value))
