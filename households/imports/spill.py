"""The rows of an import kept on disk, by household, between validation and commit: the workbook is read once,
and neither step holds the file in memory — a county's registry (some 60,000 households, 200,000 rows) is checked
and written a bucket of households at a time.

A row goes to the bucket of its 户编号 (every row of a household in the same bucket, wherever it stands in the
file), whatever the layout: households and members, or yearly income. What needs the whole file — the same ID
number twice — is checked as the rows stream past (``check``), with a dict of the ID numbers seen, the one structure
that grows with the file (some 25 MB at 200,000 rows).
"""

from __future__ import annotations

import json
import pickle
import shutil
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from core.bulk import collector_paused
from households.imports.columns import HOUSEHOLDS, Layout
from households.imports.plan import duplicate_ids
from households.imports.reading import Row, RowError, Sheet, stream_workbook

# A check of one row against the rows before it, with a dict the check keeps for the whole file.
FileCheck = Callable[[Row, dict[str, int]], RowError | None]

BUCKETS: Final = 32
PICKLED_TOGETHER: Final = 256  # rows of a bucket held before they are written: 32 × 256 rows in memory at most
_META: Final = "meta.json"


@dataclass
class Spill:
    """A read file on disk: its columns, the errors the file alone shows, how many rows."""

    folder: Path
    columns: tuple[Any, ...]
    header_errors: list[RowError]  # errors of the whole file (the header): no rows were kept
    rows: int

    def sheets(self) -> Iterator[Sheet]:
        """The file, a bucket of households at a time, each with the errors of its own rows."""
        for bucket in range(BUCKETS):
            rows: list[Row] = []
            path = self.folder / f"{bucket}.rows"
            if path.exists():
                with path.open("rb") as handle, collector_paused():
                    while True:
                        try:
                            # Files this process wrote a moment ago, never an upload: safe to unpickle.
                            kept = pickle.load(handle)  # noqa: S301
                        except EOFError:
                            break
                        rows.extend(Row(number=number, values=values, bad=bad) for number, values, bad in kept)
            yield Sheet(columns=self.columns, rows=rows, errors=_errors(self.folder / f"{bucket}.errors"))

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _bucket(row: Row) -> int:
    number = row["household_no"] if row.ok("household_no") else None
    return zlib.crc32(str(number).encode()) % BUCKETS


def _errors(path: Path) -> list[RowError]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [RowError.of_line(json.loads(line)) for line in handle]


def spill_workbook(
    source: IO[bytes],
    folder: Path,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    layout: Layout = HOUSEHOLDS,
    check: FileCheck | None = duplicate_ids,
) -> Spill:
    """Read the workbook once into ``folder``, by household; ``check`` sees every row as it streams past."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    first_seen: dict[str, int] = {}
    count = 0
    with stream_workbook(source, on_progress=on_progress, layout=layout) as (columns, errors, rows):
        files = [(folder / f"{n}.rows").open("wb") for n in range(BUCKETS)]
        error_files = [(folder / f"{n}.errors").open("w", encoding="utf-8") for n in range(BUCKETS)]
        # Rows are pickled a few hundred at a time: one call, and the column names written once, for each batch.
        waiting: list[list[tuple[int, dict[str, Any], set[str]]]] = [[] for _n in range(BUCKETS)]
        try:
            reported = 0
            for row in rows:
                count += 1
                bucket = _bucket(row)
                duplicate = check(row, first_seen) if check is not None else None
                if duplicate is not None:
                    errors.append(duplicate)
                waiting[bucket].append((row.number, row.values, row.bad))
                if len(waiting[bucket]) == PICKLED_TOGETHER:
                    pickle.dump(waiting[bucket], files[bucket], protocol=pickle.HIGHEST_PROTOCOL)
                    waiting[bucket] = []
                # This row's errors (its cells', appended by the reader, and a duplicate), filed with its household.
                if len(errors) > reported:
                    for error in errors[reported:]:
                        error_files[bucket].write(json.dumps(error.as_line(), ensure_ascii=False) + "\n")
                    reported = len(errors)
            for bucket, batch in enumerate(waiting):
                if batch:
                    pickle.dump(batch, files[bucket], protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            for handle in (*files, *error_files):
                handle.close()
        header_errors = list(errors) if not columns else []
    keys = [column.key for column in columns]
    (folder / _META).write_text(json.dumps({"columns": keys, "rows": count}), encoding="utf-8")
    return Spill(folder=folder, columns=columns, header_errors=header_errors, rows=count)


def load_spill(folder: Path, *, layout: Layout = HOUSEHOLDS) -> Spill | None:
    """The spill a validation left, or None (never made, cleaned away, or on another host)."""
    meta = folder / _META
    if not meta.exists():
        return None
    found = json.loads(meta.read_text(encoding="utf-8"))
    return Spill(
        folder=folder,
        columns=tuple(layout.by_key[key] for key in found["columns"]),
        header_errors=[],
        rows=found["rows"],
    )
