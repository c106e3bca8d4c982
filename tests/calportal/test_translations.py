import shutil
import subprocess
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[2] / "locale" / "pl" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(not shutil.which("msgattrib"), reason="gettext is not installed")
def test_every_polish_message_is_translated_and_none_is_fuzzy():
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(PO)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(PO)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    # msgattrib prints only the header when nothing matches.
    assert untranslated.count('msgid "') <= 1, untranslated
    assert fuzzy.count('msgid "') == 0, fuzzy
