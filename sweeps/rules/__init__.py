"""The rule catalogue of the four checks (SPEC §7.3) and the data-quality rules, in one reviewable table.

A rule's ``version`` goes up whenever its condition changes; every run records the versions it applied."""

from typing import Final

from sweeps.rules import credit, employment, events, gaps, others, quality
from sweeps.rules.base import Rule, Scope

CATALOGUE: Final[tuple[Rule, ...]] = (
    *gaps.RULES,
    *others.RULES,
    *events.RULES,
    *quality.RULES,
    *credit.RULES,
    *employment.RULES,
)
BY_ID: Final[dict[str, Rule]] = {rule.id: rule for rule in CATALOGUE}
AUTOMATED: Final[tuple[Rule, ...]] = tuple(rule for rule in CATALOGUE if rule.automated)
CHECKLIST: Final[tuple[Rule, ...]] = tuple(rule for rule in CATALOGUE if not rule.automated)

assert len(BY_ID) == len(CATALOGUE), "rule ids are unique"


__all__ = ["AUTOMATED", "BY_ID", "CATALOGUE", "CHECKLIST", "Rule", "Scope"]
