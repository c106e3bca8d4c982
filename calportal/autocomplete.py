"""A search field with suggestions, in place of a drop-down of thousands of options.

A filter over a large table (volunteers, organisations, initiatives …) used to render every row
as an ``<option>``; at 10,000 rows that is most of the page's time and size. Instead:

* :func:`register` names a *source*: who may use it (a permission), the rows a user may see
  (a function of the user: the same scoping as the list), the fields searched and the label.
* :class:`SearchChoiceFilter` (a django-filter ``CharFilter``) renders a text field. Typed text
  filters by the source's search fields (works without JavaScript); a suggestion picked from
  the list ends in ``#<id>`` and filters by that row exactly.
* :func:`suggest` (``GET /autocomplete/<source>/?q=…``) answers with at most
  :data:`LIMIT` labels as JSON; ``static/js/autocomplete.js`` fills the field's ``<datalist>``
  as the person types. Server-side, one query, no CDN.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

LIMIT = 20
MIN_LENGTH = 2
_PICKED = re.compile(r"#(\d{1,18})\s*$")


@dataclass(frozen=True)
class Source:
    permission: str
    queryset: Callable  # (user) -> QuerySet of the rows the user may see
    search_fields: tuple[str, ...]
    label: Callable[[Model], str]
    # (queryset, user, GET parameters) -> the rows the field offers (e.g. one shift's candidates)
    narrow: Callable | None = None


SOURCES: dict[str, Source] = {}


def register(
    name: str,
    *,
    permission: str,
    queryset: Callable,
    search_fields: tuple[str, ...],
    label: Callable[[Model], str] = str,
    narrow: Callable | None = None,
) -> None:
    """Make ``name`` a source of suggestions. ``queryset(user)`` gives the rows ``user`` may
    see; ``search_fields`` are searched with ``icontains``; ``label(row)`` is what is shown
    (``"#<id>"`` is added so a pick is exact). ``narrow(queryset, user, params)``, when given,
    keeps the rows a particular field offers, from the suggestion request's other GET
    parameters (the field's ``data-autocomplete-url`` carries them). Registering a name twice
    replaces it."""
    SOURCES[name] = Source(permission, queryset, search_fields, label, narrow)


def picked_id(value: str) -> int | None:
    """The id of a picked suggestion (``"Anna Nowak (Nadzieja) #42"`` → 42), else None."""
    match = _PICKED.search(value or "")
    return int(match.group(1)) if match else None


def text_query(search_fields: tuple[str, ...], value: str, prefix: str = "") -> Q:
    """Rows where every word of ``value`` is in one of ``search_fields`` (``icontains``)."""
    condition = Q()
    for word in (value or "").split()[:5]:
        any_field = Q()
        for field in search_fields:
            any_field |= Q(**{f"{prefix}{field}__icontains": word})
        condition &= any_field
    return condition


def option_label(source: Source, row: Model) -> str:
    return f"{source.label(row)} #{row.pk}"


@require_GET
@login_required
def suggest(request, source: str):
    """``{"results": ["label #id", …]}``: at most :data:`LIMIT` rows of ``source`` the user may
    see that match ``q`` (at least :data:`MIN_LENGTH` characters; fewer gives none). 404 for an
    unknown source, 403 without its permission."""
    found = SOURCES.get(source)
    if found is None:
        raise Http404
    if not request.user.has_perm(found.permission):
        raise PermissionDenied
    text = " ".join(request.GET.get("q", "").split())[:100]
    if len(text) < MIN_LENGTH:
        return JsonResponse({"results": []})
    rows = found.queryset(request.user)
    if found.narrow is not None:
        rows = found.narrow(rows, request.user, request.GET)
    rows = rows.filter(text_query(found.search_fields, text))
    return JsonResponse(
        {"results": [option_label(found, row) for row in rows.order_by("pk")[:LIMIT]]}
    )


class SearchInput(forms.TextInput):
    """A text field with a ``<datalist>`` that ``static/js/autocomplete.js`` fills from the
    source's suggestions as the person types."""

    template_name = "calportal/widgets/search_input.html"

    def __init__(self, source: str, attrs=None):
        super().__init__(attrs)
        self.source = source

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        list_id = f"{widget['attrs'].get('id', name)}-suggestions"
        widget["attrs"].update(
            {
                "list": list_id,
                "autocomplete": "off",
                "data-autocomplete-url": reverse("autocomplete", args=[self.source]),
            }
        )
        widget["list_id"] = list_id
        return context


class SearchChoiceFilter(django_filters.CharFilter):
    """Filter by a row of ``source`` through a search field: a picked suggestion (``… #id``)
    filters ``field_name`` by that id; typed text filters by the source's search fields
    through ``field_name`` (``field_name__<search field>__icontains``; the row's own fields
    when ``field_name`` is ``"pk"``)."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("widget", SearchInput(source))
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        value = " ".join((value or "").split())[:100]
        if not value:
            return qs
        pk = picked_id(value)
        if pk is not None:
            return qs.filter(**{self.field_name: pk}).distinct()
        found = SOURCES[self.source]
        prefix = "" if self.field_name in ("pk", "id") else f"{self.field_name}__"
        return qs.filter(text_query(found.search_fields, value, prefix=prefix)).distinct()
