"""Masked display of ID and phone numbers, and of birth dates, for roles that may not see them (SPEC §2.6, §1.3)."""

import datetime


def mask_id_number(number: str) -> str:
    """``640324199001011234`` → ``6403**********1234`` (SPEC §2.6)."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def shown_birth(birth_date: datetime.date | None, *, full: bool) -> str:
    """A birth date whole for a role that sees full ID numbers, else its year only. The masked ID hides digits 5–14,
    eight of which are the birth date: shown beside it, the full date would leave only the county digits and the
    check digit to guess, about ten candidates (SPEC §2.6)."""
    if birth_date is None:
        return ""
    return birth_date.isoformat() if full else f"{birth_date.year}年"
