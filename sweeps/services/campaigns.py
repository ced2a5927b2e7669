"""Campaigns (排查, SPEC §7.2, §7.4): a county opens one over its townships; the automatic rules run as a sweep, every
village answers the checklist questions of the manual rules ("否" opens a problem), and the campaign is signed off
village → township → county. Each step is one transaction with its checks."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from core.errors import DomainError, TransitionNotAllowed
from core.stored import source_text
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.querysets import in_territory
from notifications.selectors import users_who_take
from notifications.services import notify
from sweeps import permissions
from sweeps.choices import CampaignStatus, ChecklistAnswer, RunStatus, SubjectKind
from sweeps.models import Campaign, CampaignPart, ChecklistItem, Problem
from sweeps.rules import BY_ID, CHECKLIST
from sweeps.services.runs import Hit, deadline_for, new_problem, sweep_start


@transaction.atomic
def campaign_open(
    *,
    actor: User,
    county: AdminArea,
    kind: str,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    townships: list[AdminArea] | None = None,
) -> Campaign:
    """Open a campaign over some or all of the county's townships and start its sweep."""
    if not has_capability(actor, Capability.START_SWEEP):
        raise PermissionDenied
    if not AdminArea.objects.visible_to(actor).filter(pk=county.pk).exists():
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise DomainError(_("请填写排查名称"), field="name")
    if ends_on < starts_on:
        raise DomainError(_("结束日期不能早于开始日期"), field="ends_on")
    all_townships = list(AdminArea.objects.filter(parent=county, level=AreaLevel.TOWNSHIP, valid_to__isnull=True))
    chosen = townships or all_townships
    outside = [t.name for t in chosen if t not in all_townships]
    if outside:
        raise DomainError(
            _("%(join)s不是%(name)s的乡镇") % {"join": "、".join(outside), "name": county.name}, field="townships"
        )
    run = sweep_start(county=county, kind=kind, actor=actor)
    campaign = Campaign.objects.create(
        county=county, kind=kind, name=name, starts_on=starts_on, ends_on=ends_on, run=run, opened_by=actor
    )
    for township in chosen:
        township_part = CampaignPart.objects.create(campaign=campaign, area=township)
        villages = AdminArea.objects.filter(parent=township, level=AreaLevel.VILLAGE, valid_to__isnull=True)
        parts = CampaignPart.objects.bulk_create(
            [CampaignPart(campaign=campaign, area=village, parent=township_part) for village in villages]
        )
        ChecklistItem.objects.bulk_create(
            [
                ChecklistItem(part=part, rule_id=rule.id, question=source_text(rule.title))
                for part in parts
                for rule in CHECKLIST
            ]
        )
        for level, code in ((AreaLevel.TOWNSHIP, township.code), *((AreaLevel.VILLAGE, v.code) for v in villages)):
            notify(
                recipients=users_who_take(capability=Capability.SUBMIT_RECTIFICATION, area_code=code, levels=[level]),
                topic="campaign",
                title=f"{name}开始（{starts_on:%m月%d日}至{ends_on:%m月%d日}）：请逐项填报核查清单",
                url=campaign.get_absolute_url(),
                area_code=code,
                actor=actor,
            )
    return campaign


def _open_campaign(part: CampaignPart) -> None:
    if part.campaign.status != CampaignStatus.OPEN:
        raise TransitionNotAllowed(_("排查活动已结束"))
    if part.signed_at is not None:
        raise TransitionNotAllowed(_("%(name)s已签收，不能再修改；如需更正请联系上级退回") % {"name": part.area.name})


