"""The programme record a measure created (SPEC §11, §5.1): a measure of type 小额信贷, 就业 or 公益岗位 points to the
loan, job or post it created, so its progress and effect are read from that record, not typed. The programmes sit
on a floor above monitoring, so each registers a reader here (in its ``AppConfig.ready``); monitoring's pages ask
``records_of`` and never import the programmes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django_stubs_ext import StrOrPromise

from monitoring.models import AssistanceMeasure


@dataclass(frozen=True)
class MeasureRecord:
    """What the measure's row shows of the record: what it is, where it is, how it stands and what it achieved."""

    label: StrOrPromise  # "小额信贷 合同 HT-2026-001，50,000 元"
    url: str  # the record's page
    progress: StrOrPromise  # "正常还款，余额 30,000 元"
    effect: StrOrPromise = ""  # "已结清" / "月均补贴 800 元，出勤 22 天"


# A reader takes measures (one page's worth) and returns, per measure id, the records of its programme that name it;
# it reads them in one query for the whole page.
Reader = Callable[[list[AssistanceMeasure]], dict[int, list[MeasureRecord]]]
_READERS: list[Reader] = []


def register(reader: Reader) -> None:
    """Called by a programme's ``AppConfig.ready``."""
    if reader not in _READERS:
        _READERS.append(reader)


def records_of(measures: Iterable[AssistanceMeasure]) -> dict[int, list[MeasureRecord]]:
    """Every programme record of each measure, by measure id: one query per programme, whatever the page's size."""
    measures = list(measures)
    found: dict[int, list[MeasureRecord]] = {m.pk: [] for m in measures}
    if not measures:
        return found
    for reader in _READERS:
        for measure_id, records in reader(measures).items():
            found.setdefault(measure_id, []).extend(records)
    return found
