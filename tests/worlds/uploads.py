"""Hostile workbooks for the upload tests: a shared-strings bomb and a sheet of empty rows, each a few hundred KB
packed and tens of MB unpacked, written part by part so the test itself never holds the unpacked size."""

import functools
import io
import random
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


# ------------------------------------------------------------------------------------- a corpus of hostile files


@dataclass(frozen=True)
class Hostile:
    """One file of the upload fuzz: what it is, the name and content type it is sent under, and its bytes."""

    label: str
    name: str
    content: bytes
    content_type: str = XLSX


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _with_part(workbook: bytes, part: str, data: bytes) -> bytes:
    """``workbook`` with ``part`` replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    return _zip({**parts, part: data})


def _import_workbook(rows: list[list[object]]) -> bytes:
    from households.imports.columns import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "农户成员"
    sheet.append([column.header for column in COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _screening_workbook(rows: list[list[object]]) -> bytes:
    from sweeps.exports import screening_template_xlsx

    workbook = load_workbook(io.BytesIO(screening_template_xlsx("health")))
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _laughs() -> bytes:
    """Shared strings whose one entity expands ten to the power nine times (the "billion laughs")."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    return (
        f'<?xml version="1.0"?><!DOCTYPE sst [{"".join(entities)}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    ).encode()


_XXE = (
    b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&xxe;</t></si></sst>"
)


def _rows_sheet(header: list[str], rows: int, *, columns: str = "A") -> bytes:
    """A worksheet part: ``header`` as inline strings, then ``rows`` rows, each with one empty cell per column in
    ``columns``. Small packed (under the ratio check's 1 MB), heavy to read, and behind a header the reader accepts,
    so that it does read them."""
    first = b"".join(
        f'<c r="{get_column_letter(i)}1" t="inlineStr"><is><t>{title}</t></is></c>'.encode()
        for i, title in enumerate(header, start=1)
    )
    body = b"".join(
        f'<row r="{n}">'.encode() + b"".join(f'<c r="{c}{n}"/>'.encode() for c in columns.split()) + b"</row>"
        for n in range(2, rows + 2)
    )
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        + first
        + b"</row>"
        + body
        + b"</sheetData></worksheet>"
    )


def _flagged(workbook: bytes, part: str, *, offset: int, value: bytes) -> bytes:
    """``workbook`` with bytes at ``offset`` of ``part``'s local and central headers set to ``value``: the flag
    bits (offset 6 of the local header, 8 of the central one) or the compression method (8 and 10)."""
    data = bytearray(workbook)
    archive = zipfile.ZipFile(io.BytesIO(workbook))
    info = archive.getinfo(part)
    local = info.header_offset
    data[local + offset : local + offset + len(value)] = value
    central = workbook.find(b"PK\x01\x02")  # the part's entry in the directory
    while central != -1 and data[central + 46 : central + 46 + len(part)] != part.encode():
        central = workbook.find(b"PK\x01\x02", central + 4)
    if central != -1:
        data[central + offset + 2 : central + offset + 2 + len(value)] = value
    return bytes(data)


def _encrypted(workbook: bytes) -> bytes:
    return _flagged(workbook, "xl/worksheets/sheet1.xml", offset=6, value=b"\x01\x00")


def _compression(workbook: bytes, *, method: int) -> bytes:
    return _flagged(workbook, "xl/worksheets/sheet1.xml", offset=8, value=method.to_bytes(2, "little"))


def _missing_string() -> bytes:
    """A worksheet whose cells point at shared string 99 of a table of two, and hold a number that is not one."""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>99</v></c>'
        b'<c r="B2" t="n"><v>not a number</v></c></row></sheetData></worksheet>'
    )


