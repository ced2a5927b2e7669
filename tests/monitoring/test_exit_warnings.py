"""Open department warnings stop risk elimination (SPEC §4.8 EL-5 "open warnings of the last quarter", §6.5): a
warning of the household issued since the first day of the previous calendar quarter and not yet closed blocks
county screening, named in the refusal with a link to its page, and shows on the case's checklist.

Warnings arrive as the departments send them: a list uploaded and imported by the worker on the day it is issued."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.errors import DomainError
from monitoring import rules
from monitoring.choices import EliminationState
from monitoring.selectors.eligibility import elimination_checks
from monitoring.services import elimination_screen
from sweeps.choices import WarningStatus
from sweeps.models import ScreeningWarning
from sweeps.services import screening_upload, warning_close, warning_dispose
from sweeps.tasks import screening_batch_task
from tests.factories import UserFactory
from tests.worlds.monitoring import TODAY, County, monitored_subject, to_county
from tests.worlds.sweeps import xlsx

pytestmark = pytest.mark.django_db
LABEL = "上季度以来的部门筛查预警均已办结"


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def county():
    county = County()
    county.screener = UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=county.county, department="health")
    return county


@pytest.fixture
def warn(county, today, django_capture_on_commit_callbacks):
    """The health department's list naming ``member`` for ``event``, uploaded and imported on ``on``: the warning
    is issued that day."""

    def issue(member, *, on=TODAY, event="确诊大病重病"):
        today.set(on)
        period = f"{on.year}-Q{(on.month - 1) // 3 + 1}"
        with django_capture_on_commit_callbacks() as callbacks:
            batch = screening_upload(
                actor=county.screener,
                period=period,
                upload=xlsx([[member.id_number, "", "", event, None, None, "", ""]]),
            )
        assert len(callbacks) == 1
        screening_batch_task(batch.pk)
        today.set(TODAY)
        return ScreeningWarning.objects.get(batch=batch)

    return issue


def _failing(subject):
    return [check for check in elimination_checks(subject, on=TODAY).checks if check.label == LABEL and not check.ok]


def test_an_open_warning_blocks_county_screening_naming_it_and_linking_to_it(county, warn):
    # given: a case at county screening whose household was warned a week ago
    subject = monitored_subject(county)
    case = to_county(county, subject)
    warning = warn(subject.household.members.first(), on=TODAY - datetime.timedelta(days=7))
    events = case.events.count()

    # when
    with pytest.raises(DomainError) as refused:
        elimination_screen(case=case, actor=county.county_reviewer)

    # then: the refusal names the department, the event and the day, and links to the warning; nothing moved
    assert refused.value.message == "预警“确诊大病重病”（卫生健康，2026-11-16 下发）尚未办结，须先核实处置"
    assert warning.get_absolute_url() in [fix.url for fix in refused.value.fixes]
    case.refresh_from_db()
    assert case.state == EliminationState.TOWNSHIP_REVIEWED_NOTICED
    assert case.events.count() == events


def test_a_warning_verified_but_waiting_for_its_follow_up_still_blocks_until_it_is_closed(county, warn):
    subject = monitored_subject(county)
    case = to_county(county, subject)  # the elimination visit of today also serves the warning's verification
    warning = warn(subject.household.members.first(), on=TODAY - datetime.timedelta(days=3))
    warning_dispose(
        warning=warning, actor=county.township_cadre, disposition="refer_to_department", note="建议民政纳入低保"
    )
    warning.refresh_from_db()
    assert warning.status == WarningStatus.VERIFIED

    with pytest.raises(DomainError, match="确诊大病重病"):
        elimination_screen(case=case, actor=county.county_reviewer)

    warning_close(warning=warning, actor=county.township_cadre, note="民政已纳入低保，医疗费用已报销")
    elimination_screen(case=case, actor=county.county_reviewer)

    case.refresh_from_db()
    assert case.state == EliminationState.COUNTY_SCREENED
    assert {"label": LABEL, "ok": True, "detail": "2026-07-01 以来无未办结的预警"} in case.screening


def test_the_window_starts_on_the_first_day_of_the_previous_quarter(county, warn):
    # given: TODAY is 2026-11-23, so the window opens on 2026-07-01
    subject = monitored_subject(county)
    member = subject.household.members.first()
    warn(member, on=datetime.date(2026, 6, 30), event="确诊大病重病")  # the quarter before: outside
    assert _failing(subject) == []

    warn(member, on=datetime.date(2026, 7, 1), event="重特大慢性病")  # its first day: inside
    (failing,) = _failing(subject)
    assert "重特大慢性病" in failing.refusal
    assert "2026-07-01" in failing.refusal


@pytest.mark.parametrize(
    ("day", "since"),
    [
        (datetime.date(2026, 11, 23), datetime.date(2026, 7, 1)),
        (datetime.date(2026, 10, 1), datetime.date(2026, 7, 1)),
        (datetime.date(2026, 9, 30), datetime.date(2026, 4, 1)),
        (datetime.date(2026, 1, 1), datetime.date(2025, 10, 1)),
        (datetime.date(2026, 3, 31), datetime.date(2025, 10, 1)),
        (datetime.date(2026, 12, 31), datetime.date(2026, 7, 1)),
    ],
)
def test_last_quarter_is_the_previous_calendar_quarter_and_this_one_so_far(day, since):
    assert rules.exit_warnings_since(day) == since
    assert (day - since).days >= 90


def test_each_open_warning_is_named_and_other_households_warnings_do_not_count(county, warn):
    subject = monitored_subject(county)
    neighbour = monitored_subject(county)
    warn(subject.household.members.first(), event="确诊大病重病")
    warn(subject.household.members.last(), event="重特大慢性病")
    warn(neighbour.household.members.first(), event="37 种大病专项救治")

    refusals = [check.refusal for check in _failing(subject)]

    assert len(refusals) == 2
    assert any("确诊大病重病" in refusal for refusal in refusals)
    assert any("重特大慢性病" in refusal for refusal in refusals)
    assert not any("37 种大病专项救治" in refusal for refusal in refusals)


def test_the_case_page_lists_the_warning_with_a_link_to_it(client, county, warn):
    subject = monitored_subject(county)
    case = to_county(county, subject)
    warning = warn(subject.household.members.first(), on=TODAY - datetime.timedelta(days=7))
    client.force_login(county.county_reviewer)

    page = client.get(case.get_absolute_url())

    assert page.status_code == 200
    checklist = page.text[page.text.index('data-testid="exit-checks"') :]
    assert LABEL in checklist
    assert "卫生健康：确诊大病重病，2026-11-16 下发，待核实" in checklist
    assert f'href="{warning.get_absolute_url()}"' in checklist
    assert client.get(warning.get_absolute_url()).status_code == 200  # the reviewer can follow the link

    refused = client.post(reverse("monitoring:elimination-screen", args=[case.pk]), follow=True)
    assert "确诊大病重病" in refused.text
    case.refresh_from_db()
    assert case.state == EliminationState.TOWNSHIP_REVIEWED_NOTICED
