"""Rectification of problems (SPEC §7.5): assigned by the township, worked and submitted by the village, verified and
closed (销号) by a level above; refused for the wrong role, place or state; an automatic rule must no longer hold;
overdue problems escalate. Pages, ledger and permissions through HTTP."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from accounts.roles import Role
from core.errors import DomainError, TransitionNotAllowed
from households.models import IncomeRecord
from notifications.models import Notification
from sweeps import permissions
from sweeps.choices import ProblemStatus
from sweeps.models import Problem
from sweeps.services import (
    problem_assign,
    problem_close,
    problem_return,
    problem_start,
    problem_submit,
    problems_escalate,
    sweep_start,
)
from tests.factories import TownshipFactory, UserFactory, VillageFactory
from tests.worlds.sweeps import LAST, TODAY, World

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
P = ProblemStatus


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world():
    return World()


@pytest.fixture
def problem(world, work_off):
    """A household below the line found by a sweep (FC-GAP-MISSED-REG-01)."""
    world.poor = world.family(per_capita=Decimal("5000"))
    work_off(sweep_start(county=world.county, kind="centralized", actor=world.county_reviewer))
    return Problem.objects.get(rule_id="FC-GAP-MISSED-REG-01", household=world.poor)


def _fix(world):
    """The income corrected by a save (a form, the admin): the household's facts are marked to be computed again."""
    record = IncomeRecord.objects.get(household=world.poor, year=LAST)
    record.wage_income = 40000
    record.save()


def test_the_whole_rectification_by_township_village_and_township(world, problem):
    problem_assign(problem=problem, actor=world.township_cadre, unit="村委会", person=world.village_worker)
    assert Notification.objects.filter(recipient=world.village_worker, topic="problem").exists()
    problem_start(problem=problem, actor=world.village_worker)
    _fix(world)  # the household is included or its income corrected
    problem_submit(
        problem=problem,
        actor=world.village_worker,
        measures_taken="入户核实，补录务工收入，人均 10000 元",
        evidence=SimpleUploadedFile("核实表.pdf", b"%PDF-1.4"),
    )
    assert Notification.objects.filter(recipient=world.township_cadre, title__contains="待核验").exists()
    problem_close(problem=problem, actor=world.township_cadre, comment="核验属实，同意销号")

    problem.refresh_from_db()
    assert problem.status == P.CLOSED
    assert problem.closed_by == world.township_cadre
    moves = [(e.from_status, e.to_status) for e in problem.events.all()]
    assert moves == [
        (P.OPEN, P.ASSIGNED),
        (P.ASSIGNED, P.IN_PROGRESS),
        (P.IN_PROGRESS, P.SUBMITTED),
        (P.SUBMITTED, P.CLOSED),
    ]
    assert problem.events.get(to_status=P.SUBMITTED).attachment.name.endswith(".pdf")


def test_a_rule_that_still_holds_cannot_be_closed(world, problem):
    problem_start(problem=problem, actor=world.village_worker)
    problem_submit(problem=problem, actor=world.village_worker, measures_taken="已宣传政策")  # paper rectification

    with pytest.raises(DomainError, match="仍然存在"):
        problem_close(problem=problem, actor=world.township_cadre, comment="同意")

    problem.refresh_from_db()
    assert problem.status == P.SUBMITTED
    problem_return(problem=problem, actor=world.township_cadre, comment="收入仍低于标准，请纳入监测或核实收入")
    problem.refresh_from_db()
    assert problem.status == P.RETURNED
    assert Notification.objects.filter(recipient=world.village_worker, title__contains="退回").exists()


def test_a_problem_no_longer_detected_closes_without_submission(world, problem, work_off):
    with pytest.raises(TransitionNotAllowed, match="尚未提交核验"):
        problem_close(problem=problem, actor=world.township_cadre, comment="同意")
    _fix(world)
    work_off(sweep_start(county=world.county, kind="routine", actor=world.county_reviewer))
    problem.refresh_from_db()
    assert problem.no_longer_detected_on == TODAY

    problem_close(problem=problem, actor=world.township_cadre, comment="复核收入已达标，系统已不再检出")

    problem.refresh_from_db()
    assert problem.status == P.CLOSED


def _other_township(w):
    return UserFactory(roles=[Role.TOWNSHIP_CADRE], area=TownshipFactory(parent=w.county))


def _other_county(w):
    return UserFactory(roles=[Role.COUNTY_REVIEWER], area=TownshipFactory().parent)


@pytest.mark.parametrize(
    ("_case", "actor", "step"),
    [
        ("the village cannot assign", lambda w: w.village_worker, "assign"),
        ("the village cannot close its own problem", lambda w: w.village_worker, "close"),
        ("another township cannot assign", _other_township, "assign"),
        (
            "a reporting officer cannot start",
            lambda w: UserFactory(roles=[Role.REPORTING_OFFICER], area=w.county),
            "start",
        ),
        ("the county reviewer of another county cannot assign", _other_county, "assign"),
    ],
)
def test_refusals_change_nothing(world, problem, _case, actor, step):
    user = actor(world)
    steps = {
        "assign": lambda: problem_assign(problem=problem, actor=user, unit="村委会"),
        "start": lambda: problem_start(problem=problem, actor=user),
        "close": lambda: problem_close(problem=problem, actor=user, comment="同意"),
    }
    with pytest.raises(PermissionDenied):
        steps[step]()
    problem.refresh_from_db()
    assert problem.status == P.OPEN
    assert problem.events.count() == 0


