"""Who may take which project step (SPEC §1.3): the capability, inside the project's place (scoping rule 2)."""

from typing import Any

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.querysets import in_territory


def can_propose(user: User, area_code: str) -> bool:
    """P-1 村社申请: village, township, county or a project unit (SPEC §1.3 "Propose project")."""
    return has_capability(user, Capability.PROPOSE_PROJECT) and in_territory(user, area_code)


def can_review_as_township(user: User, project: Any) -> bool:
    """P-2 论证 and P-3 乡镇审核 (SPEC §1.3 "Review project")."""
    return has_capability(user, Capability.REVIEW_PROJECT) and in_territory(user, project.area.code)


def can_approve_as_county(user: User, project: Any) -> bool:
    """P-4 县级审定 … P-12: the county (SPEC §1.3 "Approve project / library entry")."""
    return has_capability(user, Capability.APPROVE_PROJECT) and in_territory(user, project.area.code)


def can_edit(user: User, project: Any) -> bool:
    """Before library entry the proposer's side completes the file (targets, beneficiaries, funding)."""
    return can_propose(user, project.area.code) or can_approve_as_county(user, project)


def can_implement(user: User, project: Any) -> bool:
    """P-9 实施: the project unit that builds it records it ("谁建设、谁实施、谁录入", 003 L1504), or the county."""
    return (
        has_capability(user, Capability.RECORD_PAYMENTS) and in_territory(user, project.area.code)
    ) or can_approve_as_county(user, project)


def can_manage_assets(user: User, area_code: str) -> bool:
    return has_capability(user, Capability.MANAGE_ASSETS) and in_territory(user, area_code)


def can_post_notice(user: User, project: Any, stage: str) -> bool:
    """三公示一公告 (SPEC §8.8): the village side posts the application notice, the township its review notice, the
    county the approval notice and the annual-plan announcement."""
    if stage == "village_application":
        return can_propose(user, project.area.code)
    if stage == "township_review":
        return can_review_as_township(user, project)
    return can_approve_as_county(user, project)
