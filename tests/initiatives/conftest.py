import pytest

from initiatives import services
from tests.factories import EventFactory


@pytest.fixture
def event(db):
    return EventFactory(title="Warsztaty ceramiczne", capacity=3)


def person(n: int, **overrides) -> services.PersonData:
    return services.PersonData(
        first_name="Jan",
        last_name=f"Łęcki{n}",
        email=overrides.pop("email", f"jan{n}@example.org"),
        **overrides,
    )


def signup_data(**overrides) -> dict:
    return {
        "first_name": "Grażyna",
        "last_name": "Żółkiewska",
        "email": "grazyna@example.org",
        "phone": "",
        "companions": "0",
        "accessibility_needs": "",
        "consent": "on",
        "hp_check": "",
        **overrides,
    }


def pl(message: str, **values) -> str:
    """The Polish text of ``message``; fails if it has no translation."""
    from django.utils import translation

    with translation.override("pl"):
        translated = translation.gettext(message)
    assert translated != message, f"not translated: {message}"
    return translated % values if values else translated
