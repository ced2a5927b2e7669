"""Seeding effective-dated policy parameters from data migrations: each app seeds the SPEC §15.2 settings it reads.
Existing rows are left alone, so administrators' values survive (``get_or_create``)."""

import datetime
from collections.abc import Iterable
from typing import Any

TRANSITION_START = datetime.date(2021, 1, 1)  # the transition period begins (000 L183)


def seed_parameters(
    apps: Any, rows: Iterable[tuple[str, Any, str]], *, valid_from: datetime.date = TRANSITION_START
) -> None:
    """``rows`` are (key, value, basis); national defaults (no area code)."""
    parameter_model = apps.get_model("geo", "PolicyParameter")
    for key, value, basis in rows:
        parameter_model.objects.get_or_create(
            key=key, area_code="", valid_from=valid_from, defaults={"value": value, "basis": basis}
        )
