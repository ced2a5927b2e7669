"""Password rules beyond Django's (README "Security model"): at least three of four kinds of character — lower-case,
upper-case, digits, symbols — as the classified-protection baseline for government systems (等保) asks, so that
"demo12345" and its like are refused."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError


class CharacterKindsValidator:
    def __init__(self, min_kinds: int = 3) -> None:
        self.min_kinds = min_kinds

    def validate(self, password: str, user: Any = None) -> None:
        kinds = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        ]
        if sum(kinds) < self.min_kinds:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_kinds} 种"
