"""One home for every derived household fact (SPEC §2–§4, §15.2).

Each fact is defined once, with two faces side by side in the module of its concern:

* the **Python face** reads one household's rows and is what a page, a checklist or a transition asks;
* the **query face** is SQL over a set of households (an aggregate per input table, then expressions over them),
  what the facts table is built from and what sweeps, lists, queues and dashboards read.

``members`` (size and counts of members by condition), ``income`` (windows, per-capita income, the line, the exit
income, the drops and the hardship of §3.3), ``flags`` (flags in force), ``risks`` (open risks of §4.3, since
when), ``guarantees`` (§2.5), ``visits`` (the visit due date of §4.13) and ``table`` (the ``HouseholdFacts`` row,
refreshed set-based per township and by every service that changes an input). Apps above this one (monitoring) add
their facts through ``register``, so nothing here imports them. The tests run both faces on the same households at
the documents' boundaries.
"""

from households.facts.context import FactContext, context_for
from households.facts.flags import FLAG_BITS, exited_on, exited_on_q, flag_in_force, flag_in_force_q, has_flag_q
from households.facts.guarantees import CheckFacts, derived_guarantee, guarantee_facts, latest_check
from households.facts.income import (
    bill_totals,
    calendar_window,
    hardship,
    income_facts,
    income_years,
    rolling_window,
)
from households.facts.members import (
    MEMBER_FACT,
    MEMBER_FACTS,
    age_between,
    age_between_q,
    ever_left_school_q,
    household_size,
    member_count_aggregates,
    member_counts,
    member_fact_q,
    returned_to_school_at,
    returned_to_school_at_expression,
)
from households.facts.risks import (
    awaiting_identification,
    awaiting_identification_q,
    has_open_risk_q,
    no_open_risk_q,
    open_risks,
    risk_open_on,
    risk_open_on_q,
    risk_open_since,
)
from households.facts.table import (
    COLUMNS,
    ContributedSql,
    Contributor,
    facts_bring_up_to_date,
    facts_dispatch_all,
    facts_fresh_as_of,
    facts_mark_stale,
    facts_of,
    facts_refresh,
    facts_refresh_area,
    facts_refresh_households,
    facts_refresh_missing,
    household_facts,
    register,
    watch,
)
from households.facts.visits import visit_due, visit_overdue, visit_overdue_q

__all__ = [
    "COLUMNS",
    "FLAG_BITS",
    "MEMBER_FACT",
    "MEMBER_FACTS",
    "CheckFacts",
    "ContributedSql",
    "Contributor",
    "FactContext",
    "age_between",
    "age_between_q",
    "awaiting_identification",
    "awaiting_identification_q",
    "bill_totals",
    "calendar_window",
    "context_for",
    "derived_guarantee",
    "ever_left_school_q",
    "exited_on",
    "exited_on_q",
    "facts_bring_up_to_date",
    "facts_dispatch_all",
    "facts_fresh_as_of",
    "facts_mark_stale",
    "facts_of",
    "facts_refresh",
    "facts_refresh_area",
    "facts_refresh_households",
    "facts_refresh_missing",
    "flag_in_force",
    "flag_in_force_q",
    "guarantee_facts",
    "hardship",
    "has_flag_q",
    "has_open_risk_q",
    "household_facts",
    "household_size",
    "income_facts",
    "income_years",
    "latest_check",
    "member_count_aggregates",
    "member_counts",
    "member_fact_q",
    "no_open_risk_q",
    "open_risks",
    "register",
    "returned_to_school_at",
    "returned_to_school_at_expression",
    "risk_open_on",
    "risk_open_on_q",
    "risk_open_since",
    "rolling_window",
    "visit_due",
    "visit_overdue",
    "visit_overdue_q",
    "watch",
]
