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


def title_of(rule_id: str, stored: str) -> str:
    """A rule's title in the reader's language, for a problem or checklist question that stored its source text
    when it was found: the catalogue's title while the rule is in it, the stored words once it has left."""
    rule = BY_ID.get(rule_id)
    return str(rule.title) if rule is not None else stored


__all__ = ["AUTOMATED", "BY_ID", "CATALOGUE", "CHECKLIST", "Rule", "Scope", "title_of"]
