"""The welfare_posts records of the URL audit's world (tests.worlds.audit.World): one own (chain A) and one foreign
(chain B) row of every model whose pages the audit visits."""

from typing import Any


def build(world: Any) -> dict[type, tuple[Any, Any]]:
    """Rows keyed by model, (own, foreign); may extend world.foreign_markers."""
    return {}
