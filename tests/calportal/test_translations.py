import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[2] / "locale" / "pl" / "LC_MESSAGES" / "django.po"


def assert_complete(catalogue: Path) -> None:
    """No entry of the catalogue is untranslated or fuzzy."""

    def entries(flag: str) -> str:
        return subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(catalogue)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    untranslated, fuzzy = entries("--untranslated"), entries("--only-fuzzy")
    # msgattrib prints only the header when nothing matches.
    assert untranslated.count('msgid "') <= 1, untranslated
    assert fuzzy.count('msgid "') == 0, fuzzy


@pytest.mark.skipif(not shutil.which("msgattrib"), reason="gettext is not installed")
def test_every_polish_message_is_translated_and_none_is_fuzzy():
    assert_complete(PO)


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is not installed")
def test_no_text_in_the_code_is_missing_from_the_polish_catalogue(tmp_path):
    """Extract the messages afresh (in a copy of the project) and find none untranslated."""
    root = PO.parents[3]
    # Every Python package of the project (each app) plus the templates and the catalogue.
    names = [
        path.name
        for path in root.iterdir()
        if (path / "__init__.py").exists() and path.name != "tests"
    ] + ["templates", "locale"]
    for name in names:
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(root / "manage.py", tmp_path / "manage.py")

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "pl", "--no-obsolete", "-v", "0"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**os.environ, "VAR_DIR": str(tmp_path / "var")},
    )
    fresh = tmp_path / "locale" / "pl" / "LC_MESSAGES" / "django.po"
    assert_complete(fresh)
