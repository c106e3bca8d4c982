"""Filters for the map, the guide and the staff lists. The map shares parameter names between
the resource and the need filters (``target_group``, ``area``, ``q``) so one form drives both."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from initiatives.models import TargetGroup
from resources_map.models import (
    Area,
    Conditions,
    FoundBy,
    Need,
    NeedStatus,
    Resource,
    ResourceClass,
    ResourceKind,
    Severity,
    Topic,
)


def _areas(request):
    return Area.objects.order_by("kind", "name")


def _target_groups(request):
    return TargetGroup.objects.order_by("pk")


class _Common(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    target_group = django_filters.ModelChoiceFilter(
        label=_("Target group"), field_name="target_groups", queryset=_target_groups
    )


class ResourceFilter(_Common):
    resource_class = django_filters.ChoiceFilter(
        label=_("Class"), field_name="resource_class", choices=ResourceClass.choices
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ResourceKind.choices)
    area = django_filters.ModelChoiceFilter(label=_("Area"), queryset=_areas)

    class Meta:
        model = Resource
        fields = ["q", "resource_class", "kind", "target_group", "area"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(description__icontains=value)
            | Q(address__icontains=value)
            | Q(organisation__name__icontains=value)
        )


class StaffResourceFilter(ResourceFilter):
    topic = django_filters.ChoiceFilter(label=_("Topic"), choices=Topic.choices)
    conditions = django_filters.ChoiceFilter(label=_("Conditions"), choices=Conditions.choices)
    is_public = django_filters.BooleanFilter(label=_("Shown to the public"))
    unverified = django_filters.BooleanFilter(
        label=_("Not verified for a year"), method="by_unverified"
    )

    class Meta(ResourceFilter.Meta):
        fields = [*ResourceFilter.Meta.fields, "topic", "conditions", "is_public", "unverified"]

    def by_unverified(self, queryset, name, value):
        import datetime

        from django.utils import timezone

        if value is None:
            return queryset
        year_ago = timezone.localdate() - datetime.timedelta(days=365)
        stale = Q(verified_on__isnull=True) | Q(verified_on__lt=year_ago)
        return queryset.filter(stale) if value else queryset.exclude(stale)


class NeedFilter(_Common):
    status = django_filters.ChoiceFilter(label=_("Need status"), choices=NeedStatus.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    area = django_filters.ModelChoiceFilter(label=_("Area"), field_name="areas", queryset=_areas)

    class Meta:
        model = Need
        fields = ["q", "status", "severity", "target_group", "area"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class StaffNeedFilter(NeedFilter):
    found_by = django_filters.ChoiceFilter(label=_("How it was found"), choices=FoundBy.choices)
    unanswered = django_filters.BooleanFilter(
        label=_("Nothing answers it yet (no initiative, group or volunteering)"),
        method="by_unanswered",
    )

    class Meta(NeedFilter.Meta):
        fields = [*NeedFilter.Meta.fields, "found_by", "unanswered"]

    def by_unanswered(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.unanswered() if value else queryset.answered()


class GuideFilter(django_filters.FilterSet):
    topic = django_filters.ChoiceFilter(label=_("Topic"), choices=Topic.choices)
    area = django_filters.ModelChoiceFilter(
        label=_("District or village"), queryset=_areas, method="by_area"
    )
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Resource
        fields = ["topic", "area", "q"]

    def by_area(self, queryset, name, value):
        # Resources for the whole municipality (no area) serve every district too.
        return queryset.filter(Q(area=value) | Q(area__isnull=True)) if value else queryset

    search = ResourceFilter.search