def test_steps_out_of_order_are_refused(world, problem):
    with pytest.raises(TransitionNotAllowed):
        problem_submit(problem=problem, actor=world.village_worker, measures_taken="已整改")
    problem_start(problem=problem, actor=world.village_worker)
    with pytest.raises(DomainError, match="请填写整改措施"):
        problem_submit(problem=problem, actor=world.village_worker, measures_taken="  ")


def test_an_overdue_problem_is_told_to_the_township_then_the_county(world, problem):
    Problem.objects.filter(pk=problem.pk).update(deadline=TODAY - DAY)

    assert problems_escalate(today=TODAY) >= 1
    problems_escalate(today=TODAY)  # once per stage

    told = Notification.objects.filter(recipient=world.township_cadre, title__contains="超过整改期限")
    assert told.count() == 1
    assert told.get().title.startswith(f"{Problem.objects.filter(escalated_on=TODAY).count()} 个")
    problems_escalate(today=TODAY + 15 * DAY)  # rect.escalate_after_days
    assert Notification.objects.filter(recipient=world.county_reviewer, title__contains="县级督办").count() == 1


@pytest.mark.parametrize(
    ("deadline", "status", "days"),
    [
        (TODAY, P.OPEN, 0),  # due today: not yet late
        (TODAY - DAY, P.OPEN, 1),
        (TODAY - 10 * DAY, P.SUBMITTED, 10),  # waiting for verification is still open
        (TODAY - 10 * DAY, P.CLOSED, 0),
    ],
)
def test_a_problem_is_overdue_the_same_in_python_and_in_sql(problem, deadline, status, days):
    """One problem's days overdue and the query's overdue filter agree, on the deadline day and after it."""
    Problem.objects.filter(pk=problem.pk).update(deadline=deadline, status=status)
    problem.refresh_from_db()
    assert problem.days_overdue(TODAY) == days
    assert Problem.objects.filter(Problem.overdue_q(TODAY), pk=problem.pk).exists() == (days > 0)


# -------------------------------------------------------------------------------------------------------- pages


def test_the_problem_pages_filter_and_take_the_steps(client, world, problem):
    client.force_login(world.township_cadre)
    listing = client.get(reverse("sweeps:problem-list"), {"rule": "FC-GAP-MISSED-REG-01"})
    assert list(listing.context["object_list"]) == [problem]
    assert not client.get(reverse("sweeps:problem-list"), {"category": "shortfall"}).context["object_list"]
    page = client.get(problem.get_absolute_url())
    assert page.context["actions"] == ["assign", "start"]

    refused = client.post(reverse("sweeps:problem-assign", args=[problem.pk]), {"unit": ""}, follow=True)
    assert "责任单位" in refused.content.decode()
    client.post(
        reverse("sweeps:problem-assign", args=[problem.pk]), {"unit": "村委会", "person": world.village_worker.pk}
    )

    problem.refresh_from_db()
    assert (problem.status, problem.responsible_person) == (P.ASSIGNED, world.village_worker)
    client.force_login(world.village_worker)
    assert client.get(problem.get_absolute_url()).context["actions"] == ["start"]


@pytest.mark.parametrize(
    ("status", "rectifying"),
    [(P.OPEN, False), (P.ASSIGNED, True), (P.IN_PROGRESS, True), (P.RETURNED, True), (P.SUBMITTED, False)],
)
def test_a_problem_is_being_rectified_the_same_in_python_and_in_sql(problem, status, rectifying):
    Problem.objects.filter(pk=problem.pk).update(status=status)
    problem.refresh_from_db()
    assert problem.is_rectifying == rectifying
    assert Problem.objects.filter(Problem.rectifying_q(), pk=problem.pk).exists() == rectifying


def test_the_rectifications_assigned_to_me_open_from_home_as_the_list_of_them(client, world, problem):
    """The home count of "assigned to me" and the list its link opens hold the same problems: for a reviewer, those
    whose responsible person they are; for a village, every one of its place being rectified."""
    problem_assign(problem=problem, actor=world.township_cadre, unit="乡镇", person=world.township_cadre)
    for user in (world.township_cadre, world.village_worker):
        client.force_login(user)
        item = {i.title: i for i in client.get(reverse("home")).context["queue"]}["交办给我的整改任务"]
        listed = client.get(item.url).context["object_list"]
        assert (item.count, list(listed)) == (1, [problem])
    client.force_login(world.township_cadre)
    mine = reverse("sweeps:problem-list") + "?status=rectifying&mine=1"
    Problem.objects.filter(pk=problem.pk).update(responsible_person=world.village_worker)
    assert not client.get(mine).context["object_list"]  # assigned to someone else: not the reviewer's own
    assert "交办给我的整改任务" not in {i.title for i in client.get(reverse("home")).context["queue"]}


