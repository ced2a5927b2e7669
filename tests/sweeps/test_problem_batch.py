"""Batch 交办 of four-checks problems (SPEC §7.5): a township or county reviewer ticks the problems waiting on the
problem list and assigns them in one request — each through ``problem_assign``, all or nothing, the first refusal
named by its household, village and title — and the person assigned hears of the batch once, not once a problem."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from core.batch import BatchRefused
from notifications.models import Notification
from sweeps.choices import ProblemStatus
from sweeps.models import Problem, ProblemEvent
from sweeps.rules import BY_ID
from sweeps.services import problem_assign, problems_assign
from tests.factories import CountyFactory, HouseholdFactory, TownshipFactory, UserFactory, VillageFactory
from tests.worlds.sweeps import TODAY, World

pytestmark = pytest.mark.django_db
P = ProblemStatus
DAY = datetime.timedelta(days=1)
RULE = BY_ID["FC-GAP-MISSED-REG-01"]
LIST = reverse("sweeps:problem-list")


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world():
    return World()


def open_problems(n, village):
    """``n`` open problems of ``village``, one household each, as a sweep leaves them."""
    made = []
    for _ in range(n):
        household = HouseholdFactory(managing_area=village)
        made.append(
            Problem.objects.create(
                rule_id=RULE.id,
                rule_version=RULE.version,
                category=RULE.category,
                gap_type=RULE.gap_type,
                mode=RULE.mode,
                title=RULE.title,
                subject_kind=RULE.subject,
                subject_key=f"household:{household.pk}",
                household=household,
                area=village,
                township=village.parent,
                area_code=village.code,
                detected_on=TODAY,
                last_seen_on=TODAY,
                deadline=TODAY + 30 * DAY,
            )
        )
    return made


def sibling_village(world):
    return VillageFactory(parent=world.township, code=world.township.code[:9] + "202")


def snapshot(problems):
    """What a refused batch must leave as it was: each problem's status, unit and events, and every inbox."""
    rows = Problem.objects.filter(pk__in=[p.pk for p in problems]).order_by("pk")
    return (
        [(p.status, p.responsible_unit, p.responsible_person_id, p.deadline, p.events.count()) for p in rows],
        Notification.objects.count(),
    )


def assign_fields(**change):
    return {"unit": "红星村村委会", "person": "", "deadline": "", "comment": "请十日内完成整改", **change}


# ---------------------------------------------------------------------------------------------------- the page


def test_a_township_assigns_ten_problems_in_one_request(world, client):
    # given: ten problems of the village waiting for 交办
    problems = open_problems(10, world.village)
    client.force_login(world.township_cadre)
    deadline = TODAY + 10 * DAY

    # when: one request with the ticked problems and the 交办 once
    response = client.post(
        f"{LIST}?status=open",
        {
            "problems": [p.pk for p in problems],
            **assign_fields(person=world.village_worker.pk, deadline=deadline.isoformat()),
        },
    )

    # then: back to the list, every problem assigned with its own event row
    assert response.status_code == 302
    assert response.url == f"{LIST}?status=open"
    rows = Problem.objects.filter(pk__in=[p.pk for p in problems])
    assert {(p.status, p.responsible_unit, p.responsible_person, p.deadline) for p in rows} == {
        (P.ASSIGNED, "红星村村委会", world.village_worker, deadline)
    }
    events = ProblemEvent.objects.filter(problem__in=problems)
    assert sorted(events.values_list("problem_id", flat=True)) == sorted(p.pk for p in problems)
    assert {(e.from_status, e.to_status, e.actor, e.comment) for e in events} == {
        (P.OPEN, P.ASSIGNED, world.township_cadre, "请十日内完成整改")
    }
    assert "已交办 10 个问题" in client.get(response.url).text


def test_the_list_offers_the_batch_to_a_reviewer_for_the_problems_waiting(world, client):
    waiting = open_problems(3, world.village)
    problem_assign(problem=waiting[2], actor=world.township_cadre, unit="村委会")

    client.force_login(world.township_cadre)
    page = client.get(LIST)

    assert page.context["assignable"] == {waiting[0].pk, waiting[1].pk}  # the assigned one has no checkbox
    assert page.context["assign_form"] is not None
    assert 'data-select-all="problems"' in page.text
    assert f'name="problems" value="{waiting[2].pk}"' not in page.text
    # the village works on problems but does not assign them: no batch, no checkboxes
    client.force_login(world.village_worker)
    page = client.get(LIST)
    assert page.context["assignable"] == set()
    assert 'name="problems"' not in page.text