@functools.cache  # the bombs take a second to write; the three endpoints share one corpus
def hostile_workbooks(*, seed: int = 2021) -> list[Hostile]:
    """The upload fuzz's corpus, the same on every run: not workbooks at all, broken and truncated archives, zip
    bombs, sheets too long or too wide to read, formulas, XML entity tricks, files in disguise, and workbooks with
    random bytes changed. Each must be refused in words, and leave nothing saved. Budget-bound files assume the
    fuzz test's small ``XLSX_MAX_ROWS`` (2,000) and ``XLSX_MAX_CELLS`` (100,000)."""
    from households.imports.columns import COLUMNS as IMPORT_COLUMNS
    from sweeps.screening_reading import COLUMNS as SCREENING_COLUMNS

    import_headers = [column.header for column in IMPORT_COLUMNS]
    screening_headers = [column.header for column in SCREENING_COLUMNS]
    rng = random.Random(seed)
    valid = _import_workbook([["H0001", "640324100201", "一组", "13912345678"]])
    files = [
        Hostile("empty file", "空.xlsx", b""),
        Hostile("random bytes, 1 KB", "随机.xlsx", rng.randbytes(1024)),
        Hostile("random bytes, 200 KB", "随机大.xlsx", rng.randbytes(200 * 1024)),
        Hostile("zip magic then random bytes", "坏.xlsx", b"PK\x03\x04" + rng.randbytes(4096)),
        Hostile("CSV named .xlsx", "名单.xlsx", "户编号,身份证号\nH0001,640324198005170011\n".encode(), "text/csv"),
        Hostile("HTML named .xlsx", "页面.xlsx", b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
        Hostile("PNG named .xlsx", "图片.xlsx", b"\x89PNG\r\n\x1a\n" + rng.randbytes(512), "image/png"),
        Hostile("old .xls (OLE2)", "旧版.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(4096)),
        Hostile(
            "PDF named .xlsx", "文件.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + rng.randbytes(512), "application/pdf"
        ),
        Hostile("empty zip archive", "空压缩包.xlsx", _zip({}), "application/zip"),
        Hostile("zip of text", "压缩包.xlsx", _zip({"readme.txt": b"hello"}), "application/zip"),
        Hostile(
            "a Word document", "文档.xlsx", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
        ),
        Hostile(
            "nested zip (a workbook inside)", "套娃.xlsx", _zip({"inner.xlsx": valid, "inner.zip": _zip({"a": valid})})
        ),
        Hostile(
            "path traversal in the zip", "穿越.xlsx", _zip({"../../../../tmp/evil.txt": b"x", "/etc/cron.d/x": b"x"})
        ),
        Hostile(
            "workbook without its workbook part", "残缺.xlsx", _with_part(_zip({}), "[Content_Types].xml", b"<x/>")
        ),
        Hostile("truncated at a quarter", "截断1.xlsx", valid[: len(valid) // 4]),
        Hostile("truncated at half", "截断2.xlsx", valid[: len(valid) // 2]),
        Hostile("truncated before the directory end", "截断3.xlsx", valid[:-22]),
        Hostile("truncated by one byte", "截断4.xlsx", valid[:-1]),
        Hostile("shared-strings bomb (85 MB unpacked)", "炸弹.xlsx", strings_bomb(85)),
        Hostile("sheet of empty rows (60 MB unpacked)", "空行.xlsx", blank_rows(60)),
    ]
    for form, header in (("import", import_headers), ("screening list", screening_headers)):
        files += [
            Hostile(
                f"5,000 empty rows under the ratio check ({form})",
                "空行2.xlsx",
                _with_part(valid, "xl/worksheets/sheet1.xml", _rows_sheet(header, 5000)),
            ),
            Hostile(
                f"rows as wide as Excel allows ({form})",
                "宽表.xlsx",
                _with_part(valid, "xl/worksheets/sheet1.xml", _rows_sheet(header, 12, columns="A XFD")),
            ),
        ]
    files += [
        Hostile(
            "billion laughs in the shared strings", "笑.xlsx", _with_part(valid, "xl/sharedStrings.xml", _laughs())
        ),
        Hostile(
            "external entity in the shared strings", "外部实体.xlsx", _with_part(valid, "xl/sharedStrings.xml", _XXE)
        ),
        Hostile("an encrypted part", "加密.xlsx", _encrypted(valid)),
        Hostile("an unknown compression method", "压缩法.xlsx", _compression(valid, method=99)),
        Hostile("malformed workbook part", "坏簿.xlsx", _with_part(valid, "xl/workbook.xml", b"<workbook><sheets")),
        Hostile("missing shared string", "缺串.xlsx", _with_part(valid, "xl/worksheets/sheet1.xml", _missing_string())),
        Hostile(
            "malformed sheet XML",
            "坏表.xlsx",
            _with_part(valid, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row"),
        ),
        Hostile(
            "formulas in an import",
            "公式.xlsx",
            _import_workbook([["=1+1", '=HYPERLINK("http://example.com","x")', "=cmd|' /C calc'!A0"]]),
        ),
        Hostile(
            "formulas in a screening list",
            "公式筛查.xlsx",
            _screening_workbook([["=1+1", "=A1", "640324100201", "=SUM(1)"]]),
        ),
        Hostile("no rows, only headers", "只有表头.xlsx", _import_workbook([])),
        Hostile("a hostile file name", "../../../" + "长" * 300 + ".xlsx", valid),
    ]
    for n in range(8):  # a valid workbook with a few random bytes changed: most break a CRC or an XML part
        mutated = bytearray(valid)
        for _ in range(1 + n):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        files.append(Hostile(f"valid workbook with {1 + n} random bytes changed", f"变异{n}.xlsx", bytes(mutated)))
    return files
