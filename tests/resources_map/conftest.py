from decimal import Decimal

import pytest
from django.utils import timezone

from resources_map.models import (
    Area,
    AreaKind,
    FoundBy,
    Need,
    ReportKind,
    ResidentReport,
    Resource,
    ResourceClass,
    ResourceKind,
)

# A point in the middle of Śrem, inside the default MAP_BOUNDS.
SREM = (Decimal("52.088900"), Decimal("17.015000"))


@pytest.fixture
def area(db):
    return Area.objects.create(
        name="Centrum",
        kind=AreaKind.DISTRICT,
        latitude=SREM[0],
        longitude=SREM[1],
        population_total=7800,
        population_60_plus=2450,
        population_55_plus=3050,
        population_children=1150,
        population_year=2025,
    )


def make_resource(**fields) -> Resource:
    target_groups = fields.pop("target_groups", [])
    defaults = {
        "name": "Sala w bibliotece",
        "resource_class": ResourceClass.MATERIAL,
        "kind": ResourceKind.ROOM,
        "latitude": SREM[0],
        "longitude": SREM[1],
        "is_public": True,
    }
    resource = Resource.objects.create(**{**defaults, **fields})
    resource.target_groups.set(target_groups)
    return resource


def make_need(areas, **fields) -> Need:
    defaults = {
        "title": "Osamotnienie seniorów",
        "description": "Seniorzy rzadko wychodzą z domu.",
        "found_by": FoundBy.SURVEY,
    }
    need = Need.objects.create(**{**defaults, **fields})
    need.areas.set(areas)
    return need


def make_report(**fields) -> ResidentReport:
    defaults = {
        "kind": ReportKind.NEED,
        "description": "Brakuje ławek przy przychodni.",
        "name": "Zofia",
        "phone": "600100200",
        "consent_given_at": timezone.now(),
    }
    return ResidentReport.objects.create(**{**defaults, **fields})