def test_a_refusal_of_the_fourth_problem_names_it_and_saves_nothing(world, client):
    # given: ten problems; another reviewer assigned the fourth after the page was opened
    problems = open_problems(10, world.village)
    fourth = problems[3]
    problem_assign(problem=fourth, actor=world.county_reviewer, unit="乡镇", comment="县级先行交办")
    before = snapshot(problems)
    client.force_login(world.township_cadre)

    # when
    response = client.post(
        LIST, {"problems": [p.pk for p in problems], **assign_fields(person=world.village_worker.pk)}
    )

    # then: the page names the fourth problem by its village, household and title, never by its rule code
    assert response.status_code == 200
    refusal = response.context["refusal"]
    head = fourth.household.head_name
    assert refusal.startswith(f"第 4 个问题 {world.village.name}{head}户「{RULE.title}」：问题当前为“已交办”")
    assert refusal.endswith("本批未办理任何问题，请更正后重新提交")
    assert RULE.id not in refusal
    assert snapshot(problems) == before  # no status, no event, no notification of the first three
    # the page comes back as it was sent: the ticks kept, the fourth marked, the fields filled in
    assert response.context["ticked"] == {p.pk for p in problems}
    assert response.context["refused"] == fourth.pk
    assert response.context["assign_form"]["unit"].value() == "红星村村委会"
    assert refusal in response.text


def test_a_person_of_another_village_is_refused_at_that_villages_problem(world):
    # given: three problems of the village, then one of a sibling village
    problems = [*open_problems(3, world.village), *open_problems(1, sibling_village(world))]
    before = snapshot(problems)

    # when: all are assigned to the worker of the first village
    with pytest.raises(BatchRefused, match="第 4 个问题") as refused:
        problems_assign(problems=problems, actor=world.township_cadre, unit="村委会", person=world.village_worker)

    # then: the service's own reason, naming the fourth; nothing of the first three was saved
    assert "不能办理" in str(refused.value)
    assert refused.value.pk == problems[3].pk
    assert refused.value.field == "person"
    assert snapshot(problems) == before


def test_a_blank_unit_is_named_before_anything_is_saved(world, client):
    problems = open_problems(2, world.village)
    client.force_login(world.township_cadre)

    response = client.post(LIST, {"problems": [p.pk for p in problems], **assign_fields(unit="")})

    assert response.status_code == 200
    assert response.context["refusal"].startswith("责任单位：")
    assert not ProblemEvent.objects.exists()


def test_an_empty_batch_is_refused(world, client):
    open_problems(2, world.village)
    client.force_login(world.township_cadre)

    response = client.post(LIST, assign_fields())

    assert response.context["refusal"] == "请至少选择一个问题"
    assert not ProblemEvent.objects.exists()


@pytest.mark.parametrize(
    ("_case", "role", "area_of", "status"),
    [
        ("cadre of a sibling township", Role.TOWNSHIP_CADRE, lambda w: TownshipFactory(parent=w.county), 404),
        ("reviewer of another county", Role.COUNTY_REVIEWER, lambda w: CountyFactory(), 404),
        ("reviewer without an area", Role.COUNTY_REVIEWER, lambda w: None, 404),
        ("worker of the village (does not assign)", Role.VILLAGE_WORKER, lambda w: w.village, 403),
    ],
)
def test_problems_outside_the_users_area_or_right_are_refused(_case, role, area_of, status, world, client):
    problems = open_problems(3, world.village)
    before = snapshot(problems)
    client.force_login(UserFactory(roles=[role], area=area_of(world)))

    response = client.post(LIST, {"problems": [p.pk for p in problems], **assign_fields()})

    assert response.status_code == status
    assert snapshot(problems) == before


def test_one_foreign_problem_among_the_users_own_refuses_the_whole_batch_as_missing(world, client):
    own = open_problems(3, world.village)
    foreign = open_problems(1, VillageFactory(parent=TownshipFactory(parent=world.county)))
    before = snapshot(own + foreign)
    client.force_login(world.township_cadre)

    response = client.post(LIST, {"problems": [p.pk for p in own + foreign], **assign_fields()})

    assert response.status_code == 404
    assert snapshot(own + foreign) == before


