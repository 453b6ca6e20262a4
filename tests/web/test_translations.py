"""The Chinese catalogue is complete: every string the code and templates mark for translation
has a Chinese translation (none missing, none fuzzy), and the compiled catalogue Django reads is
the one its source compiles to."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
# GNU gettext's tools, which makemessages and compilemessages run too.
MSGCMP = shutil.which("msgcmp") or "msgcmp"
MSGFMT = shutil.which("msgfmt") or "msgfmt"
SOURCES = ("core", "accounts", "methodologies", "certificates", "compute", "registry", "web")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """The strings marked today, extracted by `makemessages` from a copy of the sources (it
    would otherwise rewrite the committed catalogue)."""
    root = tmp_path_factory.mktemp("messages")
    for name in SOURCES:
        shutil.copytree(
            settings.BASE_DIR / name,
            root / name,
            ignore=shutil.ignore_patterns("__pycache__", "migrations", "locale"),
        )
    shutil.copytree(settings.BASE_DIR / "config", root / "config")
    shutil.copy(settings.BASE_DIR / "manage.py", root / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "zh_Hans", "--no-location"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return root / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_marked_string_has_a_chinese_translation(extracted):
    # msgcmp counts a message missing when the catalogue lacks it, leaves it untranslated or
    # marks it fuzzy.
    result = subprocess.run(  # noqa: S603 - fixed argv, gettext's own tool
        [MSGCMP, str(CATALOGUE / "django.po"), str(extracted)], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr[-4000:]


def test_the_compiled_catalogue_is_compiled_from_its_source(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603 - fixed argv, gettext's own tool
        [MSGFMT, "--check-format", "-o", str(compiled), str(CATALOGUE / "django.po")],
        check=True,
    )

    assert compiled.read_bytes() == (CATALOGUE / "django.mo").read_bytes()
