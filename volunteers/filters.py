import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from calportal import autocomplete
from calportal.contacts import phone_search_digits
from calportal.dates import month_example, parse_month
from calportal.parsing import int_list
from volunteers import selectors
from volunteers.models import EntryStatus, HoursEntry, Skill, Volunteer, VolunteerStatus


def _organisations(request):
    return selectors.organisations_for(request.user)


VOLUNTEER_SOURCE = "volunteers"


def _volunteer_label(volunteer: Volunteer) -> str:
    return f"{volunteer.first_name} {volunteer.last_name} ({volunteer.organisation.name})"


# The volunteer filter is a search field with suggestions (a drop-down of every volunteer was
# most of a list's time at 10,000 volunteers), scoped as the lists are: a partner coordinator
# is offered their own organisation's volunteers only. Registered at import: the views import
# this module, so every process that answers a suggestion knows the source.
autocomplete.register(
    VOLUNTEER_SOURCE,
    permission="volunteers.view_volunteer",
    queryset=lambda user: selectors.volunteers_for(user).select_related("organisation"),
    search_fields=("first_name", "last_name", "email"),
    label=_volunteer_label,
)


SHIFT_CANDIDATES_SOURCE = "shift-candidates"


def shift_candidates(volunteers, opportunity):
    """The volunteers who may be put on a shift of ``opportunity``: active volunteers of its
    organisation, with a valid check for work with children when it involves children.
    ``volunteers``: those the user may see (annotated by :func:`selectors.with_compliance`
    here)."""
    candidates = selectors.with_compliance(
        volunteers.filter(organisation=opportunity.organisation, status=VolunteerStatus.ACTIVE)
    )
    if opportunity.involves_children:
        candidates = candidates.filter(has_valid_check=True)
    return candidates


def _narrow_to_shift_candidates(volunteers, user, params):
    ids = int_list([params.get("opportunity", "")])
    opportunity = (
        selectors.opportunities_for(user).select_related("organisation").filter(pk=ids[0]).first()
        if ids
        else None
    )
    if opportunity is None:
        return volunteers.none()
    return shift_candidates(volunteers, opportunity)


# Who can be put on a shift, as a search field when the organisation has many volunteers.
autocomplete.register(
    SHIFT_CANDIDATES_SOURCE,
    permission="volunteers.add_assignment",
    queryset=lambda user: selectors.volunteers_for(user).select_related("organisation"),
    search_fields=("first_name", "last_name", "email"),
    label=lambda volunteer: f"{volunteer.last_name} {volunteer.first_name}",
    narrow=_narrow_to_shift_candidates,
)


class _ScopedFilterSet(django_filters.FilterSet):
    """Drops the organisation filter for people who only ever see their own organisation.

    A filter that cannot be read (a month that is not a month, a status not on the list)
    lists nothing, and its field says what is wrong: the list, the totals and the exports
    are never silently of something else than what was asked for."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None and not selectors.sees_all(request.user):
            self.filters.pop("organisation", None)

    @property
    def qs(self):
        if not hasattr(self, "_qs") and self.is_bound and not self.form.is_valid():
            self._qs = self.queryset.none()
        return super().qs


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


class MonthField(forms.CharField):
    """A month typed as shown (``11.2026``, ``Nov 2026``, ``listopad 2026``) or as ISO
    ``2026-11`` (older links) → its first day; anything else is an error that says how to
    type it. A text box with the example as its hint, not ``type="month"``: most browsers
    show that as a plain box without the example, and the example is what shows the format."""

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "autocomplete": "off"}

    def clean(self, value):
        text = " ".join(str(value or "").split())
        if not text:
            return None
        start = parse_month(text)
        if start is None:
            raise ValidationError(
                _("“%(value)s” is not a month: type it as %(example)s."),
                code="invalid",
                params={"value": text[:40], "example": month_example()},
            )
        return start


class MonthFilter(django_filters.Filter):
    """The dates of a month (:class:`MonthField`)."""

    field_class = MonthField

    def filter(self, queryset, value):
        if value is None:
            return queryset
        end = (value + datetime.timedelta(days=32)).replace(day=1)
        return queryset.filter(date__gte=value, date__lt=end)


class EntryFilter(_ScopedFilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), field_name="volunteer__organisation", queryset=_organisations
    )
    month = MonthFilter(label=_("Month"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "month" in self.filters:  # in the active language, not the one at import time
            self.filters["month"].extra["help_text"] = _("e.g. %(example)s") % {
                "example": month_example()
            }

    volunteer = autocomplete.SearchChoiceFilter(
        label=_("Volunteer"), field_name="volunteer", source=VOLUNTEER_SOURCE
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EntryStatus.choices)

    class Meta:
        model = HoursEntry
        fields = ["organisation", "month", "volunteer", "status"]
