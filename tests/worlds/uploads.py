"""Hostile workbooks for the upload tests: a shared-strings bomb and a sheet of empty rows, each a few hundred KB
packed and tens of MB unpacked, written part by part so the test itself never holds the unpacked size."""

import io
import zipfile

from openpyxl import Workbook


def _workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "农户成员"
    sheet.append(["户编号", "身份证号"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def bloated(part: str, *, unpacked_mb: int, chunk: bytes) -> bytes:
    """A valid workbook whose ``part`` is replaced by ``unpacked_mb`` MB of ``chunk`` repeated."""
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info, source.read(info.filename))
        with target.open(part, "w") as handle:
            piece = chunk * (1024 * 1024 // len(chunk))
            for _ in range(unpacked_mb):
                handle.write(piece)
    return out.getvalue()


def strings_bomb(unpacked_mb: int = 85) -> bytes:
    """The shared-strings bomb of the security probe: one string repeated until the part is ``unpacked_mb`` MB."""
    return bloated("xl/sharedStrings.xml", unpacked_mb=unpacked_mb, chunk=b"<si><t>aaaaaaaaaaaaaaaa</t></si>")


def blank_rows(unpacked_mb: int = 60) -> bytes:
    """A sheet of empty rows (the probe's 715 KB file that read for 85 s and then "passed" with no rows)."""
    return bloated("xl/worksheets/sheet1.xml", unpacked_mb=unpacked_mb, chunk=b'<row r="1"><c r="A1"/></row>')
