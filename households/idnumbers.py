"""The 18-character citizen ID number (公民身份号码, GB 11643-1999), SPEC §2.2 and §2.6.

Layout: 6-digit area of first registration, 8-digit birth date, 3-digit sequence (odd = male, even = female),
one check character computed with ISO 7064 MOD 11-2.
"""

import datetime
import operator
import re
from dataclasses import dataclass
from typing import Final

from django.utils import timezone
from django.utils.translation import gettext_noop

from core.stored import Stored, stored

_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK: Final = "10X98765432"
_SHAPE: Final = re.compile(r"^\d{17}[\dX]$")


class IdNumberError(ValueError):
    """The message says what is wrong with the number (a ``core.stored`` message: shown in the reader's language,
    kept as source text and parameters where a file's row errors are stored)."""

    def __init__(self, message: Stored) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IdFacts:
    birth_date: datetime.date
    is_male: bool


def check_character(first17: str) -> str:
    if len(first17) != len(_WEIGHTS):
        raise ValueError(f"17 digits expected, not {first17!r}")
    total = sum(map(operator.mul, map(int, first17), _WEIGHTS))  # in C: a county's import checks 200,000
    return _CHECK[total % 11]


def normalize(raw: str) -> str:
    return (raw or "").strip().upper().replace(" ", "")


def parse(raw: str, *, today: datetime.date | None = None) -> IdFacts:
    """Validate an ID number and return the birth date and sex it encodes."""
    number = normalize(raw)
    if len(number) != 18:
        raise IdNumberError(stored(gettext_noop("身份证号应为 18 位，实际为 %(length)s 位"), length=len(number)))
    if not _SHAPE.match(number):
        raise IdNumberError(stored(gettext_noop("身份证号前 17 位须为数字，末位为数字或 X")))
    try:
        facts = encoded(number)
    except ValueError as exc:
        raise IdNumberError(
            stored(gettext_noop("身份证号中的出生日期“%(digits)s”不是有效日期"), digits=number[6:14])
        ) from exc
    birth = facts.birth_date
    if birth.year < 1890 or birth > (today or timezone.localdate()):
        raise IdNumberError(stored(gettext_noop("身份证号中的出生日期“%(date)s”不合理"), date=f"{birth:%Y-%m-%d}"))
    if check_character(number[:17]) != number[17]:
        raise IdNumberError(stored(gettext_noop("身份证号校验位错误，请核对号码")))
    return facts


def encoded(number: str) -> IdFacts:
    """The birth date and sex where an 18-digit number writes them (digits 7–14, and the 17th: odd for men), without
    the checks of ``parse``, which calls it: a county's import plans 200,000 numbers its reading checked. Raises
    ValueError for a date that does not exist."""
    return IdFacts(
        birth_date=datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        is_male=int(number[16]) % 2 == 1,
    )


def build(area6: str, birth: datetime.date, sequence: int, *, male: bool) -> str:
    """A well-formed number (for demo data and tests): the sequence's last digit is made odd for men."""
    seq = sequence % 998 + 1  # 001…998: real numbers never use 000
    if (seq % 2 == 1) != male:
        seq += 1
    first17 = f"{area6}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_character(first17)
