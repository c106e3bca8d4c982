"""A group's maximum size cannot be lowered below the members it has."""

from selfhelp.forms import GroupForm
from tests.selfhelp.conftest import make_member


def _data(group, max_size: int) -> dict:
    return {
        "name": group.name,
        "slug": group.slug,
        "topic": group.topic,
        "description": group.description,
        "who_for": group.who_for,
        "place": group.place,
        "weekday": group.weekday,
        "starts_at": "17:00",
        "duration_minutes": group.duration_minutes,
        "frequency": group.frequency,
        "max_size": max_size,
        "accepts_members": "on",
        "status": group.status,
    }


def test_the_size_cannot_go_below_the_current_members(group):
    for name in ("Halina", "Irena", "Jerzy"):
        make_member(group, name=name)

    too_small = GroupForm(_data(group, 2), instance=group)
    enough = GroupForm(_data(group, 3), instance=group)

    assert "max_size" in too_small.errors
    assert enough.is_valid(), enough.errors