# -------------------------------------------------------------------------------------------- notifications


def test_forty_problems_to_one_person_are_one_notification(world):
    # given: forty problems of the township's villages, assigned by the county to the township's cadre
    problems = [*open_problems(25, world.village), *open_problems(15, sibling_village(world))]

    # when
    assert problems_assign(problems=problems, actor=world.county_reviewer, unit="乡镇", person=world.township_cadre)

    # then: one summary for the whole batch, inside the cadre's township, listing the problems
    told = Notification.objects.filter(recipient=world.township_cadre)
    assert told.count() == 1
    summary = told.get()
    assert summary.title == "40 个整改任务已交办给您"
    assert summary.topic == "problem"
    assert summary.area_code == world.township.code  # the smallest area holding both villages
    assert summary.url == f"{LIST}?status=rectifying&mine=1"  # what was assigned to them, not all the township's
    lines = summary.body.splitlines()
    assert len(lines) == 40
    assert lines[0] == f"{world.village.name}{problems[0].household.head_name}户「{RULE.title}」"
    assert Notification.objects.visible_to(world.township_cadre).filter(pk=summary.pk).exists()
    assert not Notification.objects.exclude(recipient=world.township_cadre).exists()


def test_a_batch_of_one_tells_as_the_problems_page_does(world):
    (problem,) = open_problems(1, world.village)

    problems_assign(problems=[problem], actor=world.township_cadre, unit="村委会", person=world.village_worker)

    told = Notification.objects.get(recipient=world.village_worker)
    assert told.title == f"整改任务已交办给您：{problem.title}（{world.village.name}）"
    assert told.url == problem.get_absolute_url()


def test_a_batch_without_a_person_tells_no_one(world):
    problems = open_problems(5, world.village)

    problems_assign(problems=problems, actor=world.township_cadre, unit="村委会")

    assert not Notification.objects.exists()
    assert ProblemEvent.objects.filter(to_status=P.ASSIGNED).count() == 5


# ------------------------------------------------------------------------------------------------- locking


def test_the_rows_are_locked_in_primary_key_order_whatever_the_batch_order(world):
    problems = open_problems(4, world.village)
    shuffled = [problems[2], problems[0], problems[3], problems[1]]

    with CaptureQueriesContext(connection) as queries:
        problems_assign(problems=shuffled, actor=world.township_cadre, unit="村委会")

    table = Problem._meta.db_table
    first = next(q["sql"] for q in queries if f'FROM "{table}"' in q["sql"] and " IN (" in q["sql"])
    assert f'ORDER BY "{table}"."id" ASC' in first
    if connection.features.has_select_for_update:  # PostgreSQL; SQLite locks the whole database instead
        assert "FOR UPDATE" in first
    # the batch's own order is kept for the steps: the events were written in it
    events = ProblemEvent.objects.filter(to_status=P.ASSIGNED).order_by("pk")
    assert list(events.values_list("problem_id", flat=True)) == [p.pk for p in shuffled]


# ----------------------------------------------------------------------------------------------------- the API


def test_assign_a_batch_through_the_api(world, api_client):
    problems = open_problems(10, world.village)
    api_client.force_authenticate(world.township_cadre)
    url = reverse("api:problem-assign")
    body = {"ids": [p.pk for p in problems], "unit": "村委会", "person": world.village_worker.pk}

    answer = api_client.post(url, body, format="json")

    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["count"] == 10
    assert [row["id"] for row in data["results"]] == [p.pk for p in problems]
    assert {row["status"] for row in data["results"]} == {"assigned"}
    assert all(len(row["events"]) == 1 for row in data["results"])
    assert Notification.objects.filter(recipient=world.village_worker).count() == 1


def test_the_api_answers_ids_outside_the_area_as_missing_naming_them(world, api_client):
    own = open_problems(2, world.village)
    foreign = open_problems(1, VillageFactory(parent=TownshipFactory(parent=world.county)))
    before = snapshot(own + foreign)
    api_client.force_authenticate(world.township_cadre)

    answer = api_client.post(
        reverse("api:problem-assign"), {"ids": [own[0].pk, foreign[0].pk, own[1].pk], "unit": "村委会"}, format="json"
    )

    assert answer.status_code == 404
    assert answer.json()["detail"] == f"没有找到这些问题，或不在您的辖区内：{foreign[0].pk}"
    assert snapshot(own + foreign) == before


