"""Uploads that cannot hurt the site. A workbook is a zip archive of XML: 200 KB can unpack to hundreds of megabytes
(a shared-strings bomb, or a sheet of empty rows), and parsing it would hold a process and its memory for minutes.
Every .xlsx the system reads passes ``workbook_check`` before any parser opens it, from the zip's directory alone
(packed size, unpacked size, packing ratio), is opened with ``open_workbook``, which reads none of its rows, and is
then read through ``budgeted_rows``, which counts every row, blank ones included, every cell and the seconds spent.
Every other upload (photos, minutes, evidence) is checked by its size, which Django knows once it has spooled the
upload to disk, before anything reads it (``size_check``); the request body as a whole is bounded by
``BodyLimitMiddleware`` here and by the proxy in front of the app.

The limits are settings (README, "Upload limits")."""

from __future__ import annotations

import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.functions import iterparse

from core.errors import DomainError
from core.stored import stored

_ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive
_MB = 1024 * 1024
_RATIO_FROM = _MB  # parts smaller than this may pack as tightly as they like: they cannot hurt
UNREADABLE = gettext_noop("文件无法读取：请上传用 Excel、WPS 或 LibreOffice 保存的 .xlsx 文件")
# What zipfile and the parser raise on a broken workbook: a directory or part that is not zip (or a zip version,
# compression or encryption zipfile does not read), a corrupt or truncated compressed part, a failed checksum, a part
# that is not XML (SyntaxError: the ParseError of ElementTree and of lxml, and an XML entity bomb, which both stop),
# a cell the parser cannot convert or a shared string that is not there.
BROKEN_INSIDE = (
    zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error, EOFError, OSError, SyntaxError, ValueError,
    LookupError,
)  # fmt: skip


class UploadRefused(DomainError):
    """An upload refused before or while it is read; the message says why in words a cadre can act on."""


def _mb(size: int) -> str:
    return f"{size / _MB:,.0f} MB" if size >= _MB else f"{max(size, 1) / 1024:,.0f} KB"


def size_check(upload: Any, *, limit: int, what: str, field: str = "file") -> None:
    """Refuse an upload larger than ``limit`` bytes by the size Django counted while it streamed the upload to disk,
    before anything reads it (a 100 MB "photo" never reaches memory)."""
    size = int(getattr(upload, "size", 0) or 0)
    if size > limit:
        raise UploadRefused(
            stored(
                gettext_noop("%(what)s“%(name)s”有 %(size)s，不能超过 %(limit)s"),
                what=str(what),
                name=str(upload.name),
                size=_mb(size),
                limit=_mb(limit),
            ),
            field=field,
        )


def workbook_check(source: IO[bytes], *, limit: int | None = None, field: str = "file") -> None:
    """Refuse a file that is not an .xlsx, is larger than ``limit`` (``XLSX_MAX_BYTES``), would unpack to more than
    ``XLSX_MAX_UNPACKED_BYTES``, or packs any large part more tightly than ``XLSX_MAX_RATIO`` to one — read from
    the zip directory, without unpacking anything. ``source`` is left at its start."""
    limit = settings.XLSX_MAX_BYTES if limit is None else limit
    source.seek(0, 2)
    size = source.tell()
    source.seek(0)
    if size > limit:
        raise UploadRefused(
            stored(
                gettext_noop("文件不能超过 %(limit)s（此文件有 %(size)s），请按乡镇分成几个文件上传"),
                limit=_mb(limit),
                size=_mb(size),
            ),
            field=field,
        )
    head = source.read(len(_ZIP_MAGIC))
    source.seek(0)
    if head != _ZIP_MAGIC:
        raise UploadRefused(stored(gettext_noop("文件内容不是 .xlsx 工作簿，请确认没有只改了扩展名")), field=field)
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except BROKEN_INSIDE as exc:
        raise UploadRefused(stored(UNREADABLE), field=field) from exc
    finally:
        source.seek(0)
    unpacked = sum(part.file_size for part in parts)
    if unpacked > settings.XLSX_MAX_UNPACKED_BYTES:
        raise UploadRefused(
            stored(
                gettext_noop(
                    "文件解压后有 %(size)s，超过 %(limit)s 的上限；请删除多余的工作表和空行，或分成几个文件上传"
                ),
                size=_mb(unpacked),
                limit=_mb(settings.XLSX_MAX_UNPACKED_BYTES),
            ),
            field=field,
        )
    for part in parts:
        if part.file_size >= _RATIO_FROM and part.file_size > settings.XLSX_MAX_RATIO * max(part.compress_size, 1):
            raise UploadRefused(
                stored(
                    gettext_noop(
                        "文件中的“%(part)s”压缩前后相差 %(ratio)s 倍，不像正常的工作簿（例如含有大量空行或重复内容）；"
                        "请在 Excel 中删除空行后另存为 .xlsx 再上传"
                    ),
                    part=part.filename,
                    ratio=part.file_size // max(part.compress_size, 1),
                ),
                field=field,
            )


