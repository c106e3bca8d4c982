"""After erasing a person present in every app, nothing of their name, e-mail or phone is
left anywhere: in any text, char or JSON column of any table (the audit trail and the e-mail
outbox included) or in any stored file — while R1's figures for the year before are the same.

The data-subject request register (``privacy.SubjectRequest``) is the one place that keeps a
requester's name and contact on purpose (to answer, art. 5(2) and 12 GDPR); this erasure is
made without one, so nothing is excluded from the search.
"""

import datetime
import json
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from calportal.privacy import erasure
from calportal.reports.figures import Scope
from calportal.reports.periods import Period
from calportal.reports.registry import Request, get_kind
from tests.privacy.test_erasure import (
    NOW,
    TRACES,
    person_everywhere,
    private_files,  # noqa: F401  (a fixture)
)

YEAR_BEFORE = Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def text_columns():
    """(model, field) for every text-like column of every concrete table."""
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        for field in meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                yield model, field


def found_in_database(traces: list[str]) -> list[str]:
    """'app.model.field: trace' for every column holding one of ``traces`` (case aside). One
    query per table."""
    by_model: dict = {}
    for model, field in text_columns():
        by_model.setdefault(model, []).append(field)
    hits = []
    for model, fields in by_model.items():
        annotations = {f"_t{i}": Cast(field.attname, TextField()) for i, field in enumerate(fields)}
        condition = Q(pk__in=[])
        for i in range(len(fields)):
            for trace in traces:
                condition |= Q(**{f"_t{i}__icontains": trace})
        rows = model._base_manager.annotate(**annotations).filter(condition)
        for row in rows.values(*annotations):
            for i, field in enumerate(fields):
                text = (row[f"_t{i}"] or "").lower()
                for trace in traces:
                    if trace.lower() in text:
                        hits.append(f"{model._meta.label}.{field.name}: {trace}")
    return hits


def found_in_files(traces: list[str]) -> list[str]:
    hits = []
    for root in {Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)}:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if path.is_file():
                content = path.read_bytes().lower()
                hits += [f"{path}: {t}" for t in traces if t.lower().encode() in content]
    return hits


def r1_of_2025() -> dict:
    dataset = get_kind("R1").build(
        Request(
            kind="R1",
            period=YEAR_BEFORE,
            comparison=None,
            scope=Scope(),
            variant="internal",
            language="pl",
            today=NOW.date(),
        )
    )
    dataset.pop("data_as_of", None)
    return json.loads(json.dumps(dataset, default=str))


@pytest.mark.usefixtures("private_files")
def test_nothing_of_the_person_is_left_and_r1_is_the_same(
    staff,
    organisation_a,
    organisation_b,
    data_officer,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        world = person_everywhere(staff=staff, lead=organisation_a, partner=organisation_b)
    with time_machine.travel(NOW, tick=True):
        assert found_in_database(TRACES), "the search must see her before the erasure"
        assert found_in_files(TRACES)
        before = r1_of_2025()

        with django_capture_on_commit_callbacks(execute=True):
            record = erasure.erase(world.matches, user=data_officer)

        assert found_in_database(TRACES) == []
        assert found_in_files(TRACES) == []
        assert r1_of_2025() == before
    assert (
        record.erased["emails"] >= 1
    )  # the office e-mail scrubbed (the rest went with the anonymisation)
    assert record.erased["files"] == 1
