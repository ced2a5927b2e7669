"""Campaigns (SPEC §7.4): the county opens one, its sweep runs, every village answers the checklist ("否" opens a
problem), and the parts are signed off village → township → county, each only when what lies below is done."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.roles import Role
from core.errors import DomainError, TransitionNotAllowed
from sweeps.choices import CampaignStatus, RunStatus
from sweeps.models import CampaignPart, ChecklistItem, Problem
from sweeps.rules import CHECKLIST
from sweeps.services import campaign_close, campaign_open, campaign_part_sign, checklist_answer
from tests.factories import UserFactory, VillageFactory
from tests.worlds.sweeps import TODAY, World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world():
    return World()


def _open(world, work_off):
    campaign = campaign_open(
        actor=world.county_reviewer,
        county=world.county,
        kind="centralized",
        name="2026年集中全面排查",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=30),
    )
    work_off(campaign.run)
    return campaign


def _answer_all(world, part, *, no=()):
    for item in part.items.all():
        answer = "no" if item.rule_id in no else "yes"
        checklist_answer(
            item=item, actor=world.village_worker, answer=answer, note="本村尚无标准化卫生室" if no else ""
        )


def test_a_campaign_from_opening_to_the_county_sign_off(world, work_off):
    campaign = _open(world, work_off)
    campaign.run.refresh_from_db()
    assert campaign.run.status == RunStatus.DONE
    village_part = CampaignPart.objects.get(campaign=campaign, area=world.village)
    township_part = CampaignPart.objects.get(campaign=campaign, area=world.township)
    assert village_part.items.count() == len(CHECKLIST)

    # a village cannot sign before every question is answered; the township not before its villages
    with pytest.raises(DomainError, match=f"还有 {len(CHECKLIST)} 项核查事项未填报"):
        campaign_part_sign(part=village_part, actor=world.village_worker)
    with pytest.raises(DomainError, match="个村未签收"):
        campaign_part_sign(part=township_part, actor=world.township_cadre)

    _answer_all(world, village_part, no={"FC-SHORT-SERVICE-02"})
    problem = Problem.objects.get(rule_id="FC-SHORT-SERVICE-02", area=world.village)
    assert (problem.mode, problem.subject_kind, problem.first_run) == ("manual", "village", campaign.run)
    assert problem.deadline == TODAY + datetime.timedelta(days=90)  # village problems: rect.deadline_days
    campaign_part_sign(part=village_part, actor=world.village_worker, note="已逐项核查")
    with pytest.raises(TransitionNotAllowed, match="已签收"):
        checklist_answer(item=village_part.items.first(), actor=world.village_worker, answer="no", note="改")
    with pytest.raises(DomainError, match="还有乡镇未签收"):
        campaign_close(campaign=campaign, actor=world.county_reviewer)
    campaign_part_sign(part=township_part, actor=world.township_cadre)
    campaign_close(campaign=campaign, actor=world.county_reviewer, note="同意")

    campaign.refresh_from_db()
    assert (campaign.status, campaign.signed_by) == (CampaignStatus.CLOSED, world.county_reviewer)


def test_no_needs_a_note_and_answering_no_twice_keeps_one_problem(world, work_off):
    campaign = _open(world, work_off)
    item = ChecklistItem.objects.get(part__campaign=campaign, part__area=world.village, rule_id="FC-SHORT-GOV-02")

    with pytest.raises(DomainError, match="答“否”时请说明"):
        checklist_answer(item=item, actor=world.village_worker, answer="no")
    checklist_answer(item=item, actor=world.village_worker, answer="no", note="集体经济收入 2 万元")
    checklist_answer(item=item, actor=world.village_worker, answer="no", note="集体经济收入 2.5 万元")

    assert Problem.objects.filter(rule_id="FC-SHORT-GOV-02", area=world.village).count() == 1


def test_only_the_county_opens_and_only_the_place_answers(world, work_off):
    with pytest.raises(PermissionDenied):
        campaign_open(
            actor=world.township_cadre,
            county=world.county,
            kind="centralized",
            name="x",
            starts_on=TODAY,
            ends_on=TODAY,
        )
    campaign = _open(world, work_off)
    item = ChecklistItem.objects.filter(part__campaign=campaign, part__area=world.village).first()
    outsider = UserFactory(roles=[Role.VILLAGE_WORKER], area=VillageFactory(parent=world.township, code="640324100299"))
    with pytest.raises(PermissionDenied):
        checklist_answer(item=item, actor=outsider, answer="yes")
    with pytest.raises(PermissionDenied):
        campaign_close(campaign=campaign, actor=world.township_cadre)


def test_the_village_answers_its_checklist_on_the_page(client, world, work_off):
    campaign = _open(world, work_off)
    part = CampaignPart.objects.get(campaign=campaign, area=world.village)
    item = part.items.get(rule_id="FC-SHORT-INFRA-03")
    client.force_login(world.village_worker)

    page = client.get(part.get_absolute_url())
    assert page.context["can_answer"] is True
    assert client.get(campaign.get_absolute_url()).status_code == 200  # the village sees its campaign
    client.post(
        reverse("sweeps:checklist-answer", args=[item.pk]),
        {f"i{item.pk}-answer": "no", f"i{item.pk}-note": "3 个组未通 4G"},
    )

    item.refresh_from_db()
    assert (item.answer, item.answered_by) == ("no", world.village_worker)
    assert item.problem.title == item.question
