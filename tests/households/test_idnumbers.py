"""ID numbers: ``encoded`` (the import's plan) reads the birth date and sex ``parse`` (the import's reading) checks."""

import datetime

import pytest

from households import idnumbers


@pytest.mark.parametrize(
    ("birth", "sequence", "male"),
    [
        (datetime.date(2000, 2, 29), 11, True),
        (datetime.date(1945, 1, 1), 2, False),
        (datetime.date(2012, 12, 31), 998, False),
    ],
)
def test_encoded_reads_what_parse_reads(birth: datetime.date, sequence: int, male: bool) -> None:
    number = idnumbers.build("640398", birth, sequence, male=male)

    facts = idnumbers.encoded(number)

    assert facts == idnumbers.parse(number)
    assert (facts.birth_date, facts.is_male) == (birth, male)


def test_encoded_reads_a_number_whose_check_character_is_x() -> None:
    number = next(
        n
        for n in (idnumbers.build("640398", datetime.date(1980, 5, 17), s, male=False) for s in range(2, 998, 2))
        if n.endswith("X")
    )

    assert idnumbers.encoded(number) == idnumbers.parse(number)
