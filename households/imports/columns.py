"""The import template (docs/import-template.md): the layout the national system exports, one row per member with
the household columns repeated on every member row of the household.

Headers, allowed values and messages are Chinese and are not translated: they are a file format, and an English
user interface must still read a Chinese file.
"""

import datetime
import enum
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from core.stored import stored
from households import idnumbers
from households.choices import HealthStatus, LabourCapacity, MemberStatus, Relationship, SchoolingStatus


class Kind(enum.StrEnum):
    TEXT = "text"
    AREA_CODE = "area_code"
    PHONE = "phone"
    ID_NUMBER = "id_number"
    CHOICE = "choice"
    YES_NO = "yes_no"
    DISABILITY_GRADE = "disability_grade"
    YEAR = "year"
    MONEY = "money"  # an amount in yuan (Decimal); whether it may be negative is the service's rule, not the cell's


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    household: bool  # a household column: it must agree on every row of the same 户编号
    kind: Kind
    required: bool = False
    choices: type[models.TextChoices] | None = None
    default: object = ""  # what a blank cell means
    max_length: int = 0
    note: str = ""
    example: object = ""
    aliases: tuple[str, ...] = ()  # other headers accepted for this column

    @property
    def allowed(self) -> str:
        """The allowed values as the instructions sheet shows them."""
        if self.choices is not None:
            return "、".join(choice_labels(self.choices))
        return {
            Kind.AREA_CODE: "12 位数字统计用区划代码",
            Kind.PHONE: "11 位数字",
            Kind.ID_NUMBER: "18 位公民身份号码，末位可为 X",
            Kind.YES_NO: "是、否",
            Kind.DISABILITY_GRADE: "1、2、3、4（或一级、二级、三级、四级）",
            Kind.YEAR: "四位年份，如 2019",
            Kind.MONEY: "金额（元），最多两位小数",
        }.get(self.kind, f"不超过 {self.max_length} 个字" if self.max_length else "文字")


