"""Typed risks (SPEC §4.3): found on a visit, by a department warning verified as a risk (§6.6) or by hand; one open
risk per household and type; resolved with a reason, most often the effect of the measure that answers it (§5); and
while any is open the county's screening (EL-5, §4.8 precondition 3) is refused, naming each one."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.roles import Role
from core.errors import DomainError
from households.choices import RiskEventKind
from households.facts import facts_of, facts_refresh_households, open_risks, risk_open_since
from households.models import Household, HouseholdFacts, RiskFlag
from households.services import VisitInput, risk_open, risk_resolve, visit_record
from monitoring.choices import EliminationState, MeasureStatus
from monitoring.selectors.eligibility import elimination_checks
from monitoring.services import elimination_screen, measure_update_status
from sweeps.services import screening_upload, warning_dispose
from sweeps.tasks import screening_batch_task
from tests.factories import RiskFlagFactory, UserFactory
from tests.worlds.monitoring import DAY, TODAY, County, measure_with, monitored_subject, to_county
from tests.worlds.sweeps import xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def county():
    return County()


def _open(county, household, risk_type="illness", *, found_on=TODAY - 10 * DAY, evidence="户主住院"):
    risk, _new = risk_open(
        actor=county.village_worker, household=household, risk_type=risk_type, found_on=found_on, evidence=evidence
    )
    return risk


# ------------------------------------------------------------------------------------------------- the exit guard


def test_an_exit_is_refused_naming_every_open_risk_and_passes_once_they_are_resolved(county):
    # given: a monitored household that meets every other exit condition, with two open risks
    subject = monitored_subject(county)
    case = to_county(county, subject)
    illness = _open(county, subject.household, "illness", found_on=TODAY - 30 * DAY, evidence="户主复发住院")
    disaster = risk_open(
        actor=county.township_cadre,
        household=subject.household,
        risk_type="disaster",
        found_on=TODAY - 5 * DAY,
        evidence="冰雹致玉米绝收",
        source="sweep",
        source_label="2026 年集中排查",
    )[0]

    # when / then: the refusal names both (type, since when, source), and nothing else fails
    with pytest.raises(DomainError) as refused:
        elimination_screen(case=case, actor=county.county_reviewer)
    assert refused.value.message == (
        f"1. 风险“因病”（{TODAY - 30 * DAY} 起，农户自报）尚未消除，须先落实帮扶并登记消除；"
        f"2. 风险“因灾”（{TODAY - 5 * DAY} 起，排查发现（2026 年集中排查））尚未消除，须先落实帮扶并登记消除"
    )
    risks_page = reverse("households:risk-list", args=[subject.household.pk])
    assert [fix.url for fix in refused.value.fixes] == [risks_page]
    case.refresh_from_db()
    assert case.state == EliminationState.TOWNSHIP_REVIEWED_NOTICED

    # when: one is resolved, the refusal names the other only
    risk_resolve(actor=county.village_worker, risk=illness, resolution="医疗救助到位，已出院")
    with pytest.raises(DomainError) as refused:
        elimination_screen(case=case, actor=county.county_reviewer)
    assert refused.value.message == (
        f"风险“因灾”（{TODAY - 5 * DAY} 起，排查发现（2026 年集中排查））尚未消除，须先落实帮扶并登记消除"
    )

    # when: both are resolved, the screening passes
    risk_resolve(actor=county.township_cadre, risk=disaster, resolution="灾后补种，产业保险已理赔")
    elimination_screen(case=case, actor=county.county_reviewer)
    case.refresh_from_db()
    assert case.state == EliminationState.COUNTY_SCREENED
    assert {"label": "无未消除的风险", "ok": True, "detail": "无"} in case.screening


def test_a_risk_resolved_on_the_day_is_no_longer_open_that_day_one_found_that_day_is(county):
    household = county.household(per_capita=Decimal("7000"))
    resolved = _open(county, household, "illness", found_on=TODAY - 3 * DAY)
    risk_resolve(actor=county.village_worker, risk=resolved, resolution="已康复", resolved_on=TODAY)
    found = _open(county, household, "accident", found_on=TODAY)
    risks = list(household.risks.all())
    assert [r.pk for r in open_risks(risks, TODAY)] == [found.pk]
    assert [r.pk for r in open_risks(risks, TODAY - DAY)] == [resolved.pk]
    assert risk_open_since(risks, TODAY) == TODAY
    assert risk_open_since(risks, TODAY - 4 * DAY) is None
    assert facts_of(household).risk_open_since == TODAY


# ---------------------------------------------------------------------------------------------- where risks come from


def test_a_visit_opens_a_risk_of_each_type_ticked_and_finds_an_open_one_again(county):
    household = county.household(per_capita=Decimal("5000"))
    data = VisitInput(visited_on=TODAY - DAY, risk_types=["illness", "education"], risk_note="户主住院，子女上大学")
    visit = visit_record(actor=county.village_worker, household=household, data=data, photos=[])
    assert visit.risk_found is True
    risks = {r.risk_type: r for r in household.risks.all()}
    assert set(risks) == {"illness", "education"}
    assert all((r.source, r.visit, r.found_on, r.evidence) == ("visit", visit, TODAY - DAY, "户主住院，子女上大学")
               for r in risks.values())  # fmt: skip
    assert facts_of(household).risk_open_since == TODAY - DAY

    # a later visit that finds illness again adds an event to the open risk, not a second risk
    again = VisitInput(visited_on=TODAY, risk_types=["illness"], risk_note="仍在住院")
    visit_record(actor=county.village_worker, household=household, data=again, photos=[])
    assert household.risks.count() == 2
    assert list(risks["illness"].events.values_list("kind", flat=True)) == [
        RiskEventKind.OPENED,
        RiskEventKind.FOUND_AGAIN,
    ]


def test_a_visit_that_names_an_unknown_type_saves_nothing(county):
    household = county.household(per_capita=Decimal("5000"))
    data = VisitInput(visited_on=TODAY, risk_types=["illness", "bad_luck"], risk_note="x")
    with pytest.raises(DomainError, match="bad_luck"):
        visit_record(actor=county.village_worker, household=household, data=data, photos=[])
    assert (household.visits.count(), household.risks.count()) == (0, 0)


def test_a_warning_verified_as_a_risk_opens_one_and_a_warning_found_riskless_does_not(
    county, today, django_capture_on_commit_callbacks
):
    # given: the health department's list names two members of two households
    screener = UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=county.county, department="health")
    ill = county.household(per_capita=Decimal("5000"))
    well = county.household(per_capita=Decimal("5000"))
    rows = [[h.members.first().id_number, "", "", "确诊大病重病", None, None, "", ""] for h in (ill, well)]
    with django_capture_on_commit_callbacks():
        batch = screening_upload(actor=screener, period="2026-Q4", upload=xlsx(rows))
    screening_batch_task(batch.pk)
    for household in (ill, well):
        visit_record(actor=county.village_worker, household=household, data=VisitInput(visited_on=TODAY), photos=[])
    warning_ill, warning_well = (batch.warnings.get(household=h) for h in (ill, well))

    # when
    warning_dispose(
        warning=warning_ill,
        actor=county.village_worker,
        disposition="policy_not_delivered",
        note="确诊肺癌，医疗救助未落实",
    )
    warning_dispose(warning=warning_well, actor=county.village_worker, disposition="no_risk", note="已治愈")

    # then
    risk = ill.risks.get()
    assert (risk.risk_type, risk.source, risk.source_ref, risk.found_on) == (
        "illness",
        "department_warning",
        warning_ill.pk,
        TODAY,
    )
    assert risk.source_label.startswith("卫生健康2026-Q4")
    assert risk.evidence == "确诊肺癌，医疗救助未落实"
    assert well.risks.count() == 0


def test_a_delivered_measure_resolves_the_risks_it_answers_and_no_other(county):
    subject = monitored_subject(county, outcome=None)
    illness = _open(county, subject.household, "illness")
    housing = _open(county, subject.household, "housing", evidence="危房")
    measure = measure_with(county, subject, risks=[illness.pk])
    illness.refresh_from_db()
    assert (illness.measure_id, illness.measure_label) == (measure.pk, "医疗救助：申请医疗救助")

    measure_update_status(
        actor=county.village_worker, measure=measure, status=MeasureStatus.IN_PROGRESS, outcome_note=""
    )
    assert RiskFlag.objects.get(pk=illness.pk).resolved_on is None  # under way: no effect yet

    measure_update_status(
        actor=county.village_worker, measure=measure, status=MeasureStatus.DELIVERED, outcome_note="报销 3.2 万元"
    )
    illness.refresh_from_db()
    housing.refresh_from_db()
    assert (illness.resolved_on, illness.resolved_by, illness.resolution) == (
        TODAY,
        county.village_worker,
        "帮扶措施“医疗救助：申请医疗救助”见效：报销 3.2 万元",
    )
    assert housing.resolved_on is None
    assert facts_of(subject.household).risk_open_since == housing.found_on


def test_a_measure_cannot_answer_a_risk_of_another_household_and_saves_nothing(county):
    subject = monitored_subject(county, outcome=None)
    other = _open(county, county.household(per_capita=Decimal("5000")))
    before = subject.measures.count()
    with pytest.raises(DomainError, match=str(other.pk)):
        measure_with(county, subject, risks=[other.pk])
    assert subject.measures.count() == before


# --------------------------------------------------------------------------------------------- idempotence and rights


def test_opening_is_idempotent_per_type_while_open_and_a_new_one_after_resolution(county):
    household = county.household(per_capita=Decimal("5000"))
    first = _open(county, household)
    again, new = risk_open(
        actor=county.township_cadre, household=household, risk_type="illness", found_on=TODAY, evidence="复诊"
    )
    assert (again.pk, new) == (first.pk, False)
    risk_resolve(actor=county.village_worker, risk=first, resolution="已康复")
    later, new = risk_open(
        actor=county.village_worker, household=household, risk_type="illness", found_on=TODAY, evidence="复发"
    )
    assert new is True
    assert later.pk != first.pk
    # the database holds the rule too
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskFlag.objects.create(household=household, risk_type="illness", source="visit", found_on=TODAY, evidence="x")


@pytest.mark.parametrize(
    ("_case", "role", "area_of", "allowed"),
    [
        ("village worker of the village", Role.VILLAGE_WORKER, lambda c: c.village, True),
        ("township cadre of the township", Role.TOWNSHIP_CADRE, lambda c: c.township, True),
        ("county reviewer", Role.COUNTY_REVIEWER, lambda c: c.county, False),
        ("assistance cadre", Role.ASSISTANCE_CADRE, lambda c: c.village, False),
        ("village worker of another village", Role.VILLAGE_WORKER, lambda c: None, False),
    ],
)
def test_who_opens_and_resolves_risks_by_hand(county, _case, role, area_of, allowed):
    household = county.household(per_capita=Decimal("5000"))
    risk = RiskFlagFactory(household=household, found_on=TODAY - DAY)
    actor = UserFactory(roles=[role], area=area_of(county))
    if allowed:
        _new = risk_open(actor=actor, household=household, risk_type="housing", found_on=TODAY, evidence="危房")
        risk_resolve(actor=actor, risk=risk, resolution="核实已康复")
        assert household.risks.filter(resolved_on__isnull=True).values_list("risk_type", flat=True).get() == "housing"
        return
    with pytest.raises(PermissionDenied):
        risk_open(actor=actor, household=household, risk_type="housing", found_on=TODAY, evidence="危房")
    with pytest.raises(PermissionDenied):
        risk_resolve(actor=actor, risk=risk, resolution="核实已康复")
    assert list(household.risks.values_list("risk_type", "resolved_on")) == [("illness", None)]  # nothing changed


def test_a_resolution_needs_its_reason_and_a_day_between_finding_and_today(county):
    risk = _open(county, county.household(per_capita=Decimal("5000")), found_on=TODAY - 3 * DAY)
    with pytest.raises(DomainError, match="消除情况"):
        risk_resolve(actor=county.village_worker, risk=risk, resolution="  ")
    with pytest.raises(DomainError, match="不能早于发现日期"):
        risk_resolve(actor=county.village_worker, risk=risk, resolution="好了", resolved_on=TODAY - 4 * DAY)
    with pytest.raises(DomainError, match="不能晚于今天"):
        risk_resolve(actor=county.village_worker, risk=risk, resolution="好了", resolved_on=TODAY + DAY)
    risk.refresh_from_db()
    assert risk.resolved_on is None
    assert list(risk.events.values_list("kind", flat=True)) == [RiskEventKind.OPENED]


# --------------------------------------------------------------------------------------------------- page and API


def test_the_household_page_lists_open_and_resolved_risks_and_the_risks_page_opens_and_resolves(client, county):
    household = county.household(per_capita=Decimal("5000"))
    resolved = _open(county, household, "accident", found_on=TODAY - 20 * DAY, evidence="务工摔伤")
    risk_resolve(actor=county.village_worker, risk=resolved, resolution="伤愈复工")
    client.force_login(county.village_worker)
    page = client.get(household.get_absolute_url()).content.decode()
    assert 'data-testid="risk-section"' in page
    assert "伤愈复工" in page
    assert "无未消除的风险" in page

    url = reverse("households:risk-list", args=[household.pk])
    response = client.post(
        url, {"risk_type": "drinking_water", "source": "self_report", "found_on": TODAY, "evidence": "水窖干涸"}
    )
    assert response.status_code == 302
    risk = household.risks.get(resolved_on__isnull=True)
    assert (risk.risk_type, risk.source, risk.opened_by) == ("drinking_water", "self_report", county.village_worker)
    page = client.get(household.get_absolute_url()).content.decode()
    assert "因饮水安全问题" in page
    assert 'data-testid="open-risk-badge"' in page

    client.post(reverse("households:risk-resolve", args=[risk.pk]), {"resolution": "已接通自来水"})
    risk.refresh_from_db()
    assert (risk.resolved_on, risk.resolution) == (TODAY, "已接通自来水")


def test_a_reader_sees_the_risks_page_without_its_forms(client, county):
    household = county.household(per_capita=Decimal("5000"))
    _open(county, household)
    client.force_login(UserFactory(roles=[Role.COUNTY_REVIEWER], area=county.county))
    page = client.get(reverse("households:risk-list", args=[household.pk])).content.decode()
    assert "户主住院" in page
    assert 'data-testid="risk-open-form"' not in page
    assert 'data-testid="risk-resolve"' not in page
    response = client.post(reverse("households:risk-list", args=[household.pk]), {"risk_type": "illness"})
    assert response.status_code == 403


def test_the_api_lists_opens_and_resolves_risks(api_client, county):
    household = county.household(per_capita=Decimal("5000"))
    api_client.force_login(county.village_worker)
    url = f"/api/v1/households/{household.pk}/risks/"
    payload = {"risk_type": "disaster", "found_on": str(TODAY), "evidence": "冰雹"}
    created = api_client.post(url, payload, format="json")
    assert created.status_code == 201
    assert api_client.post(url, payload, format="json").status_code == 200  # the same open risk
    listed = api_client.get(url).json()
    assert [(r["risk_type"], r["is_open"], r["source"]) for r in listed] == [("disaster", True, "self_report")]
    resolved = api_client.post(f"/api/v1/risks/{created.json()['id']}/resolve/", {"resolution": "已理赔"})
    assert resolved.status_code == 200
    assert resolved.json()["is_open"] is False
    filtered = api_client.get("/api/v1/households/", {"risk_open": "true"}).json()
    assert filtered["results"] == []


def test_the_facts_table_and_the_risk_queue_agree_with_the_rows(county):
    waiting = county.household(per_capita=Decimal("5000"))
    _open(county, waiting, found_on=TODAY - 2 * DAY)
    quiet = county.household(per_capita=Decimal("5000"))
    facts_refresh_households([waiting.pk, quiet.pk], on=TODAY)
    stored = dict(HouseholdFacts.objects.values_list("household_id", "risk_open_since"))
    assert stored == {waiting.pk: TODAY - 2 * DAY, quiet.pk: None}
    assert list(Household.objects.filter(facts__risk_open_since__isnull=False)) == [waiting]
    checks = [c for c in elimination_checks(monitored_subject(county), on=TODAY).checks if c.label == "无未消除的风险"]
    assert [(c.ok, c.detail) for c in checks] == [(True, "无")]


def test_an_unknown_risk_id_is_a_404_in_the_api(api_client, county):
    api_client.force_login(county.village_worker)
    assert api_client.post("/api/v1/risks/999999/resolve/", {"resolution": "x"}).status_code == 404
