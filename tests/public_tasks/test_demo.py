"""The demo public task (loaded by ``load_demo_data``)."""

import pytest

from calportal.public_tasks.demo import public_tasks_demo_load
from calportal.public_tasks.models import PublicTask
from tests.factories import InitiativeFactory, OrganisationFactory


@pytest.mark.django_db
def test_the_demo_task_is_loaded_once_for_the_partner_ngo():
    from initiatives.demo import HISTORY_SLUG

    nadzieja = OrganisationFactory(name="TPP „Nadzieja”")
    assert public_tasks_demo_load({"nadzieja": nadzieja}) is None  # no café yet
    cafe = InitiativeFactory(slug=HISTORY_SLUG)
    task = public_tasks_demo_load({"nadzieja": nadzieja})
    assert task.organisation == nadzieja and list(task.initiatives.all()) == [cafe]
    assert task.results.count() == 5 and task.actions.count() == 2
    assert task.cost_lines.filter(kind="administrative").count() == 1
    task.full_clean()
    assert public_tasks_demo_load({"nadzieja": nadzieja}) is None  # idempotent
    assert PublicTask.objects.count() == 1
