"""The printable public notice sheets (SPEC §4.6 EN-3, §4.8): a batch of one village, stage and period, ID numbers
masked."""

import datetime
from dataclasses import dataclass

from accounts.models import User
from households.facts import household_size
from households.masking import mask_id_number
from monitoring.choices import (
    NoticeStage,
)
from monitoring.models import (
    PublicNotice,
)

# ------------------------------------------------------------------------------------------ public notice sheets


@dataclass(frozen=True)
class NoticeRow:
    head_name: str
    id_number_masked: str  # a public notice always masks, whoever prints it (SPEC §4.6 "text with masked IDs")
    size: int
    category: str
    reason: str


@dataclass(frozen=True)
class NoticeSheet:
    title: str
    stage: str
    village: str
    township: str
    starts_on: datetime.date
    ends_on: datetime.date
    places: str
    rows: list[NoticeRow]

    @property
    def where_to_object(self) -> str:
        return f"公示期间如有异议，请向{self.village}村民委员会或{self.township}人民政府反映（实名或书面均可）。"


def notice_batch(notice: PublicNotice, *, user: User) -> NoticeSheet:
    """The printable sheet of a notice batch: every notice the user may see of the same village, stage and period
    (SPEC §4.6 "printable sheet"). ID numbers are always masked."""
    village = notice.household.managing_area
    batch = (
        PublicNotice.objects.visible_to(user)
        .filter(
            household__managing_area=village, stage=notice.stage, starts_on=notice.starts_on, ends_on=notice.ends_on
        )
        .select_related("household__head", "application", "elimination__subject")
        .prefetch_related("household__members")
        .order_by("household__household_no")
    )
    rows = []
    for item in batch:
        household = item.household
        if item.application is not None:
            category = item.application.get_category_display() or item.application.get_proposed_category_display()
            reason = item.application.reason
        else:
            assert item.elimination is not None
            category = item.elimination.subject.get_category_display()
            reason = item.elimination.proposal
        rows.append(
            NoticeRow(
                head_name=household.head_name,
                id_number_masked=mask_id_number(household.head.id_number) if household.head else "",
                size=household_size(household.members.all()),
                category=str(category),
                reason=reason,
            )
        )
    stage = NoticeStage(notice.stage)
    return NoticeSheet(
        title=f"{village.parent.name if village.parent else ''}{village.name}{stage.label}",
        stage=str(stage.label),
        village=village.name,
        township=village.parent.name if village.parent else "",
        starts_on=notice.starts_on,
        ends_on=notice.ends_on,
        places=notice.places,
        rows=rows,
    )
