"""The problem ledger (问题清单台账, SPEC §7.5, §13.1 L-05): a summary per township and category and the problems
themselves, streamed by openpyxl write-only so memory stays flat (STYLE §5.6). Dates are real dates."""

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook

from core.xlsx import Column, Kind, Sheet, workbook_bytes
from sweeps.choices import FourChecksCategory, GapType, ProblemStatus
from sweeps.models import Problem
from sweeps.selectors import SummaryRow

C, K = Column, Kind
SUMMARY = (C("乡镇", 16), C("类别", 12), C("未销号", 10, K.INT), C("其中逾期", 10, K.INT), C("已销号", 10, K.INT))
COLUMNS = (
    C("乡镇", 12),
    C("村", 12),
    C("规则编号", 22),
    C("类别", 10),
    C("四漏", 8),
    C("问题", 40),
    C("户编号", 20, K.ID),  # household numbers stay text, never scientific notation
    C("户主", 10),
    C("成员", 10),
    C("检出日期", 12, K.DATE),
    C("整改期限", 12, K.DATE),
    C("状态", 12),
    C("责任单位", 16),
    C("逾期", 6),
    C("不再检出", 12, K.DATE),
)


def _rows(problems: QuerySet[Problem], today: datetime.date) -> Iterator[list[Any]]:
    categories, gaps, statuses = dict(FourChecksCategory.choices), dict(GapType.choices), dict(ProblemStatus.choices)
    for problem in problems.iterator(chunk_size=2000):
        household, member = problem.household, problem.member
        yield [
            problem.township.name,
            problem.area.name,
            problem.rule_id,
            str(categories[problem.category]),
            str(gaps.get(problem.gap_type, "")),
            problem.title,
            household.household_no if household else "",
            household.head_name if household else "",
            member.name if member else "",
            problem.detected_on,
            problem.deadline,
            str(statuses[problem.status]),
            problem.responsible_unit,
            "是" if problem.days_overdue(today) else "",
            problem.no_longer_detected_on,
        ]


def problems_xlsx(problems: QuerySet[Problem], summary: list[SummaryRow], *, today: datetime.date) -> bytes:
    workbook = Workbook(write_only=True)
    totals = Sheet(workbook, "汇总", SUMMARY)
    for row in summary:
        totals.append([row.township, row.category, row.open, row.overdue, row.closed])
    listing = Sheet(workbook, "问题清单", COLUMNS)
    for values in _rows(problems, today):
        listing.append(values)
    return workbook_bytes(workbook)


def screening_template_xlsx(department: str) -> bytes:
    """The department's screening list template (SPEC §6.3; docs/screening-template.md): the columns with an
    example row, and the department's event types on a second sheet."""
    from accounts.roles import Department
    from sweeps.screening_catalogue import EVENT_TYPES
    from sweeps.screening_reading import COLUMNS as SCREENING_COLUMNS

    workbook = Workbook(write_only=True)
    # The columns as the reading expects them (* required); the ID number as text, the date as a date.
    kinds = {"id_number": Kind.ID, "area_code": Kind.ID, "event_date": Kind.DATE}
    names = [
        Column(f"{column.header}{'*' if column.required else ''}", 16, kinds.get(column.key, Kind.TEXT))
        for column in SCREENING_COLUMNS
    ]
    sheet = Sheet(workbook, "筛查名单", names)
    first = EVENT_TYPES[department][0]
    from households.idnumbers import build

    sheet.append(
        [
            build("640324", datetime.date(1980, 5, 17), 1, male=True),
            "马某某",
            "640324100201",
            first.label,
            timezone.localdate().replace(day=1),
            1200,
            "示例行，请删除",
            "",
        ]
    )
    types = Sheet(workbook, "预警类型", (Column("代码", 24), Column("预警类型", 30), Column("对应风险类型", 20)))
    for kind in EVENT_TYPES[department]:
        types.append([kind.code, kind.label, kind.risk_type])
    notes = Sheet(workbook, "说明", (Column("说明", 100),))
    for line in (
        f"{Department(department).label}季度筛查名单：每人每类一行，带 * 的列必填。",
        "身份证号填写 18 位（末位 X 大写或小写均可），单元格请设为文本，以免变成科学计数法。",
        "预警类型填写“预警类型”表中的代码或中文名称；发生日期格式 2026-03-15；金额为元，可留空。",
        "上传后逐行校验，任何一行有错误则整份名单不导入，并列出出错的行和列。",
    ):
        notes.append([line])
    return workbook_bytes(workbook)
