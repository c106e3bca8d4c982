"""The map's data as CSV: export, and an all-or-nothing import with a row-by-row report.

The import reads the export's own columns, so a file can go out to a spreadsheet and back.
Polish offices still save CSV as Windows-1250 with semicolons and decimal commas; all of that
is accepted. Choices may be given by code (``institutional``) or by their label in either
language (``Instytucjonalne``); lists (areas, target groups) are separated by ``|``.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calportal.csv_files import ImportFileError, csv_text, parse_date, read_rows
from initiatives.models import Initiative, TargetGroup
from resources_map.forms import NeedForm, ResourceForm
from resources_map.models import Area, Need, Resource


class Columns(list):
    """A file's columns in the export's order, knowing which of them an import cannot do without
    (``required``) and which it may leave out (``optional``): the import page names both."""

    def __init__(self, names: list[str], *, required: list[str]):
        super().__init__(names)
        self.required = [name for name in names if name in required]
        self.optional = [name for name in names if name not in required]


RESOURCE_COLUMNS = Columns(
    [
        "id",
        "name",
        "class",
        "kind",
        "topic",
        "organisation",
        "area",
        "address",
        "latitude",
        "longitude",
        "description",
        "opening_hours",
        "phone",
        "email",
        "website",
        "target_groups",
        "conditions",
        "deadline",
        "public",
        "verified_on",
    ],
    required=["name", "class", "kind"],
)
RESOURCE_REQUIRED = RESOURCE_COLUMNS.required
# column → form field, where they differ
RESOURCE_FIELDS = {
    "class": "resource_class",
    "phone": "contact_phone",
    "email": "contact_email",
    "public": "is_public",
}

NEED_COLUMNS = Columns(
    [
        "id",
        "title",
        "description",
        "target_groups",
        "areas",
        "severity",
        "found_by",
        "identified_on",
        "status",
        "resources",
        "initiatives",
        "public",
    ],
    required=["title", "description", "areas", "found_by"],
)
NEED_REQUIRED = NEED_COLUMNS.required
NEED_FIELDS = {"public": "is_public"}

TRUE = {"1", "tak", "t", "yes", "y", "true", "prawda"}
FALSE = {"0", "nie", "n", "no", "false", "fałsz", ""}
LIST_SEPARATOR = "|"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Export -----------------------------------------------------------------------------------


def _codes(items, attribute: str = "code") -> str:
    return LIST_SEPARATOR.join(str(getattr(item, attribute)) for item in items)


def export_resources(queryset) -> str:
    from resources_map.selectors import resources_for_list

    return csv_text(
        RESOURCE_COLUMNS,
        (
            [
                r.pk,
                r.name,
                r.resource_class,
                r.kind,
                r.topic,
                r.organisation.name if r.organisation else "",
                r.area.name if r.area else "",
                r.address,
                r.latitude,
                r.longitude,
                r.description,
                r.opening_hours,
                r.contact_phone,
                r.contact_email,
                r.website,
                _codes(r.target_groups.all()),
                r.conditions,
                r.deadline,
                r.is_public,
                r.verified_on,
            ]
            for r in resources_for_list(queryset)
        ),
    )


def export_needs(queryset) -> str:
    from resources_map.selectors import needs_for_list

    return csv_text(
        NEED_COLUMNS,
        (
            [
                n.pk,
                n.title,
                n.description,
                _codes(n.target_groups.all()),
                _codes(n.areas.all(), "name"),
                n.severity,
                n.found_by,
                n.identified_on,
                n.status,
                _codes(n.resources.all(), "pk"),
                _codes(n.initiatives.all(), "slug"),
                n.is_public,
            ]
            for n in needs_for_list(queryset).prefetch_related("resources")
        ),
    )


def export_areas(queryset) -> str:
    return csv_text(
        [
            "name",
            "kind",
            "population_total",
            "population_60_plus",
            "population_55_plus",
            "population_children",
            "population_year",
            "resources",
            "open_needs",
        ],
        (
            [
                a.name,
                a.get_kind_display(),
                a.population_total,
                a.population_60_plus,
                a.population_55_plus,
                a.population_children,
                a.population_year,
                a.resource_count,
                a.open_need_count,
            ]
            for a in queryset
        ),
    )


# --- Import -----------------------------------------------------------------------------------


class _Lookup:
    """Labels and names → primary keys, loaded once per import (not once per row)."""

    def __init__(self):
        self.areas = {name.lower(): pk for pk, name in Area.objects.values_list("pk", "name")}
        self.target_groups = {}
        for group in TargetGroup.objects.all():
            for key in (group.code, *self._labels(group)):
                self.target_groups[key.lower()] = group.pk
        from calportal.organisations.models import Organisation

        self.organisations = {
            name.lower(): pk for pk, name in Organisation.objects.values_list("pk", "name")
        }
        self.probes = {}
        self.initiatives = {
            slug.lower(): pk for pk, slug in Initiative.objects.values_list("pk", "slug")
        }

    @staticmethod
    def _labels(group) -> list[str]:
        labels = []
        for language in ("pl", "en"):
            with translation.override(language):
                labels.append(str(group))
        return labels


def _choice(form_field, value: str) -> str:
    """A choice's code from its code or its label in Polish or English."""
    wanted = value.strip().lower()
    for code, label in form_field.choices:
        if str(code).lower() == wanted:
            return code
        for language in ("pl", "en"):
            with translation.override(language):
                if str(label).lower() == wanted:
                    return code
    return value  # left for the form to reject with its own message


