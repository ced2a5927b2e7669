"""Read an uploaded workbook into checked rows. Row-level checks only: this module never touches the database, so
it runs outside any transaction and can report progress as it goes."""

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from time import monotonic
from typing import IO, Any, Final

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from openpyxl.utils import get_column_letter

from core.errors import DomainError
from core.stored import as_json, of_json, shown, stored
from core.uploads import BROKEN_INSIDE, UNREADABLE, UploadRefused, budgeted_rows, open_workbook
from households.imports.columns import (
    HOUSEHOLDS,
    CellError,
    Column,
    Kind,
    Layout,
    cell_text,
    header_key,
    read_cell,
)

# About 80,000 households: a county's registry in one file. The rows are kept on disk by household while they are
# checked (households.imports.spill), so memory does not grow with the file.
MAX_ROWS: Final = 300_000
PROGRESS_EVERY: Final = 200
PROGRESS_SECONDS: Final = 0.5  # progress pages poll every second: a county's file would otherwise report 1,000 times


class ImportFileError(DomainError):
    """The file cannot be read as the template at all (not an xlsx, no header row, too many rows)."""


@dataclass(frozen=True, order=True)
class RowError:
    """One problem, located as the user sees it in Excel: row 1 is the header; ``row`` None is the whole file."""

    row: int
    column_index: int  # position in the layout's columns, so that errors sort in the template's column order
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The error for the job's JSON column: its message kept as source text and parameters (core.stored)."""
        return {"row": self.row or None, "column": self.column, **as_json(self.message)}

    def as_line(self) -> dict[str, Any]:
        """The error for a spill file, read back by ``of_line``."""
        return {"row": self.row, "column_index": self.column_index, "column": self.column, **as_json(self.message)}

    @classmethod
    def of_line(cls, line: dict[str, Any]) -> "RowError":
        return cls(line["row"], line["column_index"], line["column"], of_json(line))

    def __str__(self) -> str:
        message = shown(self.message)
        if not self.row:
            return message
        return gettext("第 %(row)s 行“%(column)s”：%(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": message,
        }


def row_error(row: int, column: Column | None, message: str, *, layout: Layout = HOUSEHOLDS) -> RowError:
    if column is None:
        return RowError(row, -1, "", message)
    return RowError(row, layout.position(column), column.header, message)


