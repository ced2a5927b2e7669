"""The ledgers of SPEC §13.1 whose data the system holds, one definition each, in one module per group. Every
ledger but the funds' starts with the place columns (township, village, 12-digit code) and reads through
``visible_to`` only."""

from __future__ import annotations

from typing import Final

from ledgers.base import LedgerDef
from ledgers.catalogue.credit import LOANS
from ledgers.catalogue.employment import EMPLOYMENT
from ledgers.catalogue.funds import FUNDS
from ledgers.catalogue.households import GUARANTEES, ROSTER, VISITS
from ledgers.catalogue.migrants import SELF_MIGRANTS
from ledgers.catalogue.monitoring import ELIMINATIONS, ENTRIES, MEASURES, SUBJECTS
from ledgers.catalogue.projects import ASSETS, PROJECTS
from ledgers.catalogue.schooling import SCHOOLING
from ledgers.catalogue.sweeps import PROBLEMS, WARNINGS
from ledgers.catalogue.welfare_posts import WELFARE_POSTS

LEDGERS: Final[dict[str, LedgerDef]] = {
    d.code: d
    for d in (
        ROSTER,
        SUBJECTS,
        ENTRIES,
        ELIMINATIONS,
        MEASURES,
        VISITS,
        PROBLEMS,
        WARNINGS,
        PROJECTS,
        FUNDS,
        LOANS,
        EMPLOYMENT,
        ASSETS,
        GUARANTEES,
        SELF_MIGRANTS,
        SCHOOLING,
        WELFARE_POSTS,
    )
}

__all__ = ["LEDGERS"]