@transaction.atomic
def checklist_answer(
    *, item: ChecklistItem, actor: User, answer: str, note: str = "", evidence: UploadedFile | None = None
) -> ChecklistItem:
    """A village answers one question; "否" (with a note) opens a problem of the village for rectification, or
    joins the one already open for the same rule."""
    item = (
        ChecklistItem.objects.select_for_update(of=("self",))
        .select_related("part__area", "part__campaign")
        .get(pk=item.pk)
    )
    village = item.part.area
    if not (has_capability(actor, Capability.SUBMIT_RECTIFICATION) and in_territory(actor, village.code)):
        raise PermissionDenied
    _open_campaign(item.part)
    if answer not in ChecklistAnswer.values:
        raise DomainError(_("请选择“是”“否”或“不适用”"), field="answer")
    note = (note or "").strip()
    if answer == ChecklistAnswer.NO and not note:
        raise DomainError(_("“%(question)s”答“否”时请说明存在的问题") % {"question": item.question_shown}, field="note")
    item.answer, item.note = answer, note
    item.answered_by, item.answered_at = actor, timezone.now()
    if evidence is not None:
        item.evidence = evidence
    if answer == ChecklistAnswer.NO and item.problem_id is None:
        item.problem = _village_problem(item, village)
    item.save()
    return item


def _village_problem(item: ChecklistItem, village: AdminArea) -> Problem:
    rule = BY_ID[item.rule_id]
    key = f"{SubjectKind.VILLAGE}:{village.pk}"
    existing = Problem.objects.filter(Problem.open_q(), rule_id=rule.id, subject_key=key).first()
    if existing is not None:
        return existing
    campaign = item.part.campaign
    today = timezone.localdate()
    township = village.parent
    assert township is not None
    hit = Hit(
        key=key,
        household_id=None,
        member_id=None,
        subject_id=None,
        area_id=village.pk,
        area_code=village.code,
        co_code="",
        evidence={"核查情况": item.note, "排查活动": campaign.name},
    )
    deadline = deadline_for(rule, area_code=village.code, detected_on=today)
    problem = new_problem(rule, hit=hit, township=township, run=campaign.run, on=today, deadline=deadline)
    problem.save()
    return problem


@transaction.atomic
def campaign_part_sign(*, part: CampaignPart, actor: User, note: str = "") -> CampaignPart:
    """签收: a village when every question is answered, a township when every village has signed."""
    part = CampaignPart.objects.select_for_update(of=("self",)).select_related("area", "campaign").get(pk=part.pk)
    _open_campaign(part)
    if part.area.level == AreaLevel.TOWNSHIP:
        allowed = permissions.can_verify_area(actor, part.area)
        waiting = part.villages.filter(signed_at__isnull=True).select_related("area")
        if allowed and waiting.exists():
            names = "、".join(v.area.name for v in waiting[:5])
            raise DomainError(
                _("还有 %(count)s 个村未签收（%(names)s…）") % {"count": waiting.count(), "names": names}, field="part"
            )
    else:
        allowed = has_capability(actor, Capability.SUBMIT_RECTIFICATION) and in_territory(actor, part.area.code)
        unanswered = part.items.filter(answer="").count()
        if allowed and unanswered:
            raise DomainError(_("还有 %(unanswered)s 项核查事项未填报") % {"unanswered": unanswered}, field="part")
    if not allowed:
        raise PermissionDenied
    part.signed_by, part.signed_at, part.note = actor, timezone.now(), (note or "").strip()
    part.save(update_fields=["signed_by", "signed_at", "note"])
    return part


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor: User, note: str = "") -> Campaign:
    """The county signs the campaign off when every township has and the sweep is done (SPEC §7.4; NR-FC-01 counts
    a centralized campaign closed this way)."""
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("county", "run").get(pk=campaign.pk)
    if not permissions.can_verify_area(actor, campaign.county):
        raise PermissionDenied
    if campaign.status != CampaignStatus.OPEN:
        raise TransitionNotAllowed(_("排查活动已结束"))
    waiting = campaign.parts.filter(area__level=AreaLevel.TOWNSHIP, signed_at__isnull=True).select_related("area")
    if waiting.exists():
        names = "、".join(part.area.name for part in waiting)
        raise DomainError(_("还有乡镇未签收：%(names)s") % {"names": names}, field="campaign")
    if campaign.run is not None and campaign.run.status != RunStatus.DONE:
        raise DomainError(_("自动排查尚未完成"), field="campaign")
    campaign.status = CampaignStatus.CLOSED
    campaign.signed_by, campaign.signed_at = actor, timezone.now()
    campaign.save(update_fields=["status", "signed_by", "signed_at"])
    return campaign
