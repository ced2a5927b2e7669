"""Every negative-list hit is answered (SPEC §4.7, mode ``override``): each hit needs its own county override with a
written reason; a hit recorded after an earlier override blocks approval again, named in the refusal, until it too
is overridden; the application page lists every hit with its override (who, when, why)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from geo.models import PolicyParameter
from monitoring.choices import EntryState
from monitoring.models import NegativeListHit
from monitoring.services import (
    entry_approve,
    entry_negative_hit_record,
    entry_negative_override,
    entry_return,
    entry_township_review,
)
from tests.worlds.monitoring import TODAY, County, walk_to_county

pytestmark = pytest.mark.django_db
S = EntryState
APPROVAL = {"category": "marginal_at_risk", "risk_types": ["illness"]}
NL2_REASON = "其子长期患病无力赡养，经入户核实两不愁三保障实际水平低"
NL1_REASON = "所谓车辆为亲属借用登记，经车管部门核实非本户资产"


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def county():
    return County()


def _at_county_with_an_overridden_hit(county):
    """An application at the county whose one hit (NL-2, found at home verification) the county has answered."""
    application = walk_to_county(county, county.household(per_capita=Decimal("5000")))
    entry_negative_hit_record(
        application=application, actor=county.village_worker, item="NL-2", evidence="老人户，其子在银川有稳定工作和住房"
    )
    entry_negative_override(application=application, actor=county.county_reviewer, comment=NL2_REASON)
    return application


def test_a_hit_recorded_after_an_earlier_override_blocks_approval_until_it_is_overridden_too(county):
    # given: NL-2 was overridden; the county returns the case and the township review finds NL-1 (SPEC §4.7: EN-4)
    application = _at_county_with_an_overridden_hit(county)
    entry_return(application=application, actor=county.county_reviewer, comment="请核实家庭车辆情况")
    entry_negative_hit_record(
        application=application, actor=county.township_cadre, item="NL-1", evidence="车管数据显示名下有小轿车一辆"
    )
    entry_township_review(application=application, actor=county.township_cadre, comment="已核实车辆情况，仍报县级")

    # when: the county approves
    with pytest.raises(DomainError) as refused:
        entry_approve(application=application, actor=county.county_reviewer, **APPROVAL)

    # then: the refusal names the unanswered hit, not the one already answered, and nothing moved
    assert "NL-1" in refused.value.message
    assert "NL-2" not in refused.value.message
    assert "须由县级审核人员说明理由放行" in refused.value.message
    assert refused.value.field == "negative_list"
    application.refresh_from_db()
    assert application.state == S.TOWNSHIP_REVIEWED

    # when: NL-1 gets its own override, approval goes through
    entry_negative_override(application=application, actor=county.county_reviewer, comment=NL1_REASON)
    entry_approve(application=application, actor=county.county_reviewer, **APPROVAL)

    application.refresh_from_db()
    assert application.state == S.APPROVED
    hits = {hit.item: hit for hit in application.negative_hits.all()}
    assert (hits["NL-2"].override_reason, hits["NL-2"].overridden_by) == (NL2_REASON, county.county_reviewer)
    assert (hits["NL-1"].override_reason, hits["NL-1"].overridden_by) == (NL1_REASON, county.county_reviewer)
    assert hits["NL-2"].overridden_at < hits["NL-1"].recorded_at < hits["NL-1"].overridden_at
    notes = list(application.events.filter(comment__contains="放行").values_list("comment", flat=True))
    assert notes == [f"负面清单 NL-2 放行：{NL2_REASON}", f"负面清单 NL-1 放行：{NL1_REASON}"]


def test_several_waiting_hits_are_answered_one_by_one_and_an_answer_is_never_rewritten(county):
    application = walk_to_county(county, county.household(per_capita=Decimal("5000")))
    for item, evidence in (("NL-1", "名下有小轿车一辆"), ("NL-6", "危房改造补助未用于改造")):
        entry_negative_hit_record(application=application, actor=county.township_cadre, item=item, evidence=evidence)

    with pytest.raises(DomainError, match="请选择要放行的负面清单情形") as unnamed:
        entry_negative_override(application=application, actor=county.county_reviewer, comment=NL1_REASON)
    assert unnamed.value.field == "item"
    with pytest.raises(PermissionDenied):
        entry_negative_override(application=application, actor=county.township_cadre, comment=NL1_REASON, item="NL-1")
    with pytest.raises(DomainError, match="不少于 10 个字"):
        entry_negative_override(application=application, actor=county.county_reviewer, comment="同意", item="NL-1")
    with pytest.raises(DomainError, match="本申请没有登记 NL-3"):
        entry_negative_override(application=application, actor=county.county_reviewer, comment=NL1_REASON, item="NL-3")
    assert not NegativeListHit.objects.filter(overridden_at__isnull=False).exists()  # refusals changed nothing

    entry_negative_override(application=application, actor=county.county_reviewer, comment=NL1_REASON, item="NL-1")
    with pytest.raises(DomainError, match="NL-6"):
        entry_approve(application=application, actor=county.county_reviewer, **APPROVAL)
    answered = application.negative_hits.get(item="NL-1")
    with pytest.raises(DomainError) as again:
        entry_negative_override(
            application=application, actor=county.county_reviewer, comment="改写理由" * 5, item="NL-1"
        )
    on = timezone.localtime(answered.overridden_at).date()
    assert again.value.message == f"NL-1 已于 {on} 由 {county.county_reviewer} 放行"
    answered.refresh_from_db()
    assert answered.override_reason == NL1_REASON


def test_in_block_mode_no_override_lets_a_hit_through(county):
    PolicyParameter.objects.update_or_create(
        key="entry.negative_list_mode",
        area_code="640324000000",
        valid_from=TODAY - datetime.timedelta(days=30),
        defaults={"value": "block"},
    )
    application = _at_county_with_an_overridden_hit(county)

    with pytest.raises(DomainError, match=r"NL-2.*按本地规定不得批准"):
        entry_approve(application=application, actor=county.county_reviewer, **APPROVAL)


def test_the_page_lists_every_hit_with_its_override_and_offers_the_one_still_waiting(client, county):
    # given: NL-2 answered, NL-1 found after it
    application = _at_county_with_an_overridden_hit(county)
    entry_negative_hit_record(
        application=application, actor=county.township_cadre, item="NL-1", evidence="车管数据显示名下有小轿车一辆"
    )
    client.force_login(county.county_reviewer)

    # when
    page = client.get(application.get_absolute_url())

    # then: both hits, NL-2 with who, when and why, NL-1 as not yet answered; the form offers NL-1 only
    listed = page.text[page.text.index('data-testid="negative-list"') :]
    nl2, nl1 = listed.split('data-testid="negative-hit"')[1:3]
    assert "NL-2" in nl2
    assert NL2_REASON in nl2
    overridden = application.negative_hits.get(item="NL-2").overridden_at
    assert f"（{county.county_reviewer} {timezone.localtime(overridden):%Y-%m-%d %H:%M}）" in nl2
    assert "NL-1" in nl1
    assert "未放行" in nl1
    form = page.text[page.text.index(reverse("monitoring:entry-negative_override", args=[application.pk])) :]
    assert 'value="NL-1"' in form[: form.index("</form>")]
    assert 'value="NL-2"' not in form[: form.index("</form>")]

    # when: the reviewer answers NL-1 on the page
    client.post(
        reverse("monitoring:entry-negative_override", args=[application.pk]), {"item": "NL-1", "comment": NL1_REASON}
    )

    # then: the page shows both overrides, and the override form is gone
    page = client.get(application.get_absolute_url())
    listed = page.text[page.text.index('data-testid="negative-list"') :]
    assert NL2_REASON in listed
    assert NL1_REASON in listed
    assert "未放行" not in listed
    assert reverse("monitoring:entry-negative_override", args=[application.pk]) not in page.text


def test_the_api_refuses_approval_naming_the_unanswered_hit(api_client, county):
    application = _at_county_with_an_overridden_hit(county)
    entry_negative_hit_record(
        application=application, actor=county.township_cadre, item="NL-1", evidence="车管数据显示名下有小轿车一辆"
    )
    api_client.force_authenticate(county.county_reviewer)

    refused = api_client.post(reverse("api:entry-approve", args=[application.pk]), APPROVAL, format="json")

    assert refused.status_code == 400
    assert "NL-1" in refused.json()["detail"]
    application.refresh_from_db()
    assert application.state == S.TOWNSHIP_REVIEWED