def test_a_problem_is_offered_only_to_those_who_may_work_on_it(client, world, problem):
    """The assignee list is the people the service accepts (the unit of the problem's village, or its township),
    not everyone of the township: a worker of a sibling village is not offered."""
    sibling_village = VillageFactory(parent=world.township, code=world.township.code[:9] + "999")
    sibling = UserFactory(roles=[Role.VILLAGE_WORKER], area=sibling_village)
    client.force_login(world.township_cadre)
    choices = client.get(problem.get_absolute_url()).context["forms"]["assign"].fields["person"].choices
    offered = set(User.objects.filter(pk__in=[pk for pk, _label in choices if pk]))
    assert world.village_worker in offered
    assert sibling not in offered
    assert all(permissions.can_work_on(person, problem) for person in offered)


def test_the_ledger_exports_the_filtered_problems_with_a_summary(client, world, problem):
    client.force_login(world.county_reviewer)

    response = client.get(reverse("sweeps:problem-export"), {"status": "open"})

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert summary[0] == ("乡镇", "类别", "未销号", "其中逾期", "已销号")
    assert (world.township.name, "查漏补缺") == summary[1][:2]
    listing = list(workbook["问题清单"].iter_rows(values_only=True))
    rows = [row for row in listing[1:] if row[2] == "FC-GAP-MISSED-REG-01"]
    assert rows[0][6] == world.poor.household_no
    assert rows[0][9].date() == TODAY
    assert len(listing) - 1 == Problem.objects.filter(status="open").count()


def test_the_run_page_shows_progress_and_results(client, world, problem):
    client.force_login(world.county_reviewer)
    run = problem.first_run

    page = client.get(run.get_absolute_url())
    partial = client.get(run.get_absolute_url(), HTTP_HX_REQUEST="true")

    assert page.context["percent"] == 100
    assert f'?rule=FC-GAP-MISSED-REG-01" title="FC-GAP-MISSED-REG-01 v1">{problem.title}</a>' in page.content.decode()
    assert b"run-progress" in partial.content
    assert b"<html" not in partial.content


def test_a_county_without_a_centralized_sweep_this_year_is_warned(client, world):
    client.force_login(world.county_reviewer)

    warned = client.get(reverse("sweeps:run-list"))

    assert warned.context["missing"] == world.county
    assert "尚未完成集中全面排查" in client.get(reverse("home")).content.decode()


def test_the_beat_schedule_has_the_sweep_jobs():
    from django_celery_beat.models import PeriodicTask

    tasks = dict(PeriodicTask.objects.values_list("task", "name"))
    assert {"sweeps.tasks.sweeps_routine_task", "sweeps.tasks.sweeps_resume_stalled_task"} <= set(tasks)
    assert "sweeps.tasks.problems_escalate_task" in tasks


def test_the_escalation_task_calls_the_service(world, problem):
    from sweeps.tasks import problems_escalate_task

    Problem.objects.filter(pk=problem.pk).update(deadline=TODAY - DAY)

    assert problems_escalate_task() >= 1


def test_the_problem_list_pages_hold_the_problems_in_deadline_order(client, world, problem):
    """A page's keys are read first, then its rows: every page holds what the plain slice holds, in its order, ties
    of a deadline broken by number, with the household each row names."""
    copies = []
    for n in range(64):
        copy = Problem.objects.get(pk=problem.pk)
        copy.pk, copy.subject_key, copy.deadline = None, f"{problem.subject_key}-{n}", TODAY + DAY * (n % 7)
        copies.append(copy)
    Problem.objects.bulk_create(copies)
    client.force_login(world.county_reviewer)

    listed, households = [], set()
    for page in (1, 2, 3):
        rows = client.get(reverse("sweeps:problem-list"), {"page": page}).context["object_list"]
        listed += [row.pk for row in rows]
        households |= {row.household.household_no for row in rows}

    expected = Problem.objects.filter(Problem.open_q()).order_by("deadline", "pk").values_list("pk", flat=True)
    assert listed == list(expected)
    assert len(listed) == 65
    assert households == {world.poor.household_no}


@pytest.mark.parametrize("households", [2, 12])
def test_the_problem_and_warning_lists_issue_a_bounded_number_of_queries(
    client, world, work_off, households, django_assert_max_num_queries
):
    for _ in range(households):
        world.family(per_capita=Decimal("5000"))
    work_off(sweep_start(county=world.county, kind="centralized", actor=world.county_reviewer))
    client.force_login(world.county_reviewer)

    with django_assert_max_num_queries(10):
        assert client.get(reverse("sweeps:problem-list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("sweeps:warning-list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(Problem.objects.first().first_run.get_absolute_url()).status_code == 200
