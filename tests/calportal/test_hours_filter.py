"""Hours on pages and in documents: trimmed, in the page's language."""

from decimal import Decimal

import pytest
from django.utils import translation

from calportal.templatetags.portal import hours


@pytest.mark.parametrize(
    ("value", "polish", "english"),
    [
        (1.5, "1,5", "1.5"),
        (Decimal("2.00"), "2", "2"),
        (Decimal("1.25"), "1,25", "1.25"),
        (10, "10", "10"),
        (None, "", ""),
    ],
)
def test_hours_are_trimmed_and_written_in_the_page_language(value, polish, english):
    assert hours(value) == polish
    with translation.override("en"):
        assert hours(value) == english
