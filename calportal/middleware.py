"""Characters PostgreSQL refuses in text never reach a view through the address.

A NUL byte (and an unpaired surrogate, which no UTF-8 encoder will write) in a text column or a
query makes PostgreSQL raise, and the visitor would see a server error. Django's
``forms.CharField`` already refuses them in posted text and ``calportal.forms`` covers the other
form fields; this middleware covers what views read directly: the path (``<str:token>``) and
the query string, keys and values. Such a request gets a 400 page saying what was wrong.
"""

import re

from django.shortcuts import render

# NUL, and the surrogate code points (what ``\\ud800`` in a JSON body or a raw query decodes to).
REFUSED_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def contains_refused_characters(value: str) -> bool:
    return bool(REFUSED_CHARACTERS.search(value))


class RefuseUnstorableCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._is_hostile(request):
            return render(request, "hostile_input.html", status=400)
        return self.get_response(request)

    @staticmethod
    def _is_hostile(request) -> bool:
        if contains_refused_characters(request.path_info):
            return True
        return any(
            contains_refused_characters(key)
            or any(contains_refused_characters(value) for value in values)
            for key, values in request.GET.lists()
        )
