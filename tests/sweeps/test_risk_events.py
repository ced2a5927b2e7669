"""Large-scale risk events (SPEC §4.12) and their sweep (SPEC §7.4 ``event``): rule FC-LOSS-DISASTER-01 (§7.3) flags
the households a disaster hit that were not visited within ``sweep.event_visit_days`` (15) of its start, only in the
covered areas; a visit closes the problem; re-running changes nothing; the households hit are suggested for
identification (UE-2) with the event named; the county records, the township reads, another county gets 404."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Role
from core.errors import DomainError
from households.models import Visit
from households.services.visits import VisitInput, visit_record
from monitoring.selectors.eligibility import trigger_choices
from monitoring.selectors.suggestions import identification_hints
from sweeps.choices import ProblemStatus, RunStatus, SweepKind
from sweeps.models import Problem, RiskEvent, SweepRun
from sweeps.rules import AUTOMATED, BY_ID
from sweeps.rules.events import event_visit_due_on, event_visit_missed
from sweeps.selectors import risk_event_progress
from sweeps.services import sweep_start
from sweeps.services.events import risk_event_record, risk_event_sweep
from tests.factories import CountyFactory, HouseholdFactory, TownshipFactory, UserFactory, VillageFactory
from tests.worlds.sweeps import DAY, TODAY, World, hits

pytestmark = pytest.mark.django_db
RULE = "FC-LOSS-DISASTER-01"


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world():
    """The sweep tests' county: the flood covers the township's first two villages; a third village of the same
    township and a village of a second township stay dry."""
    world = World()
    world.flooded = VillageFactory(parent=world.township, code=f"{world.township.code[:9]}202")
    world.dry = VillageFactory(parent=world.township, code=f"{world.township.code[:9]}203")
    world.second_township = TownshipFactory(parent=world.county, code=f"{world.county.code[:6]}199000")
    world.far = VillageFactory(parent=world.second_township, code=f"{world.county.code[:6]}199201")
    return world


def _household(village):
    return HouseholdFactory(managing_area=village)


def _visit(world, household, on, *, risk_note=""):
    return Visit.objects.create(
        household=household, visited_on=on, recorded_by=world.village_worker, risk_found=bool(risk_note),
        risk_note=risk_note,
    )  # fmt: skip


def _record(world, django_capture_on_commit_callbacks, *, starts_on, **fields):
    """The county records a flood over the first two villages; its sweep waits for a worker (``work_off``)."""
    with django_capture_on_commit_callbacks(execute=False):
        return risk_event_record(
            actor=world.county_reviewer,
            county=world.county,
            kind=fields.pop("kind", "flood_drought"),
            name=fields.pop("name", "2026年夏季洪涝"),
            areas=fields.pop("areas", [world.village, world.flooded]),
            starts_on=starts_on,
            **fields,
        )


def _sweep(event, work_off):
    return work_off(event.runs.order_by("-pk").first())


def _open(household):
    return Problem.objects.filter(Problem.open_q(), rule_id=RULE, household=household)


# ------------------------------------------------------------------------------------------------ the event sweep


def test_a_flood_flags_the_unvisited_households_of_its_villages_only(
    world, work_off, django_capture_on_commit_callbacks
):
    # given: households in the two flooded villages, the dry one and the other township
    unvisited = _household(world.village)
    visited_before_only = _household(world.flooded)
    _visit(world, visited_before_only, TODAY - 30 * DAY)  # before the flood: does not count
    visited_after = _household(world.flooded)
    _visit(world, visited_after, TODAY - 10 * DAY)
    dry, far = _household(world.dry), _household(world.far)

    # when: a flood that began 20 days ago (visits were due 5 days ago) is recorded, and its sweep runs
    event = _record(world, django_capture_on_commit_callbacks, starts_on=TODAY - 20 * DAY)
    run = _sweep(event, work_off)

    # then: an event run over the one township touched, with the one rule
    assert (run.kind, run.status, run.risk_event) == (SweepKind.EVENT, RunStatus.DONE, event)
    assert [chunk.township for chunk in run.chunks.all()] == [world.township]
    assert run.rule_versions == {RULE: 1}
    assert event.visit_due_on == TODAY - 5 * DAY  # start + sweep.event_visit_days (15)
    # the affected households are those of the covered villages, never the others
    assert set(event.affected_households.all()) == {unvisited, visited_before_only, visited_after}
    # the households not visited since the start, and only they, have a problem naming the event and due day
    flagged = set(Problem.objects.filter(rule_id=RULE).values_list("household", flat=True))
    assert flagged == {unvisited.pk, visited_before_only.pk}
    problem = _open(unvisited).get()
    assert problem.title == "灾后未及时走访"
    assert problem.evidence == {
        "event_name": "2026年夏季洪涝",
        "event_started_on": (TODAY - 20 * DAY).isoformat(),
        "event_visit_due_on": (TODAY - 5 * DAY).isoformat(),
    }
    assert run.totals == {RULE: {"hits": 2, "new": 2, "gone": 0}}
    assert not Problem.objects.filter(household__in=[dry, far, visited_after]).exists()


@pytest.mark.parametrize(("days_since_start", "flagged"), [(15, False), (16, True)])
def test_the_visit_is_due_on_the_fifteenth_day_and_missed_from_the_sixteenth(
    world, work_off, django_capture_on_commit_callbacks, days_since_start, flagged
):
    household = _household(world.village)
    event = _record(world, django_capture_on_commit_callbacks, starts_on=TODAY - days_since_start * DAY)
    _sweep(event, work_off)

    assert _open(household).exists() is flagged
    # the Python face agrees on the same day
    assert event_visit_due_on(event.starts_on, visit_days=15) == event.visit_due_on
    assert event_visit_missed(starts_on=event.starts_on, visit_due_on=event.visit_due_on, visits=[], on=TODAY) is (
        flagged
    )


def test_the_rule_has_one_answer_row_by_row_and_as_a_query(world, work_off, django_capture_on_commit_callbacks):
    households = [_household(world.village) for _ in range(4)]
    _visit(world, households[1], TODAY - 40 * DAY)  # before the start
    _visit(world, households[2], TODAY - 20 * DAY)  # the day of the start
    _visit(world, households[3], TODAY - 2 * DAY)  # late, but a visit
    event = _record(world, django_capture_on_commit_callbacks, starts_on=TODAY - 20 * DAY)
    _sweep(event, work_off)

    by_row = {
        f"household:{h.pk}"
        for h in households
        if event_visit_missed(
            starts_on=event.starts_on,
            visit_due_on=event.visit_due_on,
            visits=list(h.visits.values_list("visited_on", flat=True)),
            on=TODAY,
        )
    }
    assert by_row == {f"household:{households[0].pk}", f"household:{households[1].pk}"}
    assert hits(world, RULE) == by_row


def test_recording_a_visit_closes_the_problem(world, work_off, django_capture_on_commit_callbacks):
    household = _household(world.village)
    event = _record(world, django_capture_on_commit_callbacks, starts_on=TODAY - 20 * DAY)
    _sweep(event, work_off)
    problem = _open(household).get()

    visit_record(actor=world.village_worker, household=household, data=VisitInput(visited_on=TODAY), photos=[])

    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    assert problem.closed_by == world.village_worker
    assert problem.events.get().comment == f"{TODAY.isoformat()} 已入户走访，灾后走访问题自动销号"
    # the next sweep finds nothing to reopen
    with django_capture_on_commit_callbacks(execute=False):
        again = risk_event_sweep(event=event, actor=world.county_reviewer)
    assert work_off(again).totals == {RULE: {"hits": 0, "new": 0, "gone": 0}}


def test_a_visit_before_a_second_disaster_leaves_its_problem_open(world, work_off, django_capture_on_commit_callbacks):
    household = _household(world.village)
    first = _record(world, django_capture_on_commit_callbacks, starts_on=TODAY - 40 * DAY, name="春季干旱")
    second = _record(world, django_capture_on_commit_callbacks, starts_on=TODAY - 20 * DAY, name="夏季冰雹")
    _sweep(first, work_off)
    _sweep(second, work_off)
    problem = _open(household).get()  # one open problem for the household, whatever number of events

    # a visit between the two disasters settles the first only
    visit_record(
        actor=world.village_worker, household=household, data=VisitInput(visited_on=TODAY - 30 * DAY), photos=[]
    )
    assert _open(household).get() == problem
    visit_record(actor=world.village_worker, household=household, data=VisitInput(visited_on=TODAY), photos=[])
    assert not _open(household).exists()


def test_rerunning_the_event_sweep_opens_nothing_new(world, work_off, django_capture_on_commit_callbacks):
    households = [_household(world.village), _household(world.flooded)]
    event = _record(world, django_capture_on_commit_callbacks, starts_on=TODAY - 20 * DAY)
    _sweep(event, work_off)
    first = set(Problem.objects.filter(rule_id=RULE).values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=False):
        again = risk_event_sweep(event=event, actor=world.county_reviewer)
    work_off(again)
    # and a routine sweep of the county carries the rule too
    with django_capture_on_commit_callbacks(execute=False):
        routine = sweep_start(county=world.county, kind=SweepKind.ROUTINE)
    work_off(routine)

    assert again.totals == {RULE: {"hits": 2, "new": 0, "gone": 0}}
    assert routine.totals[RULE] == {"hits": 2, "new": 0, "gone": 0}
    assert set(Problem.objects.filter(rule_id=RULE).values_list("pk", flat=True)) == first
    assert event.affected_households.count() == len(households)
    assert RULE in {rule.id for rule in AUTOMATED}
    assert BY_ID[RULE].basis.startswith("SPEC §7.3, §4.12")


def test_an_event_sweep_is_not_started_from_the_county_form(world):
    with pytest.raises(DomainError, match="请选择排查类型"):
        sweep_start(county=world.county, kind=SweepKind.EVENT, actor=world.county_reviewer)


def test_a_second_start_while_the_event_sweep_runs_is_refused(world, django_capture_on_commit_callbacks):
    event = _record(world, django_capture_on_commit_callbacks, starts_on=TODAY - 20 * DAY)
    with pytest.raises(DomainError, match="本事件的排查正在进行"):
        risk_event_sweep(event=event, actor=world.county_reviewer)
    assert event.runs.count() == 1


# --------------------------------------------------------------------------------------------------- recording


def test_a_refusal_names_every_failing_condition_and_saves_nothing(world):
    foreign_village = VillageFactory()
    with pytest.raises(DomainError) as refused:
        risk_event_record(
            actor=world.county_reviewer, county=world.county, kind="flood_drought", name=" ",
            areas=[foreign_village, world.county], starts_on=TODAY + DAY, ends_on=TODAY, estimated_loss=-1,
        )  # fmt: skip
    message = refused.value.message
    reasons = ["请填写事件名称", "不在", "影响范围只能选乡镇或村", "发生日期不能晚于今天", "结束日期不能早于发生日期"]
    for reason in [*reasons, "估计损失不能为负数"]:
        assert reason in message
    assert not RiskEvent.objects.exists()
    assert not SweepRun.objects.exists()


def test_only_a_county_reviewer_of_the_county_records_an_event(world):
    for user in (world.township_cadre, UserFactory(roles=[Role.COUNTY_REVIEWER], area=CountyFactory())):
        with pytest.raises(PermissionDenied):
            risk_event_record(
                actor=user, county=world.county, kind="fire", name="火灾", areas=[world.village], starts_on=TODAY
            )
    assert not RiskEvent.objects.exists()


# ------------------------------------------------------------------------------------- suggested identification


def test_the_households_hit_are_suggested_for_identification_naming_the_event(
    world, work_off, django_capture_on_commit_callbacks
):
    # given: after the flood, one household never visited, one visited with a loss found, one visited without,
    # one already monitored and not visited, one in the dry village
    unvisited, lost, fine, monitored = (_household(world.village) for _ in range(4))
    world.subject(monitored)
    dry = _household(world.dry)
    _visit(world, fine, TODAY - 18 * DAY)
    event = _record(world, django_capture_on_commit_callbacks, starts_on=TODAY - 20 * DAY, estimated_loss=120000)
    _sweep(event, work_off)
    # a loss found on a visit the problem has not yet heard of: two reasons, one household
    _visit(world, lost, TODAY - 3 * DAY, risk_note="洪水冲毁大棚，损失约 3 万元")
    assert _open(lost).exists()
    assert _open(monitored).exists()
    assert not _open(fine).exists()

    # when
    progress = risk_event_progress(event, user=world.county_reviewer, today=TODAY)
    hints = {h.pk: identification_hints(h, on=TODAY) for h in (unvisited, lost, fine, monitored, dry)}

    # then: the hit households not yet identified are suggested once each; the monitored one is not repeated
    assert progress.suggested == sorted([unvisited, lost], key=lambda h: h.household_no)
    assert (progress.affected, progress.visited, progress.not_visited) == (4, 2, 2)
    # the reason names the event, once, and supports UE-2 因灾
    (hint,) = hints[lost.pk]
    assert hint.title == f"受“2026年夏季洪涝”（水旱灾害，{(TODAY - 20 * DAY).isoformat()} 起）影响"
    assert hint.disaster
    assert hint.url == event.get_absolute_url()
    assert [h.key for h in hints[unvisited.pk]] == [f"risk_event:{event.pk}"]
    assert hints[fine.pk] == []
    assert hints[dry.pk] == []
    suggested = {code for code, _label, _category, tick in trigger_choices(unvisited, on=TODAY) if tick}
    assert {"UE-2", "MA-3"} <= suggested
    assert "UE-2" not in {code for code, _label, _category, tick in trigger_choices(dry, on=TODAY) if tick}


def test_the_entry_report_starts_from_the_event(world, work_off, django_capture_on_commit_callbacks, client):
    household = _household(world.village)
    event = _record(world, django_capture_on_commit_callbacks, starts_on=TODAY - 20 * DAY)
    _sweep(event, work_off)
    client.force_login(world.village_worker)

    page = client.get(reverse("monitoring:entry-create", args=[household.pk])).content.decode()

    assert "受“2026年夏季洪涝”（水旱灾害" in page


# ------------------------------------------------------------------------------------------------------- pages


def test_the_county_records_an_event_from_its_page(world, client, django_capture_on_commit_callbacks):
    household = _household(world.flooded)
    client.force_login(world.county_reviewer)
    assert client.get(reverse("sweeps:risk-event-create")).status_code == 200

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("sweeps:risk-event-create"),
            {
                "county": world.county.code, "kind": "flood_drought", "name": "2026年夏季洪涝",
                "areas": [world.village.code, world.flooded.code], "starts_on": (TODAY - 2 * DAY).isoformat(),
                "estimated_loss": "350000", "description": "连续强降雨",
                "plan": SimpleUploadedFile("预案.pdf", b"%PDF-1.4 plan"),
            },
        )  # fmt: skip

    event = RiskEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert set(event.areas.all()) == {world.village, world.flooded}
    assert event.plan.name.startswith("sweeps/events/")
    assert event.runs.get().status == RunStatus.PENDING
    shown = client.get(event.get_absolute_url())
    page = shown.content.decode()
    assert shown.status_code == 200, page[-3000:]
    assert "2026年夏季洪涝" in page
    assert "排查进行中" in page
    assert "连续强降雨" in page
    assert "350000.00" in page
    assert household.household_no not in page  # listed once the sweep has run (the sweep tests above)


@pytest.mark.parametrize(
    ("_case", "role", "area_of", "status"),
    [
        ("reviewer of the county", Role.COUNTY_REVIEWER, lambda w: w.county, 200),
        ("cadre of a township of the county", Role.TOWNSHIP_CADRE, lambda w: w.second_township, 200),
        ("worker of a flooded village", Role.VILLAGE_WORKER, lambda w: w.village, 200),
        ("reviewer of another county", Role.COUNTY_REVIEWER, lambda w: CountyFactory(), 404),
        ("reviewer without an area", Role.COUNTY_REVIEWER, lambda w: None, 404),
    ],
)
def test_who_reads_an_event(world, client, django_capture_on_commit_callbacks, _case, role, area_of, status):
    event = _record(world, django_capture_on_commit_callbacks, starts_on=TODAY - 20 * DAY)
    client.force_login(UserFactory(roles=[role], area=area_of(world)))

    assert client.get(event.get_absolute_url()).status_code == status
    listed = client.get(reverse("sweeps:risk-event-list")).content.decode()
    assert ("2026年夏季洪涝" in listed) is (status == 200)


def test_a_township_reads_but_does_not_record_or_rerun(world, client, django_capture_on_commit_callbacks):
    event = _record(world, django_capture_on_commit_callbacks, starts_on=TODAY - 20 * DAY)
    SweepRun.objects.update(status=RunStatus.DONE)
    client.force_login(world.township_cadre)

    assert client.get(reverse("sweeps:risk-event-create")).status_code == 403
    assert client.post(reverse("sweeps:risk-event-sweep", args=[event.pk])).status_code == 403
    assert event.runs.count() == 1  # refused: nothing started
    assert "重新排查受影响区域" not in client.get(event.get_absolute_url()).content.decode()


# --------------------------------------------------------------------------------------------------------- API


def _as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_an_event_over_the_api(world, work_off, django_capture_on_commit_callbacks):
    household = _household(world.village)
    county = _as(world.county_reviewer)
    body = {"county": world.county.code, "kind": "flood_drought", "name": "2026年夏季洪涝",
            "areas": [world.village.code], "starts_on": (TODAY - 20 * DAY).isoformat()}  # fmt: skip

    refused = county.post("/api/v1/risk-events/", {**body, "areas": ["999999999999"]}, format="json")
    assert refused.status_code == 400
    assert "有乡镇或村不存在" in refused.content.decode()
    assert _as(world.village_worker).post("/api/v1/risk-events/", body, format="json").status_code == 403
    with django_capture_on_commit_callbacks(execute=False):
        created = county.post("/api/v1/risk-events/", body, format="json")
    assert created.status_code == 201, created.content
    event = RiskEvent.objects.get(pk=created.json()["id"])
    _sweep(event, work_off)

    shown = _as(world.township_cadre).get(f"/api/v1/risk-events/{event.pk}/").json()
    assert shown["areas"] == [world.village.code]
    assert shown["visit_due_on"] == (TODAY - 5 * DAY).isoformat()
    assert shown["affected"] == 1
    assert _open(household).exists()
    foreign = _as(UserFactory(roles=[Role.COUNTY_REVIEWER], area=CountyFactory()))
    assert foreign.get(f"/api/v1/risk-events/{event.pk}/").status_code == 404
    assert foreign.get("/api/v1/risk-events/").json()["count"] == 0
    with django_capture_on_commit_callbacks(execute=False):
        again = county.post(f"/api/v1/risk-events/{event.pk}/sweep/")
    assert again.status_code == 202
    assert event.runs.count() == 2
