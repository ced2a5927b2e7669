"""LibreOffice for the tests that check files against a second, independent office suite: ``soffice --headless
--convert-to`` with a throwaway profile (two conversions at once must not share one)."""

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest


def soffice_convert(source: Path, out: Path, target: str) -> None:
    """Convert ``source`` into the folder ``out`` with the filter ``target`` ("xlsx:Calc MS Excel 2007 XML",
    "csv:Text - txt - csv (StarCalc):…"); fails the test, never skips it, when LibreOffice is missing."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed: apt-get install -y libreoffice-calc-nogui (provides soffice)")
    profile = Path(f"/tmp/lo-profile-{uuid.uuid4().hex}")  # noqa: S108 - a throwaway profile, removed below
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
             "--outdir", str(out), str(source)],
            check=True,
            capture_output=True,
            timeout=300,
        )  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)
