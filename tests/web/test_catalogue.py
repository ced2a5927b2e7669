"""The English catalogue is complete: every string the code and templates mark for translation has an English
text, none is fuzzy, and the compiled catalogue Django reads is the one the .po file gives.

The strings are gathered the way a translator gathers them (``makemessages``), into a copy of locale/, so a
string added without its English fails here, naming it, instead of showing Chinese in the English UI."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
IGNORED = (".venv/*", "node_modules/*", "tests/*", "bench/*", "docs/*", "staticfiles/*", "media/*")
# makemessages writes each file's strings to the locale folder beside it, so it runs in a folder of links to the
# project's sources next to the copy of locale/, and the project's own catalogue is never touched.
GATHER = """
import sys
sys.path.insert(0, sys.argv[1])
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
settings.LOCALE_PATHS = [sys.argv[2]]
call_command("makemessages", locale=["en"], symlinks=True, ignore_patterns=sys.argv[3:], verbosity=0)
"""


def _msgattrib(po: Path, *flags: str) -> list[str]:
    """The msgids msgattrib selects with ``flags``, one per entry (a long msgid is written over several lines, its
    first being ``msgid ""``: each is read whole)."""
    out = subprocess.run(["msgattrib", *flags, "--no-obsolete", str(po)], capture_output=True, text=True, check=True)
    msgids: list[str] = []
    current: list[str] | None = None
    for line in out.stdout.splitlines():
        if line.startswith("msgid "):
            current = [line.removeprefix("msgid ").strip('"')]
        elif current is not None and line.startswith('"'):
            current.append(line.strip('"'))
        elif current is not None:
            msgids.append("".join(current))
            current = None
    if current is not None:
        msgids.append("".join(current))
    return [msgid for msgid in msgids if msgid]  # the header's msgid is empty


def test_every_marked_string_has_its_english(tmp_path):
    base = Path(settings.BASE_DIR)
    for entry in base.iterdir():
        if entry.name != "locale" and not entry.name.startswith("."):
            (tmp_path / entry.name).symlink_to(entry)
    project_po = (LOCALE / "en" / "LC_MESSAGES" / "django.po").read_bytes()
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE, copy)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "revitalization.settings"}
    subprocess.run(
        [sys.executable, "-c", GATHER, str(base), str(copy), *IGNORED], cwd=tmp_path, env=environment, check=True
    )
    assert (LOCALE / "en" / "LC_MESSAGES" / "django.po").read_bytes() == project_po
    po = copy / "en" / "LC_MESSAGES" / "django.po"
    assert _msgattrib(po, "--untranslated") == []
    assert _msgattrib(po, "--only-fuzzy") == []


def test_the_compiled_catalogue_is_the_po_file(tmp_path):
    compiled = tmp_path / "django.mo"
    source = LOCALE / "en" / "LC_MESSAGES" / "django.po"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(source)], check=True)
    assert compiled.read_bytes() == (LOCALE / "en" / "LC_MESSAGES" / "django.mo").read_bytes()
