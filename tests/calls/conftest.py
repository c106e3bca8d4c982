import pytest

from calportal.calls import services
from tests.selfhelp.conftest import facilitator, make_group, overseer  # noqa: F401, F811


@pytest.fixture
def selfhelp_coordinator(overseer):  # noqa: F811
    """OPS staff who oversee every self-help group: still never see a group's calls."""
    return overseer


@pytest.fixture
def group(facilitator):  # noqa: F811
    return make_group(facilitator)


_numbers = iter(range(10_000_000))


def add_item(reason="promoted", *, name=None, phone=None, script=None, **scope):
    """A call-list item added the way the apps add them; a fresh key and number each time."""
    number = next(_numbers)
    return services.add(
        reason,
        name=name or f"Zofia Testowa {number}",
        phone=phone or f"60{number % 10_000_000:07d}",
        key=f"test:{number}",
        script=script or f"Dzień dobry, dzwonię z OPS w sprawie {number}.",
        **scope,
    )
