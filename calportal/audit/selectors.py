"""Reading the audit trail for the DPO's page (PRIVACY.md §6): changes (auditlog) and openings
(AccessEvent) as one list, newest first, in a constant number of queries per page."""

import datetime
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, F, Value
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calportal.audit.models import AccessEvent
from calportal.audit.tracking import MASK, SPEC

# What auditlog's actions are called on the page (its own labels are not translated).
ACTIONS = {
    LogEntry.Action.CREATE: gettext_lazy("Created"),
    LogEntry.Action.UPDATE: gettext_lazy("Changed"),
    LogEntry.Action.DELETE: gettext_lazy("Deleted"),
    LogEntry.Action.ACCESS: gettext_lazy("Opened"),
}
# The details the portal writes with an access event, in words (others are shown as written).
DETAILS = {
    "prepared": gettext_lazy("package prepared"),
    "downloaded by staff": gettext_lazy("downloaded by staff"),
    "prepared large print": gettext_lazy("package prepared in large print"),
}

CHANGE = "change"
OPENED = "opened"
PAGE_SIZE = 50

# Kinds of record that access events name besides the tracked models.
OPENED_MODELS = (
    "initiatives.Event",
    "selfhelp.Group",
    "selfhelp.Meeting",
    "documents.Document",
)


def model_choices() -> list[tuple[str, str]]:
    """(label, verbose name) of every kind of record the trail can name; no query."""
    choices = {}
    for label in (*SPEC, *OPENED_MODELS):
        model = apps.get_model(label)
        choices[model._meta.label_lower] = str(model._meta.verbose_name).capitalize()
    return sorted(choices.items(), key=lambda item: item[1])


def _rows(*, date_from=None, date_to=None, user=None, kind="", model=""):
    changes = LogEntry.objects.annotate(
        row_kind=Value(CHANGE, output_field=CharField()),
        row_id=F("pk"),
        row_at=F("timestamp"),
        row_user=F("actor_id"),
    )
    opened = AccessEvent.objects.annotate(
        row_kind=Value(OPENED, output_field=CharField()),
        row_id=F("pk"),
        row_at=F("at"),
        row_user=F("user_id"),
    )
    if date_from:
        changes = changes.filter(timestamp__date__gte=date_from)
        opened = opened.filter(at__date__gte=date_from)
    if date_to:
        changes = changes.filter(timestamp__date__lte=date_to)
        opened = opened.filter(at__date__lte=date_to)
    if user:
        changes = changes.filter(actor=user)
        opened = opened.filter(user=user)
    if model:
        app_label, _dot, model_name = model.partition(".")
        changes = changes.filter(content_type__app_label=app_label, content_type__model=model_name)
        opened = opened.filter(object_type=model)
    columns = ("row_kind", "row_id", "row_at", "row_user")
    # No ordering inside the parts: SQLite refuses ORDER BY in a compound statement's parts.
    changes = changes.values_list(*columns).order_by()
    opened = opened.values_list(*columns).order_by()
    if kind == CHANGE:
        return changes.order_by("-row_at", "-row_id")
    if kind == OPENED:
        return opened.order_by("-row_at", "-row_id")
    return changes.union(opened, all=True).order_by("-row_at", "-row_id")


@dataclass
class TrailRow:
    kind: str
    at: datetime.datetime
    user: object
    what: str
    record: str = ""
    # [{"label", "old", "new", "both": shown as old → new, "masked": shown as "changed"}]
    fields: list = field(default_factory=list)
    data_removed: bool = False
    detail: str = ""


def _record_name(label: str, pk) -> str:
    if not label:
        return f"#{pk}" if pk else ""
    try:
        verbose = str(apps.get_model(label)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        verbose = label
    return f"{verbose} #{pk}" if pk else verbose


def _model_field(model, name: str):
    """The concrete field ``name`` of ``model``, or None (reverse relations, the primary key,
    fields since removed): the page leaves those out."""
    try:
        model_field = model._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        return None
    if not model_field.concrete or model_field.primary_key:
        return None
    return model_field


def _shown(model_field, value) -> str:
    """A changed value as staff read it: choices by their label, yes/no, local date and time,
    a linked record as "Kind #id"; the text auditlog stored otherwise."""
    if value in (None, "None", ""):
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if str(value) == "True" else _("no")
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, datetime.UTC)
            return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if model_field.is_relation and model_field.related_model is not None:
        return _record_name(model_field.related_model._meta.label_lower, value)
    return str(value)


def _change_row(entry: LogEntry, users: dict) -> TrailRow:
    model = entry.content_type.model_class()
    label = model._meta.label if model else ""
    masked = set(SPEC.get(label, {}).get("mask_fields", ()))
    row = TrailRow(
        kind=CHANGE,
        at=entry.timestamp,
        user=users.get(entry.actor_id),
        what=str(ACTIONS.get(entry.action, entry.get_action_display())),
        record=_record_name(model._meta.label_lower if model else "", entry.object_pk),
        data_removed=bool(entry.additional_data and entry.additional_data.get("data_removed")),
    )
    for name, values in sorted((entry.changes or {}).items()):
        model_field = _model_field(model, name)
        if model_field is None:
            continue
        label = str(model_field.verbose_name).capitalize()
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation", "objects"}
            sign = "+" if values.get("operation") == "add" else "−"
            row.fields.append({"label": label, "new": f"{sign} " + ", ".join(values["objects"])})
            continue
        old, new = (list(values) + ["", ""])[:2]
        if name in masked or MASK in (old, new):
            row.fields.append({"label": label, "masked": True})
            continue
        old, new = _shown(model_field, old), _shown(model_field, new)
        if old or new:
            row.fields.append({"label": label, "old": old, "new": new, "both": True})
    return row


def _opened_row(event: AccessEvent, users: dict) -> TrailRow:
    record = _record_name(event.object_type, event.object_id)
    if event.group_id:
        record = (f"{record}, " if record else "") + _("self-help group #%(id)s") % {
            "id": event.group_id
        }
    return TrailRow(
        kind=OPENED,
        at=event.at,
        user=users.get(event.user_id),
        what=event.get_action_display(),
        record=record,
        detail=str(DETAILS.get(event.detail, event.detail)),
    )


def trail_page(page_number, **filters) -> tuple[Page, list[TrailRow]]:
    """One page of the trail with the filters of ``TrailFilterForm`` (date_from, date_to: local
    dates, inclusive; user; kind: "change"/"opened"/""; model: "app.model"). Five queries
    whatever the page size: count, the page's ids, its changes, its openings, its users."""
    page = Paginator(_rows(**filters), PAGE_SIZE).get_page(page_number)
    keys = list(page.object_list)
    change_ids = [pk for kind, pk, _at, _user in keys if kind == CHANGE]
    opened_ids = [pk for kind, pk, _at, _user in keys if kind == OPENED]
    user_ids = {user for _kind, _pk, _at, user in keys if user}
    changes = (
        LogEntry.objects.select_related("content_type").in_bulk(change_ids) if change_ids else {}
    )
    opened = AccessEvent.objects.in_bulk(opened_ids) if opened_ids else {}
    users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
    rows = []
    for kind, pk, _at, _user in keys:
        if kind == CHANGE and pk in changes:
            rows.append(_change_row(changes[pk], users))
        elif kind == OPENED and pk in opened:
            rows.append(_opened_row(opened[pk], users))
    return page, rows
