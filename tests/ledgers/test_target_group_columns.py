"""The ledger columns that name whom the programmes serve (SPEC §13.1 L-07 and L-10) read the one fact
``monitoring.facts.exited_or_monitored``: a 脱贫户 is a household whose ``exited_poor`` flag is in force today, from
its first day through its last (SPEC §2.4), and a household in monitoring one whose episode is open today
(SPEC §4.11)."""

import datetime

import pytest

from households.choices import HouseholdFlagKind
from households.models import HouseholdFlag
from monitoring.choices import SubjectCategory, SubjectStatus
from projects.models import Project, ProjectBeneficiary, ProjectCategory
from tests.credit.factories import TODAY, CreditWorld
from tests.factories import HouseholdFactory, MonitoringSubjectFactory
from tests.worlds.excel import calamine_sheets, export

pytestmark = pytest.mark.django_db
HEADER_ROWS = 3
DAY = datetime.timedelta(days=1)
LONG_AGO = datetime.date(2019, 12, 31)


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world() -> CreditWorld:
    return CreditWorld()


def _rows(content: bytes) -> list[dict[str, object]]:
    (sheet,) = calamine_sheets(content).values()
    headers = sheet[HEADER_ROWS - 1]
    return [dict(zip(headers, row, strict=False)) for row in sheet[HEADER_ROWS:-1]]


def _flag(household, *, valid_from=LONG_AGO, valid_to=None, kind=HouseholdFlagKind.EXITED_POOR) -> None:
    HouseholdFlag.objects.create(household=household, kind=kind, valid_from=valid_from, valid_to=valid_to)


def test_the_loan_ledger_names_the_borrowers_standing_today(world, client):
    # given loans signed while both households could borrow (NR-LOAN-01)
    exited = world.sign(world.exited)
    marginal = world.sign(world.marginal)
    client.force_login(world.township_cadre)
    # then the exited household is a 脱贫户, the marginal one a 边缘易致贫户
    rows = {row["合同编号"]: row["户类别"] for row in _rows(export(client, "L-10")[1])}
    assert rows == {exited.contract_no: "脱贫户", marginal.contract_no: "边缘易致贫户"}

    # when the flag's last day is today and the episode ended today
    HouseholdFlag.objects.filter(household=world.exited).update(valid_to=TODAY)
    world.subject.status = SubjectStatus.RISK_ELIMINATED
    world.subject.eliminated_on = TODAY
    world.subject.save()
    # then the flag still holds today, the episode no longer does
    rows = {row["合同编号"]: row["户类别"] for row in _rows(export(client, "L-10")[1])}
    assert rows == {exited.contract_no: "脱贫户", marginal.contract_no: ""}

    # when the flag ended yesterday
    HouseholdFlag.objects.filter(household=world.exited).update(valid_to=TODAY - DAY)
    rows = {row["合同编号"]: row["户类别"] for row in _rows(export(client, "L-10")[1])}
    assert rows == {exited.contract_no: "", marginal.contract_no: ""}


def test_the_loan_ledger_counts_only_marginal_households_in_monitoring(world, client):
    # given a loan of a marginal household whose episode is now of another category (not a borrowing one)
    loan = world.sign(world.marginal)
    world.subject.category = SubjectCategory.SUDDEN_HARDSHIP
    world.subject.save()
    client.force_login(world.township_cadre)
    (row,) = _rows(export(client, "L-10")[1])
    assert (row["合同编号"], row["户类别"]) == (loan.contract_no, "")


def test_the_project_library_counts_beneficiaries_exited_and_in_monitoring_today(world, client):
    # given a project benefiting one household per boundary of the flag and of the episode
    project = Project.objects.create(
        code="XM-带贫", name="带贫项目", year=2025, category=ProjectCategory.objects.get(code="0101"),
        area=world.village, implementing_unit="镇政府", content="建设", planned_start=datetime.date(2025, 3, 1),
        planned_end=datetime.date(2025, 10, 1), created_by=world.county_reviewer, status="in_progress",
    )  # fmt: skip

    def beneficiary():
        household = HouseholdFactory(managing_area=world.village)
        ProjectBeneficiary.objects.create(project=project, household=household, linkage_mode="employment")
        return household

    _flag(beneficiary())  # 脱贫户 since long ago: counted
    _flag(beneficiary(), valid_to=TODAY)  # its last day is today: counted
    _flag(beneficiary(), valid_to=TODAY + 30 * DAY)  # an end recorded ahead: counted until then
    _flag(beneficiary(), valid_from=TODAY + DAY)  # 脱贫户 only from tomorrow: not yet
    _flag(beneficiary(), valid_to=TODAY - DAY)  # ended yesterday: no longer
    _flag(beneficiary(), kind=HouseholdFlagKind.STABLY_EXITED)  # another flag: no
    both = beneficiary()
    _flag(both)  # a 脱贫户 in monitoring counts in both columns
    MonitoringSubjectFactory(household=both, entered_on=LONG_AGO)
    MonitoringSubjectFactory(household=beneficiary(), entered_on=LONG_AGO, status=SubjectStatus.ELIMINATION_HOLD)
    MonitoringSubjectFactory(household=beneficiary(), entered_on=LONG_AGO, category=SubjectCategory.SUDDEN_HARDSHIP)
    MonitoringSubjectFactory(
        household=beneficiary(), entered_on=LONG_AGO, status=SubjectStatus.RISK_ELIMINATED, eliminated_on=TODAY
    )
    beneficiary()  # an ordinary household
    client.force_login(world.township_cadre)
    # then
    (row,) = _rows(export(client, "L-07")[1])
    assert (row["项目编号"], row["受益脱贫户"], row["受益监测户"]) == ("XM-带贫", 4, 3)