class CellError(ValueError):
    """The message is a sentence about one cell (``core.stored``); the caller adds the row and the column."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


EXAMPLE_ID: Final = idnumbers.build("640324", datetime.date(1975, 3, 8), 11, male=True)

# fmt: off
COLUMNS: Final[tuple[Column, ...]] = (
    Column("household_no", "户编号", True, Kind.TEXT, required=True, max_length=32, example="640324100201001",
           note="国家系统的户编号；同一户的每一行填写相同的户编号。再次导入时按户编号更新，不会重复建户。",
           aliases=("户码", "家庭编号")),
    Column("village_code", "村代码", True, Kind.AREA_CODE, required=True, example="640324100201",
           note="户所在（居住地）行政村的 12 位统计用区划代码，须在您的管辖范围内。见“本辖区村代码”工作表。",
           aliases=("行政村代码", "村级区划代码")),
    Column("hukou_code", "户籍地代码", True, Kind.AREA_CODE, default=None,
           note="户籍所在村的 12 位区划代码；与村代码不同时按人户分离、双重管理登记。留空表示未登记户籍地。"),
    Column("address", "住址", True, Kind.TEXT, max_length=200, example="某某村一组 12 号", aliases=("家庭住址",)),
    Column("phone", "联系电话", True, Kind.PHONE, example="13912345678", aliases=("联系方式", "手机号码")),
    Column("name", "姓名", False, Kind.TEXT, required=True, max_length=50, example="张三"),
    Column("id_number", "身份证号", False, Kind.ID_NUMBER, required=True, example=EXAMPLE_ID,
           note="性别和出生日期由身份证号自动得出，无需填写。请将此列设为“文本”格式，"
           "否则 Excel 只保留 15 位有效数字，号码会失真。",
           aliases=("身份证号码", "公民身份号码", "证件号码")),
    Column("relationship", "与户主关系", False, Kind.CHOICE, required=True, choices=Relationship, example="户主",
           note="每户有且只有一名户主，户主须为在户成员。", aliases=("与户主的关系", "家庭关系")),
    Column("ethnicity", "民族", False, Kind.TEXT, default="汉族", max_length=20, example="汉族"),
    Column("health_status", "健康状况", False, Kind.CHOICE, choices=HealthStatus, default=HealthStatus.HEALTHY,
           example="健康"),
    Column("labour_capacity", "劳动能力", False, Kind.CHOICE, required=True, choices=LabourCapacity,
           example="普通劳动力", aliases=("劳动技能",)),
    Column("schooling_status", "在校生状况", False, Kind.CHOICE, required=True, choices=SchoolingStatus,
           example="已离校", aliases=("在校生情况",)),
    Column("disability_grade", "残疾等级", False, Kind.DISABILITY_GRADE, default=None, note="无残疾留空。"),
    Column("medical_insurance_enrolled", "参加基本医疗保险", False, Kind.YES_NO, default=True, example="是",
           aliases=("是否参加基本医疗保险", "参加城乡居民基本医疗保险")),
    Column("member_status", "成员状态", False, Kind.CHOICE, choices=MemberStatus, default=MemberStatus.PRESENT,
           example="在户", note="留空按“在户”。"),
    Column("exited_poor", "脱贫户", True, Kind.YES_NO, default=False, example="是",
           note="填“是”时登记脱贫户标识，自脱贫年度 1 月 1 日起（未填年度时自导入当年 1 月 1 日起）；"
           "填“否”或留空时结束已有的标识。",
           aliases=("是否脱贫户",)),
    Column("subsistence_allowance", "低保户", True, Kind.YES_NO, default=False, example="否",
           note="填“是”时登记低保户标识（自导入当年 1 月 1 日起）；填“否”或留空时结束已有的标识。",
           aliases=("是否低保户",)),
    Column("destitute_support", "特困供养户", True, Kind.YES_NO, default=False, example="否",
           note="同低保户。", aliases=("是否特困供养户", "特困户")),
    Column("exit_year", "脱贫年度", True, Kind.YEAR, default=None, example=2019, note="脱贫户填写，如 2019。"),
)
# fmt: on
BY_KEY: Final[Mapping[str, Column]] = {column.key: column for column in COLUMNS}
REQUIRED: Final = tuple(column for column in COLUMNS if column.required)
HOUSEHOLD_COLUMNS: Final = tuple(column for column in COLUMNS if column.household)
FLAG_KEYS: Final = ("exited_poor", "subsistence_allowance", "destitute_support")  # HouseholdFlagKind values


@dataclass(frozen=True)
class Layout:
    """One file format the import reads: its columns in template order, the headers that find its data sheet among
    others, and what one data row is called in messages. Households and members (``HOUSEHOLDS``) and yearly income
    (``households.imports.income.INCOME``) are read by the same reader."""

    columns: tuple[Column, ...]
    sheet_headers: tuple[str, ...]  # the data sheet is the first whose header row has all of these
    too_many_rows: str  # the refusal of a file over MAX_ROWS rows (``%(rows)s``), in the layout's words

    @functools.cached_property
    def by_key(self) -> Mapping[str, Column]:
        return {column.key: column for column in self.columns}

    @functools.cached_property
    def by_header(self) -> Mapping[str, Column]:
        table: dict[str, Column] = {}
        for column in self.columns:
            for header in (column.header, *column.aliases):
                table[header_key(header)] = column
        return table

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.required)

    def position(self, column: Column) -> int:
        """The column's place in the template, so that errors sort in the template's column order."""
        return self.columns.index(column)


HOUSEHOLDS: Final = Layout(
    columns=COLUMNS,
    sheet_headers=("户编号", "身份证号"),
    too_many_rows=gettext_noop("文件超过 %(rows)s 行成员数据，请按乡镇分成几个文件导入"),
)

# Spellings other systems use for our values (SPEC §2.3 keeps one label per value).
_EXTRA_ALIASES: Final[Mapping[type[models.TextChoices], Mapping[str, str]]] = {
    Relationship: {
        "本人": Relationship.HEAD,
        "妻": Relationship.SPOUSE,
        "妻子": Relationship.SPOUSE,
        "夫": Relationship.SPOUSE,
        "丈夫": Relationship.SPOUSE,
        "儿子": Relationship.SON,
        "女儿": Relationship.DAUGHTER,
        "父亲": Relationship.FATHER,
        "母亲": Relationship.MOTHER,
        "岳父": Relationship.PARENT_IN_LAW,
        "岳母": Relationship.PARENT_IN_LAW,
        "公公": Relationship.PARENT_IN_LAW,
        "婆婆": Relationship.PARENT_IN_LAW,
        "祖父": Relationship.GRANDPARENT,
        "祖母": Relationship.GRANDPARENT,
        "外孙子": Relationship.GRANDCHILD_VIA_DAUGHTER,
        "外孙女": Relationship.GRANDCHILD_VIA_DAUGHTER,
    },
    HealthStatus: {"大病": HealthStatus.SERIOUS_ILLNESS, "慢性病": HealthStatus.CHRONIC_DISEASE},
    LabourCapacity: {"丧失劳动力": LabourCapacity.LOST},
}
_YES: Final = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})
_NO: Final = frozenset({"否", "n", "no", "false", "0", "×", "✗"})
_GRADES: Final = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
_INVISIBLE: Final = dict.fromkeys(map(ord, "\u00a0\u200b\ufeff\u3000"), " ")
_TEXT_MARKS: Final = ("'", "’")  # Excel's text marker, straight or curly, at the start of a cell
EARLIEST_EXIT_YEAR: Final = 2000  # a plausibility bound for typing errors, not a policy number


def _key(text: str) -> str:
    """Text as compared: NFKC (full-width digits and letters as ASCII), no whitespace, lower case."""
    if text.isascii():  # NFKC leaves ASCII alone, and str.split() drops the same whitespace as \s (a county's file:
        return "".join(text.split()).lower()  # three million cells, most of them ASCII codes and numbers)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def header_key(text: object) -> str:
    """A header as matched against the template: no spaces, no required-marker asterisk."""
    return _key(str(text or "")).strip("*")


def columns_by_header() -> Mapping[str, Column]:
    return HOUSEHOLDS.by_header


@functools.cache
def choice_labels(choices: type[models.TextChoices]) -> tuple[str, ...]:
    """The Chinese labels whatever the active language (they are the gettext source)."""
    with translation.override(None):
        return tuple(str(label) for label in choices.labels)


@functools.cache
def _choice_table(choices: type[models.TextChoices]) -> Mapping[str, str]:
    """Every accepted spelling → value: the code, the Chinese label, each part of a label such as "迁出/分户",
    the label without its leading "之" ("之子" → "子"), and the extra aliases; a spelling that could mean two values
    is left out."""
    candidates: dict[str, set[str]] = {}
    for value, label in zip(choices.values, choice_labels(choices), strict=True):
        names = {value, label}
        for part in label.split("/"):
            names.update({part, part.removeprefix("之")})
        for name in names:
            candidates.setdefault(_key(name), set()).add(value)
    for name, value in _EXTRA_ALIASES.get(choices, {}).items():
        candidates.setdefault(_key(name), set()).add(value)
    return {name: next(iter(values)) for name, values in candidates.items() if len(values) == 1 and name}


@functools.cache
def _exact_choices(choices: type[models.TextChoices]) -> Mapping[str, str]:
    """The spellings of ``_choice_table`` that ``_key`` leaves as they are: a cell reading one of them exactly means
    its value."""
    return {name: value for name, value in _choice_table(choices).items() if _key(name) == name}


def cell_text(value: object) -> str:
    """What a cell says, as text: whole numbers without ".0", no leading apostrophe (Excel's text marker when
    copied from elsewhere), no invisible or full-width spaces at the ends."""
    if value is None:
        return ""
    if value.__class__ is str:  # most cells: the checks below are for numbers, dates and booleans
        text = value.translate(_INVISIBLE).strip()  # type: ignore[attr-defined]
        return text.removeprefix("'").removeprefix("’").strip() if text[:1] in _TEXT_MARKS else text
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value).translate(_INVISIBLE).strip()
    return text.removeprefix("'").removeprefix("’").strip()


# A data cell that is a formula, or text that starts like one, is refused rather than stored: stored, it would be
# written back into every ledger that shows the field (see core.xlsx on formula injection), and its value is not what
# the person typed but what a spreadsheet computed.
FORMULA_REFUSED = gettext_noop("是公式（以“=”开头）：请把该列复制后“选择性粘贴”为数值，再导入")
EMPTY_CELL = gettext_noop("不能为空")


def formula_in(value: object, text: str | None = None) -> bool:
    """A cell read with formulas kept (``data_only=False``) is a formula, or text typed as one. ``text``: the cell's
    ``cell_text`` when the caller has it already."""
    return isinstance(value, str) and (cell_text(value) if text is None else text).startswith("=")


def read_cell(column: Column, value: object, *, today: datetime.date | None = None) -> object:
    """The cleaned value of one cell, or ``column.default`` for a blank one; raises CellError. ``today`` (the local
    date) bounds birth dates and years; a reader of many cells passes it once."""
    text = cell_text(value)  # once per cell: a county's file has three million
    if formula_in(value, text):
        raise CellError(stored(FORMULA_REFUSED))
    if column.kind is Kind.ID_NUMBER:
        if not column.required and not text:
            return column.default
        return _read_id_number(value, text, today)
    if not text:
        if column.required:
            raise CellError(stored(EMPTY_CELL))
        return column.default
    return _READERS[column.kind](column, text, today)


def _read_text(column: Column, text: str, _today: datetime.date | None) -> str:
    if column.max_length and len(text) > column.max_length:
        raise CellError(
            stored(
                gettext_noop("不能超过 %(limit)s 个字，实际 %(length)s 个字"),
                limit=column.max_length,
                length=len(text),
            )
        )
    return text


_AREA_CODE: Final = re.compile(r"\d{12}")
_PHONE: Final = re.compile(r"\d{11}")


def _read_area_code(_column: Column, text: str, _today: datetime.date | None) -> str:
    code = _key(text)
    if not _AREA_CODE.fullmatch(code):
        raise CellError(stored(gettext_noop("“%(text)s”不是 12 位数字的统计用区划代码"), text=text))
    return code


def _read_phone(_column: Column, text: str, _today: datetime.date | None) -> str:
    phone = re.sub(r"[\s\-]", "", _key(text))
    if not _PHONE.fullmatch(phone):
        raise CellError(stored(gettext_noop("“%(text)s”应为 11 位数字"), text=text))
    return phone


def _read_choice(column: Column, text: str, _today: datetime.date | None) -> str:
    assert column.choices is not None
    found = _exact_choices(column.choices).get(text)  # a label as the template writes it, without _key's work
    if found is None:
        found = _choice_table(column.choices).get(_key(text))
    if found is None:
        raise CellError(
            stored(gettext_noop("“%(text)s”不是可选值，可填：%(allowed)s"), text=text, allowed=column.allowed)
        )
    return found


def _read_yes_no(_column: Column, text: str, _today: datetime.date | None) -> bool:
    word = _key(text)
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellError(stored(gettext_noop("“%(text)s”应填“是”或“否”"), text=text))


def _read_disability_grade(_column: Column, text: str, _today: datetime.date | None) -> int:
    grade = _GRADES.get(_key(text).removesuffix("级"))
    if grade is None:
        raise CellError(stored(gettext_noop("“%(text)s”应为 1–4 级，无残疾留空"), text=text))
    return grade


def _read_year(_column: Column, text: str, today: datetime.date | None) -> int:
    year = _key(text).removesuffix("年")
    this_year = (today or timezone.localdate()).year
    if not year.isdigit() or not EARLIEST_EXIT_YEAR <= int(year) <= this_year:
        raise CellError(
            stored(
                gettext_noop("“%(text)s”应为 %(first)s–%(last)s 之间的四位年份"),
                text=text,
                first=EARLIEST_EXIT_YEAR,
                last=this_year,
            )
        )
    return int(year)


def _read_money(_column: Column, text: str, _today: datetime.date | None) -> Decimal:
    """An amount as typed or as Excel stored it: thousands separators and a trailing 元 are allowed."""
    cleaned = re.sub(r"[,，\s]", "", _key(text)).removesuffix("元")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise CellError(stored(gettext_noop("“%(text)s”不是金额：请填写数字（元），如 12000 或 3500.50"), text=text))
    return amount


# How a non-blank cell of each kind is read (ID numbers, which may be typed as numbers, are read from the value).
_READERS: Final[Mapping[Kind, Callable[[Column, str, datetime.date | None], object]]] = {
    Kind.TEXT: _read_text,
    Kind.AREA_CODE: _read_area_code,
    Kind.PHONE: _read_phone,
    Kind.CHOICE: _read_choice,
    Kind.YES_NO: _read_yes_no,
    Kind.DISABILITY_GRADE: _read_disability_grade,
    Kind.YEAR: _read_year,
    Kind.MONEY: _read_money,
}


def _read_id_number(value: object, text: str, today: datetime.date | None) -> str:
    """A valid, normalized ID number. Numbers are accepted when they carry all 18 digits; a float written by
    Excel keeps only 15 significant digits, and a checksum that happens to fit must not let a wrong person in."""
    if isinstance(value, float):
        mantissa = repr(value).split("e")[0].replace(".", "").lstrip("0")
        if not value.is_integer() or len(mantissa.rstrip("0")) < 16:
            raise CellError(
                stored(
                    gettext_noop(
                        "身份证号以数字格式保存，Excel 只保留 15 位有效数字，号码已失真；"
                        "请将此列设为“文本”格式后重新填写"
                    )
                )
            )
    text = _key(text).upper()
    if not text:
        raise CellError(stored(EMPTY_CELL))
    try:
        idnumbers.parse(text, today=today)
    except idnumbers.IdNumberError as exc:
        raise CellError(exc.message) from exc
    return idnumbers.normalize(text)