def _names(value: str, table: dict, what: str, errors: list[str]) -> list:
    found = []
    for name in filter(None, (part.strip() for part in value.split(LIST_SEPARATOR))):
        pk = table.get(name.lower())
        if pk is None:
            errors.append(_("unknown %(what)s “%(name)s”") % {"what": what, "name": name})
        else:
            found.append(pk)
    return found


def _row_form(form_class, model, columns_to_fields, row, lookup, errors):
    probe = lookup.probes.setdefault(form_class, form_class())
    data = {}
    for column, value in row.items():
        name = columns_to_fields.get(column, column)
        if column == "id" or name not in probe.fields:
            continue
        form_field = probe.fields[name]
        if name == "is_public":
            if value.lower() not in TRUE | FALSE:
                errors.append(_("“public” must be tak or nie, not “%(value)s”") % {"value": value})
            data[name] = value.lower() in TRUE
        elif name == "target_groups":
            data[name] = _names(value, lookup.target_groups, _("target group"), errors)
        elif name == "areas":
            data[name] = _names(value, lookup.areas, _("area"), errors)
        elif name == "initiatives":
            data[name] = _names(value, lookup.initiatives, _("initiative"), errors)
        elif name == "resources":
            data[name] = [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
        elif name == "area" and value:
            data[name] = _names(value, lookup.areas, _("area"), errors)[:1] or [""]
            data[name] = data[name][0]
        elif name == "organisation" and value:
            data[name] = lookup.organisations.get(value.lower(), "")
            if not data[name]:
                errors.append(
                    _("unknown organisation “%(name)s” (add it to the catalogue first)")
                    % {"name": value}
                )
        elif name in ("latitude", "longitude"):
            data[name] = value.replace(",", ".")
        elif name in ("deadline", "verified_on", "identified_on"):
            data[name] = parse_date(value)
        elif hasattr(form_field, "choices") and value:
            data[name] = _choice(form_field, value)
        else:
            data[name] = value
    instance = None
    if row.get("id"):
        digits = re.fullmatch(r"[0-9]{1,18}", row["id"])
        instance = model.objects.filter(pk=int(row["id"])).first() if digits else None
        if instance is None:
            errors.append(_("no record with id %(id)s to update") % {"id": row["id"]})
        else:
            # Columns left out of the file keep their current values.
            current = model_to_dict(instance, fields=list(probe.fields))
            for name, value in current.items():
                if isinstance(value, list):
                    current[name] = [getattr(item, "pk", item) for item in value]
            data = {**current, **data}
    else:
        # A new record: columns left out (or left empty) take the model's defaults.
        for name in probe.fields:
            model_field = model._meta.get_field(name)
            if data.get(name) in (None, "") and model_field.has_default():
                data[name] = model_field.get_default()
    return form_class(data=data, instance=instance)


# The forms' messages that speak to a person typing into them ("Please give a Polish number, or
# an e-mail address instead"), said instead about the cell of the file, with what it holds.
FILE_MESSAGES = {
    "phone_foreign": gettext_lazy(
        "“%(value)s” is not a Polish number, and the centre calls only Polish ones (+48): "
        "correct the cell or leave it empty"
    ),
    "phone_invalid": gettext_lazy(
        "“%(value)s” is not a valid Polish phone number (9 digits, e.g. 601 234 567 or "
        "61 283 00 00, with or without +48)"
    ),
}


def _form_errors(form, row: dict, columns: list[str], columns_to_fields: dict) -> list[str]:
    """A row's form errors as the import reports them: each with its field's label and the
    file's column ("Phone (column “phone”): …"), in words about the file where the form's own
    words are meant for someone filling it in (``FILE_MESSAGES``)."""
    column_of = {name: column for column, name in columns_to_fields.items()}
    reported = []
    for name, errors in form.errors.as_data().items():
        column = column_of.get(name, name)
        where = ""
        if name in form.fields:
            where = str(form.fields[name].label or "")
            if column in columns:
                where = _("%(label)s (column “%(column)s”)") % {"label": where, "column": column}
        for error in errors:
            if error.code in FILE_MESSAGES:
                message = str(FILE_MESSAGES[error.code]) % {"value": row.get(column, "")}
            else:
                message = " ".join(error.messages).rstrip(".")
            reported.append(f"{where}: {message}" if where else message)
    return reported


def _import(
    raw: bytes, *, form_class, model, columns, required, columns_to_fields, may_update: bool
) -> ImportResult:
    try:
        rows = read_rows(raw, columns, required)
    except ImportFileError as error:
        return ImportResult(errors=[str(error)])
    lookup = _Lookup()
    result = ImportResult()
    forms = []
    for number, row in rows:
        if "__error__" in row:
            result.errors.append(
                _("Row %(number)s: %(errors)s.") % {"number": number, "errors": row["__error__"]}
            )
            continue
        errors: list[str] = []
        if row.get("id") and not may_update:
            result.errors.append(
                _("Row %(number)s: you may add records but not change them; leave “id” empty.")
                % {"number": number}
            )
            continue
        form = _row_form(form_class, model, columns_to_fields, row, lookup, errors)
        if not errors and not form.is_valid():
            errors.extend(_form_errors(form, row, columns, columns_to_fields))
        if errors:
            result.errors.append(
                _("Row %(number)s: %(errors)s.") % {"number": number, "errors": "; ".join(errors)}
            )
        else:
            forms.append(form)
    if result.errors:
        return result
    with transaction.atomic():
        for form in forms:
            if form.instance.pk:
                result.updated += 1
            else:
                result.created += 1
            form.save()
    return result


def import_resources(raw: bytes, *, may_update: bool = True) -> ImportResult:
    return _import(
        raw,
        may_update=may_update,
        form_class=ResourceForm,
        model=Resource,
        columns=RESOURCE_COLUMNS,
        required=RESOURCE_REQUIRED,
        columns_to_fields=RESOURCE_FIELDS,
    )


def import_needs(raw: bytes, *, may_update: bool = True) -> ImportResult:
    return _import(
        raw,
        may_update=may_update,
        form_class=NeedForm,
        model=Need,
        columns=NEED_COLUMNS,
        required=NEED_REQUIRED,
        columns_to_fields=NEED_FIELDS,
    )
