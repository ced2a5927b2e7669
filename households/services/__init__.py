"""Writes to the registry (STYLE rule 1): keyword-only, typed, atomic; refusals are DomainError (Chinese, naming
the field) or PermissionDenied."""

from households.services.income import (
    IncomeBatchRefused,
    IncomeBatchResult,
    IncomeEntry,
    income_batch_save,
    income_record_save,
    rigid_expense_add,
)
from households.services.registry import (
    MemberInput,
    household_change_head,
    household_close,
    household_flag_end,
    household_flag_set,
    household_register,
    household_update,
    identity_disclose,
    member_add,
    member_leave,
    member_update,
)
from households.services.risks import (
    risk_open,
    risk_open_from_warning,
    risk_resolve,
    risks_answer,
    risks_open_from_visit,
    risks_resolve_by_measure,
)
from households.services.visits import PhotoUpload, VisitInput, photo_uploads, visit_record

__all__ = [
    "IncomeBatchRefused",
    "IncomeBatchResult",
    "IncomeEntry",
    "MemberInput",
    "PhotoUpload",
    "VisitInput",
    "household_change_head",
    "household_close",
    "household_flag_end",
    "household_flag_set",
    "household_register",
    "household_update",
    "identity_disclose",
    "income_batch_save",
    "income_record_save",
    "member_add",
    "member_leave",
    "member_update",
    "photo_uploads",
    "rigid_expense_add",
    "risk_open",
    "risk_open_from_warning",
    "risk_resolve",
    "risks_answer",
    "risks_open_from_visit",
    "risks_resolve_by_measure",
    "visit_record",
]