def test_the_api_names_the_refused_problem_and_saves_nothing(world, api_client):
    problems = open_problems(5, world.village)
    problem_assign(problem=problems[3], actor=world.township_cadre, unit="村委会")
    before = snapshot(problems)
    api_client.force_authenticate(world.township_cadre)

    answer = api_client.post(
        reverse("api:problem-assign"), {"ids": [p.pk for p in problems], "unit": "村委会"}, format="json"
    )

    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("第 4 个问题 ")
    assert snapshot(problems) == before
    api_client.force_authenticate(world.village_worker)
    refused = api_client.post(reverse("api:problem-assign"), {"ids": [problems[0].pk], "unit": "x"}, format="json")
    assert refused.status_code == 403


def test_the_schema_documents_the_batch_actions(api_client, world):
    api_client.force_authenticate(world.township_cadre)
    schema = api_client.get(reverse("api-schema"), {"format": "json"}).json()

    for path in ("/api/v1/problems/assign/", "/api/v1/warnings/dispose/"):
        operation = schema["paths"][path]["post"]
        assert {"200", "400", "403", "404"} <= set(operation["responses"]), path
        request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        ids = schema["components"]["schemas"][request]["properties"]["ids"]
        assert (ids["type"], ids["minItems"], ids["maxItems"]) == ("array", 1, 500), path
    assert schema["paths"]["/api/v1/warnings/dispose/"]["post"]["operationId"] == "v1_warnings_dispose_many"


# ------------------------------------------------------------------------------------------------- the browser


def _fits(page):
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} scrolls sideways by {wide}px"


def _bar_on_screen(page):
    """The action bar is in the viewport's width and height, however long the list: it sticks to the bottom."""
    box = page.get_by_test_id("batch-bar").bounding_box()
    size = page.viewport_size
    assert box is not None
    assert size is not None
    assert 0 <= box["x"] <= box["x"] + box["width"] <= size["width"]
    assert 0 <= box["y"] <= box["y"] + box["height"] <= size["height"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_township_assigns_a_batch_on_a_phone(phone_page, page_problems):
    from playwright.sync_api import expect

    from tests.browser import SCREENSHOTS, assert_no_page_problems, log_in

    page = phone_page
    world = World()
    world.township_cadre.username = "xiangzhen"
    world.township_cadre.save()
    problems = open_problems(8, world.village)
    skipped = problems[3]

    page.goto(LIST)
    log_in(page, "xiangzhen")
    expect(page.get_by_test_id("problem-row")).to_have_count(8)
    page.get_by_label("全选本页待交办的问题").check()
    expect(page.get_by_text("已选 8 个问题")).to_be_visible()
    page.get_by_label(f"选择：{world.village.name} {skipped.household.head_name}户 {RULE.title}").uncheck()
    expect(page.get_by_text("已选 7 个问题")).to_be_visible()
    page.get_by_label("责任单位").fill("红星村村委会")
    page.get_by_label("责任人").select_option(value=str(world.village_worker.pk))
    _fits(page)
    _bar_on_screen(page)
    page.screenshot(path=str(SCREENSHOTS / "problem-batch-390.png"), full_page=True)
    page.get_by_test_id("batch-bar").get_by_role("button", name="交办选中的问题").click()

    expect(page.get_by_role("alert").first).to_contain_text("已交办 7 个问题")
    statuses = dict(Problem.objects.values_list("pk", "status"))
    assert statuses == {p.pk: P.OPEN if p == skipped else P.ASSIGNED for p in problems}
    _fits(page)
    assert_no_page_problems(page_problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_batch_fits_the_laptop(page, page_problems):
    from playwright.sync_api import expect

    from tests.browser import SCREENSHOTS, assert_no_page_problems, log_in

    world = World()
    world.county_reviewer.username = "xianju"
    world.county_reviewer.save()
    open_problems(40, world.village)
    page.set_viewport_size({"width": 1366, "height": 768})

    page.goto(LIST)
    log_in(page, "xianju")
    page.get_by_label("全选本页待交办的问题").check()
    expect(page.get_by_text("已选 30 个问题")).to_be_visible()  # one page of the list
    _fits(page)
    _bar_on_screen(page)
    page.screenshot(path=str(SCREENSHOTS / "problem-batch-1366.png"), full_page=True)
    assert_no_page_problems(page_problems)
