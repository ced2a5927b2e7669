"""Masked display of ID and phone numbers for roles that may not see them (SPEC §2.6, §1.3)."""


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
