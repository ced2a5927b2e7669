"""Reading an exported workbook back: through the pages (the user's newest export), with python-calamine, and as
LibreOffice shows it."""

import csv
import io
from pathlib import Path
from typing import Any

from django.urls import reverse
from python_calamine import CalamineWorkbook

from ledgers.models import LedgerExport
from tests.office import soffice_convert


def export(client: Any, code: str, **filters: str) -> tuple[LedgerExport, bytes]:
    """Start an export on the ledgers page and download it: the user's newest export."""
    response = client.post(reverse("ledgers:export-start"), {"ledger": code, **filters})
    assert response.status_code == 302, response.content.decode()[:500]
    export = LedgerExport.objects.order_by("-pk").first()
    assert export is not None
    assert response["Location"] == export.get_absolute_url()
    download = client.get(reverse("ledgers:export-download", args=[export.pk]))
    assert download.status_code == 200
    return export, b"".join(download.streaming_content)


def calamine_sheets(content: bytes) -> dict[str, list[list[Any]]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in workbook.sheet_names}


def libreoffice_sheets(content: bytes, tmp_path: Path) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice shows it (``--convert-to csv``, all sheets, cell contents as shown)."""
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(content)
    out = tmp_path / "csv"
    # comma, double quote, UTF-8, from line 1, ..., "save cell contents as shown", every sheet (-1)
    soffice_convert(source, out, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1")
    sheets = {}
    for path in out.glob("ledger-*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[path.stem.removeprefix("ledger-")] = list(csv.reader(handle))
    if not sheets:  # one sheet: LibreOffice names the file after the workbook only
        with (out / "ledger.csv").open(encoding="utf-8", newline="") as handle:
            sheets[""] = list(csv.reader(handle))
    return sheets