def open_workbook(source: IO[bytes], *, field: str = "file") -> Workbook:
    """An uploaded workbook, checked (``workbook_check``) and opened read-only with its formulas as written, so that
    a formula in a data cell can be refused; a file the parser cannot open is refused as unreadable, in words
    (``UploadRefused``). No row is read: that is left to ``budgeted_rows``.

    It is ``openpyxl.load_workbook(source, read_only=True, data_only=False)`` but for one step. openpyxl looks for
    each sheet's ``<dimension>`` element when it opens a workbook, and where a writer left the element out
    (openpyxl's own write-only mode, and other streaming writers) it parses the whole sheet to find that out, before
    anything counts rows or seconds: a quarter of a county's reading time (6 of 25 s for 214,000 rows), and for a
    hostile file a parse outside every budget. The schema places ``<dimension>`` before ``<sheetData>``, so here the
    search stops where the rows begin."""
    workbook_check(source, field=field)
    try:
        reader = _HeadReader(source, read_only=True, data_only=False)  # opens the zip archive
        reader.read()
    except (InvalidFileException, *BROKEN_INSIDE) as exc:
        raise UploadRefused(stored(UNREADABLE), field=field) from exc
    return reader.wb


class _SheetOnDemand(ReadOnlyWorksheet):
    def _get_size(self) -> None:
        this: Any = self  # openpyxl's private attributes, which its type stubs leave out
        source = this._get_source()
        try:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == DIMENSION_TAG:
                    dimension: Any = SheetDimension.from_tree(element)
                    this._min_column, this._min_row, this._max_column, this._max_row = dimension.boundaries
                    return
                if element.tag == DATA_TAG:
                    return  # no dimension: the rows are not read to find that out
        finally:
            source.close()


class _HeadReader(ExcelReader):
    """openpyxl's reader, read-only, with worksheets that read no rows when they are opened. Chart sheets, which a
    read-only workbook's ``worksheets`` leaves out anyway, are not read."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            worksheet: Any = _SheetOnDemand(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)  # type: ignore[attr-defined]


def _unbroken(rows: Iterable[tuple[Any, ...]], *, field: str) -> Iterator[tuple[Any, ...]]:
    """The rows as the parser reads them, a workbook broken inside refused in words instead of with the parser's
    error (which a worker would report as a system error)."""
    try:
        yield from rows
    except BROKEN_INSIDE as exc:
        raise UploadRefused(stored(UNREADABLE), field=field) from exc


def budgeted_rows(
    rows: Iterable[tuple[Any, ...]], *, seconds: float | None = None, field: str = "file"
) -> Iterator[tuple[Any, ...]]:
    """The rows of a worksheet, every row counted against ``XLSX_MAX_ROWS`` (blank ones too: ten million empty rows
    are as heavy to read as full ones), every cell against ``XLSX_MAX_CELLS`` and the reading against ``seconds``
    (``XLSX_PARSE_SECONDS``); the first budget exceeded stops the reading with ``UploadRefused``."""
    max_rows, max_cells = settings.XLSX_MAX_ROWS, settings.XLSX_MAX_CELLS
    deadline = time.monotonic() + (settings.XLSX_PARSE_SECONDS if seconds is None else seconds)
    cells = 0
    for count, row in enumerate(_unbroken(rows, field=field), start=1):
        cells += len(row)
        if count > max_rows:
            raise UploadRefused(
                stored(
                    gettext_noop("工作表超过 %(rows)s 行（空行也计算在内）；请删除空行，或分成几个文件上传"),
                    rows=f"{max_rows:,}",
                ),
                field=field,
            )
        if cells > max_cells:
            raise UploadRefused(
                stored(
                    gettext_noop("工作表超过 %(cells)s 个单元格；请删除多余的列和空行，或分成几个文件上传"),
                    cells=f"{max_cells:,}",
                ),
                field=field,
            )
        if count % 256 == 0 and time.monotonic() > deadline:
            raise UploadRefused(
                stored(gettext_noop("文件读取超时；请删除多余的工作表、列和空行，或分成几个文件上传")), field=field
            )
        yield row


class BodyLimitMiddleware:
    """A request whose declared body is larger than ``UPLOAD_MAX_REQUEST_BYTES`` is answered 413 before Django reads
    a byte of it (the proxy in front of the app enforces the same limit on bodies sent without a length)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.UPLOAD_MAX_REQUEST_BYTES
        if length > limit:
            # Before the locale middleware: the language is the one the request asks for (cookie, header).
            with translation.override(translation.get_language_from_request(request)):
                message = gettext("上传的内容有 %(size)s，超过 %(limit)s 的上限，请减少文件或压缩照片后重试") % {
                    "size": _mb(length),
                    "limit": _mb(limit),
                }
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def attachment_size(upload: Any) -> None:
    """Form validator of an attachment (meeting minutes, a notice photo, evidence): at most
    ``UPLOAD_FILE_MAX_BYTES``, by the size counted while the upload was spooled to disk."""
    try:
        size_check(upload, limit=settings.UPLOAD_FILE_MAX_BYTES, what=gettext("附件"))
    except UploadRefused as exc:
        raise ValidationError(exc.message) from exc