class RowsRefused(Exception):
    """Rows found wrong while a plan is written (inside the commit's transaction): everything is rolled back and
    the job reports ``errors``."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass
class Row:
    """One member row: the cleaned value of every template column present in the file (``column.default`` for a
    blank cell); ``bad`` holds the keys whose cells were rejected, which later checks skip."""

    number: int
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)

    def ok(self, *keys: str) -> bool:
        return not self.bad or self.bad.isdisjoint(keys)  # most rows have no bad cell: a county's plan asks millions

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class Sheet:
    columns: tuple[Column, ...]  # the template columns found in the header, in template order
    rows: list[Row]
    errors: list[RowError]

    def has(self, key: str) -> bool:
        return key in self._keys

    @functools.cached_property
    def _keys(self) -> frozenset[str]:
        return frozenset(column.key for column in self.columns)


def read_workbook(
    source: IO[bytes],
    *,
    on_progress: Callable[[int, int], None] | None = None,
    seconds: float | None = None,
    layout: Layout = HOUSEHOLDS,
) -> Sheet:
    """Parse the first sheet whose header has the layout's sheet headers (户编号 and 身份证号 for households; else the
    first sheet) with openpyxl in read-only, values-only mode, every row in memory (an extract to compare; an import
    keeps them on disk instead). ``on_progress(rows_read, estimated_total)`` is called every PROGRESS_EVERY rows, at
    most every PROGRESS_SECONDS, and at the end."""
    with stream_workbook(source, on_progress=on_progress, seconds=seconds, layout=layout) as (columns, errors, rows):
        return Sheet(columns=columns, rows=list(rows), errors=errors)


@contextlib.contextmanager
def stream_workbook(
    source: IO[bytes],
    *,
    on_progress: Callable[[int, int], None] | None = None,
    seconds: float | None = None,
    layout: Layout = HOUSEHOLDS,
) -> Iterator[tuple[tuple[Column, ...], list[RowError], Iterator[Row]]]:
    """The template columns found, the errors so far (the list grows as rows are read) and the rows, one at a time:
    memory holds one row. No rows when the header is wrong. The file passes the upload checks first and is read
    within the row, cell and time budgets (``core.uploads``; ``seconds`` overrides the time budget)."""
    try:
        workbook = open_workbook(source)  # formulas as written: a formula in a data cell is refused (read_cell)
    except UploadRefused as exc:
        raise ImportFileError(exc.stored) from exc
    try:
        try:  # the first row of each sheet and the dimension are read here, outside the budgets
            worksheet = _data_sheet(workbook, layout)
            # The <dimension> element gives an estimate for the progress bar; it is not trusted for reading, since
            # some writers leave it wrong, and openpyxl stops at it.
            estimate = max((worksheet.max_row or 1) - 1, 0)
            worksheet.reset_dimensions()
        except BROKEN_INSIDE as exc:
            raise ImportFileError(stored(UNREADABLE)) from exc
        cells = _file_errors(budgeted_rows(worksheet.iter_rows(values_only=True), seconds=seconds))
        header = next(cells, ())
        by_position, errors = _match_header(header, layout)
        if errors:
            yield (), errors, iter(())
            return
        columns = tuple(column for column in layout.columns if column in by_position.values())
        yield columns, errors, iter(_read_rows(cells, by_position, errors, estimate, on_progress, layout))
    finally:
        workbook.close()


def _file_errors(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """A budget exceeded while reading is an error of the file, reported like an unreadable one."""
    try:
        yield from rows
    except UploadRefused as exc:
        raise ImportFileError(exc.stored) from exc


def _data_sheet(workbook: Any, layout: Layout) -> Any:
    wanted = {header_key(header) for header in layout.sheet_headers}
    for worksheet in workbook.worksheets:
        first = next(worksheet.iter_rows(max_row=1, values_only=True), ())
        found = {layout.by_header.get(header_key(value)) for value in first}
        if wanted <= {header_key(column.header) for column in found if column is not None}:
            return worksheet
    if not workbook.worksheets:
        raise ImportFileError(stored(gettext_noop("文件中没有工作表")))
    return workbook.worksheets[0]


def _match_header(header: Iterable[object], layout: Layout) -> tuple[dict[int, Column], list[RowError]]:
    by_position: dict[int, Column] = {}
    seen: dict[Column, int] = {}
    errors: list[RowError] = []
    for position, value in enumerate(header):
        column = layout.by_header.get(header_key(value))
        if column is None:
            continue  # the national export has many more columns; they are ignored
        if column in seen:
            first, this = get_column_letter(seen[column] + 1), get_column_letter(position + 1)
            message = stored(
                gettext_noop("该列出现了两次（第 %(first)s 列和第 %(this)s 列），请删除其中一列"),
                first=first,
                this=this,
            )
            errors.append(row_error(1, column, message, layout=layout))
            continue
        seen[column] = position
        by_position[position] = column
    for column in layout.required:
        if column not in seen:
            errors.append(
                row_error(1, column, stored(gettext_noop("缺少必填列；请使用导入模板，第 1 行为列标题")), layout=layout)
            )
    return by_position, errors


# Column kinds whose cells take few values in a file, and how many cell readings are remembered (a hostile file's
# distinct values stop being remembered there).
FEW_VALUES: Final = frozenset({Kind.CHOICE, Kind.YES_NO, Kind.AREA_CODE, Kind.YEAR, Kind.DISABILITY_GRADE})
KNOWN_CELLS: Final = 10_000
_UNKNOWN: Final = object()


def _read_rows(
    cells: Iterable[tuple[object, ...]],
    by_position: dict[int, Column],
    errors: list[RowError],
    estimate: int,
    on_progress: Callable[[int, int], None] | None,
    layout: Layout,
) -> Iterable[Row]:
    read = 0
    reported = -PROGRESS_SECONDS  # the first report is made
    today = timezone.localdate()
    found = [(position, column, column.kind in FEW_VALUES) for position, column in by_position.items()]
    # What a cell of a column with few values (a choice, 是/否, a village's code) reads as, or the error it gives:
    # a county's file repeats a few hundred such cells 1.5 million times.
    known: dict[tuple[int, type, object], Any] = {}
    for number, values in enumerate(cells, start=2):
        if not any(cell_text(value) for value in values):
            continue  # blank rows between households are harmless
        read += 1
        if read > MAX_ROWS:
            raise ImportFileError(stored(layout.too_many_rows, rows=MAX_ROWS))
        row = Row(number=number, values={})
        width = len(values)
        for position, column, few in found:
            value = values[position] if position < width else None
            key = (position, value.__class__, value)  # the class too: True and 1 are equal keys, not equal cells
            cleaned = known.get(key, _UNKNOWN) if few else _UNKNOWN
            if cleaned is _UNKNOWN:
                try:
                    cleaned = read_cell(column, value, today=today)
                except CellError as exc:
                    cleaned = exc  # remembered as the refusal it is, its message reported on every row that has it
                if few and len(known) < KNOWN_CELLS:
                    known[key] = cleaned
            if isinstance(cleaned, CellError):
                row.bad.add(column.key)
                errors.append(row_error(number, column, cleaned.message, layout=layout))
            else:
                row.values[column.key] = cleaned
        yield row
        if on_progress is not None and read % PROGRESS_EVERY == 0 and monotonic() - reported >= PROGRESS_SECONDS:
            reported = monotonic()
            on_progress(read, max(estimate, read))
    if on_progress is not None:
        on_progress(read, read)
