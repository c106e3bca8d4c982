"""Writing and trimming the audit trail (PRIVACY.md §6 accountability, §1 "audit trail 3 years",
§2 "anonymisation touches every copy").

Two kinds of entries make the trail: django-auditlog's ``LogEntry`` (who created, changed or
deleted personal data; see ``calportal.audit.tracking``) and ``AccessEvent`` (who opened it).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from calportal.audit.models import Access, AccessEvent

# Stored in a forgotten LogEntry's ``additional_data``: the page says "data removed".
FORGOTTEN = {"data_removed": True}


def _label(model) -> str:
    return model._meta.label_lower


def record_access(user, action: str, obj=None, *, detail: str = "", group=None) -> None:
    """Write one access event: ``user`` opened ``obj`` (PRIVACY.md §6; the self-help log's idea
    for the whole portal).

    ``action`` is one of ``Access`` (a ``ValueError`` otherwise — a typo must not go unlogged
    silently). ``obj`` is a model instance, a ``(model class or "app.model" label, pk)`` pair,
    or None for a list page. ``detail`` names the file or format ("csv", "xlsx") and must never
    hold personal data; ``group`` is the self-help group when the access concerns one. Anonymous
    users are not recorded (the views that call this require a login). One INSERT.
    """
    if action not in Access.values:
        raise ValueError(f"Unknown access action: {action!r}")
    if user is None or not user.is_authenticated:
        return
    object_type, object_id = "", None
    if isinstance(obj, models.Model):
        object_type, object_id = _label(obj), obj.pk
    elif obj is not None:
        model, object_id = obj
        object_type = model if isinstance(model, str) else _label(model)
    AccessEvent.objects.create(
        user=user,
        action=action,
        object_type=object_type.lower(),
        object_id=object_id,
        group=group,
        detail=detail[:200],
    )


def _pks_by_model(objects: Iterable) -> dict:
    grouped: dict = defaultdict(set)
    for item in objects:
        if isinstance(item, models.Model):
            grouped[type(item)._meta.concrete_model].add(item.pk)
        else:
            model, pks = item
            if isinstance(model, str):
                from django.apps import apps

                model = apps.get_model(model)
            if isinstance(pks, models.QuerySet):
                pks = pks.values_list("pk", flat=True)
            elif not isinstance(pks, Iterable) or isinstance(pks, (str, bytes)):
                pks = [pks]
            grouped[model._meta.concrete_model].update(pks)
    return grouped


def forget(objects) -> int:
    """Make the audit entries of ``objects`` unreadable as personal data (PRIVACY.md §2: the
    anonymisation reaches the audit trail too; art. 17 erasure).

    ``objects``: model instances and/or ``(model class or label, pks)`` pairs, where ``pks`` is
    one pk, an iterable of pks or a queryset. Call it inside the transaction that anonymises or
    deletes the rows, before or after: entries auditlog writes about those objects later in
    the same transaction (the anonymising save, the delete) are stored already cleared (see
    ``scrub_if_forgotten``). Every auditlog ``LogEntry`` of those objects loses its
    changed values, object representation, serialized data and address; it keeps the action,
    actor, time and kind of record, and is marked "data removed". For a user account (a staff
    account being pseudonymised) the e-mail auditlog copied into the entries of its actions is
    cleared too. Access events hold ids only and need nothing. Returns how many log entries
    were cleared. One UPDATE per model (two for accounts).
    """
    cleared = 0
    with transaction.atomic():
        for model, pks in _pks_by_model(objects).items():
            if not pks:
                continue
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
            _remember_forgotten(content_type.pk, pks)
            cleared += LogEntry.objects.filter(
                content_type=content_type, object_pk__in=[str(pk) for pk in pks]
            ).update(
                changes=None,
                changes_text="",
                object_repr="",
                serialized_data=None,
                additional_data=FORGOTTEN,
                remote_addr=None,
                remote_port=None,
                actor_email=None,
            )
            if issubclass(model, get_user_model()):
                LogEntry.objects.filter(actor__in=pks).exclude(actor_email=None).update(
                    actor_email=None
                )
    return cleared


# --- Entries written after forget() in the same transaction -------------------------------------


def _forgotten_keys() -> set | None:
    """The (content type id, object pk) pairs forgotten in the current transaction, or None
    outside one. Kept on the connection for its outermost atomic block only."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    outermost = connection.atomic_blocks[0]
    state = getattr(connection, "_audit_forgotten", None)
    if state is None or state[0] is not outermost:
        state = (outermost, set())
        connection._audit_forgotten = state
    return state[1]


def _remember_forgotten(content_type_id: int, pks) -> None:
    keys = _forgotten_keys()
    if keys is not None:
        keys.update((content_type_id, str(pk)) for pk in pks)


def scrub_if_forgotten(entry: LogEntry) -> None:
    """Called before auditlog saves ``entry``: when its object was forgotten earlier in this
    transaction (the delete or the anonymising save that follows ``forget``), store it
    already cleared."""
    keys = _forgotten_keys()
    if keys and (entry.content_type_id, str(entry.object_pk)) in keys:
        entry.changes = None
        entry.changes_text = ""
        entry.object_repr = ""
        entry.serialized_data = None
        entry.additional_data = FORGOTTEN


def purge_older_than(cutoff: datetime.datetime) -> int:
    """Delete audit entries (change log and access log, the self-help groups' included) older
    than ``cutoff``, an aware datetime (PRIVACY.md §1: kept 3 years; the retention task passes
    now − the rule's period). Entries at ``cutoff`` or later stay. Returns how many rows were
    deleted in total. Two DELETE statements.
    """
    with transaction.atomic():
        changes, _by_model = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
        accesses, _by_model = AccessEvent.objects.filter(at__lt=cutoff).delete()
    return changes + accesses
