"""Uploads that cannot hurt (core.uploads): a zip bomb is refused from the zip directory before any parser opens
it, a sheet is read within its row (blank rows too), cell and time budgets, and a body over the request limit is
answered 413 before it is read. The same checks through the import, the screening list, the reconciliation, visit
photos and attachments."""

import importlib
import io
import re
import zipfile
from dataclasses import dataclass

import openpyxl
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from core.uploads import UNREADABLE, UploadRefused, budgeted_rows, open_workbook, workbook_check
from households.imports.columns import COLUMNS
from households.imports.reading import ImportFileError, read_workbook
from households.models import Household, HouseholdMember, ImportJob, IncomeRecord, Visit
from ledgers.models import Reconciliation
from sweeps.models import ScreeningBatch, ScreeningWarning
from tests.factories import HouseholdFactory, UserFactory, VillageFactory
from tests.tallies import tally
from tests.worlds.sweeps import TODAY, World
from tests.worlds.uploads import blank_rows, hostile_workbooks, strings_bomb


def _workbook(rows: int = 3, blank: int = 0) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("农户成员")
    sheet.append([column.header for column in COLUMNS])
    for index in range(rows):
        sheet.append([f"H{index:04d}", "x"])
    for _ in range(blank):
        sheet.append([" "] * len(COLUMNS))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def no_parser(monkeypatch):
    """Fails the test if openpyxl is asked to open anything (``load_workbook`` and ``core.uploads.open_workbook``
    both go through its reader): the refusal must come from the zip directory."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl.reader.excel.ExcelReader, "read", refuse)


# ------------------------------------------------------------------------------------------------ the checks


def test_a_normal_workbook_passes_and_is_left_at_its_start():
    source = io.BytesIO(_workbook(rows=2000))
    workbook_check(source)
    assert source.tell() == 0


def test_the_shared_strings_bomb_of_the_probe_is_refused_from_the_zip_directory(no_parser):
    bomb = strings_bomb(85)
    assert len(bomb) < 250 * 1024  # about 200 KB packed, 85 MB unpacked
    with pytest.raises(UploadRefused, match=r"压缩前后相差 \d+ 倍，不像正常的工作簿"):
        workbook_check(io.BytesIO(bomb))


def test_a_sheet_of_empty_rows_is_refused_from_the_zip_directory(no_parser):
    with pytest.raises(UploadRefused, match=r"sheet1\.xml"):
        workbook_check(io.BytesIO(blank_rows(60)))


def test_what_a_workbook_unpacks_to_is_bounded_whatever_its_ratio(settings, no_parser):
    settings.XLSX_MAX_UNPACKED_BYTES = 1024 * 1024
    with pytest.raises(UploadRefused, match=r"解压后有 \d+ MB，超过 1 MB 的上限"):
        workbook_check(io.BytesIO(strings_bomb(2)))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", "不是 .xlsx 工作簿"),
        (b"PK\x03\x04 broken", "文件无法读取"),
        (b"PK\x03\x04" + b"0" * 2048, "不能超过 1 KB"),
    ],
)
def test_not_a_workbook_or_too_large_is_refused_in_words(settings, content, message):
    settings.XLSX_MAX_BYTES = 1024
    with pytest.raises(UploadRefused, match=message):
        workbook_check(io.BytesIO(content))


def test_blank_rows_count_against_the_row_budget(settings):
    settings.XLSX_MAX_ROWS = 100
    rows = [(None, None)] * 101
    with pytest.raises(UploadRefused, match="超过 100 行（空行也计算在内）"):
        list(budgeted_rows(rows))
    assert len(list(budgeted_rows(rows[:100]))) == 100


def test_cells_and_seconds_are_budgeted_too(settings):
    settings.XLSX_MAX_CELLS = 1000
    with pytest.raises(UploadRefused, match="超过 1,000 个单元格"):
        list(budgeted_rows([(None,) * 16384]))  # one row reaching column XFD
    with pytest.raises(UploadRefused, match="读取超时"):
        list(budgeted_rows([("x",)] * 1000, seconds=-1))


def _with_sheet(content: bytes, rewrite) -> bytes:
    """The workbook ``content`` with its first sheet's XML passed through ``rewrite``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part)
            target.writestr(part, rewrite(data) if part.filename == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


def test_opening_a_workbook_reads_none_of_its_rows():
    """A sheet without a <dimension> element (openpyxl's write-only mode and other streaming writers leave it out):
    openpyxl alone parses the whole sheet to find that out when it opens the workbook, outside every budget. Here a
    sheet broken after its first rows opens, and the break is met by the budgeted reading, refused in words."""
    content = _workbook(rows=200)
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    broken = _with_sheet(content, lambda xml: xml[: xml.index(b'<row r="150"')] + b'<row r="150"><c r="A150" t="')

    worksheet = open_workbook(io.BytesIO(broken)).worksheets[0]
    assert worksheet.max_row is None  # no estimate to give, and nothing read to learn it
    rows = budgeted_rows(worksheet.iter_rows(values_only=True))
    assert [row[0] for row in (next(rows), next(rows))] == ["户编号", "H0000"]
    with pytest.raises(UploadRefused) as refused:
        list(rows)
    assert refused.value.stored == UNREADABLE


def test_a_sheet_that_gives_its_dimension_still_gives_it_for_the_progress_bar():
    workbook = openpyxl.Workbook()
    for index in range(40):
        workbook.active.append([f"H{index:04d}", "x"])
    out = io.BytesIO()
    workbook.save(out)
    worksheet = open_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    assert (worksheet.max_row, worksheet.max_column) == (40, 2)
    assert [row[0] for row in worksheet.iter_rows(min_row=40, values_only=True)] == ["H0039"]


# ------------------------------------------------------------------------------------- through the features


@pytest.mark.django_db
def test_the_import_refuses_a_bomb_at_upload_and_stores_nothing(client, no_parser):
    village = VillageFactory()
    client.force_login(UserFactory(roles=[Role.VILLAGE_WORKER], area=village))
    response = client.post(
        reverse("households:household-import-upload"),
        {"file": SimpleUploadedFile("农户.xlsx", strings_bomb(85)), "area": village.pk},
    )
    assert response.status_code == 200
    assert "不像正常的工作簿" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_an_import_of_blank_rows_fails_with_a_message_not_an_empty_success(settings):
    settings.XLSX_MAX_ROWS = 50
    with pytest.raises(ImportFileError, match="超过 50 行（空行也计算在内）"):
        read_workbook(io.BytesIO(_workbook(rows=1, blank=60)))


@pytest.mark.django_db
def test_the_screening_upload_and_the_reconciliation_refuse_a_bomb(client, no_parser):
    world = World()
    screener = UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=world.county, department="health")
    client.force_login(screener)
    response = client.post(
        reverse("sweeps:batch-upload"),
        {"period": "2026-Q3", "file": SimpleUploadedFile("筛查.xlsx", strings_bomb(20))},
        follow=True,
    )
    assert "不像正常的工作簿" in response.content.decode()
    assert not ScreeningBatch.objects.exists()

    client.force_login(world.county_reviewer)
    response = client.post(
        reverse("ledgers:reconcile"),
        {"area": world.county.code, "file": SimpleUploadedFile("全国系统.xlsx", strings_bomb(20))},
        follow=True,
    )
    assert "不像正常的工作簿" in response.content.decode()


@pytest.mark.django_db
def test_an_oversized_photo_is_refused_by_its_size_before_it_is_read(api_client, settings, monkeypatch):
    settings.VISIT_PHOTO_MAX_BYTES = 1024
    household = HouseholdFactory()
    api_client.force_authenticate(UserFactory(roles=[Role.VILLAGE_WORKER], area=household.managing_area))
    photo = SimpleUploadedFile("大图.jpg", b"\xff\xd8\xff" + b"0" * 4096, content_type="image/jpeg")

    def never(*args):
        raise AssertionError("the photo was read")

    monkeypatch.setattr("households.services.visits.PhotoUpload", never)  # built only from what was read
    response = api_client.post(
        reverse("api:household-visits", args=[household.pk]),
        {"visited_on": TODAY.isoformat(), "notes": "入户", "photos": [photo]},
        format="multipart",
    )
    assert response.status_code == 400
    assert "照片“大图.jpg”超过" in str(response.json())
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_a_body_over_the_request_limit_is_answered_413_before_it_is_read(client, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 1024
    client.force_login(UserFactory(roles=[Role.VILLAGE_WORKER], area=VillageFactory()))
    page = client.post(
        reverse("households:household-import-upload"), {"file": SimpleUploadedFile("a.xlsx", b"0" * 4096)}
    )
    assert page.status_code == 413
    assert "超过 1 KB 的上限" in page.content.decode()
    api = client.post("/api/v1/households/", data=b"0" * 4096, content_type="application/json")
    assert api.status_code == 413
    assert "上限" in api.json()["detail"]
    client.cookies["django_language"] = "en"  # answered before the locale middleware, in the language asked for
    english = client.post("/api/v1/households/", data=b"0" * 4096, content_type="application/json")
    assert english.status_code == 413
    assert "over the 1 KB limit" in english.json()["detail"]


def test_limits_are_documented(settings):
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    for name in ("UPLOAD_MAX_REQUEST_BYTES", "XLSX_MAX_BYTES", "XLSX_MAX_UNPACKED_BYTES", "XLSX_MAX_RATIO",
                 "XLSX_MAX_ROWS", "XLSX_MAX_CELLS", "XLSX_PARSE_SECONDS", "VISIT_PHOTO_MAX_BYTES"):  # fmt: skip
        assert name in readme, name


def test_the_compose_proxy_bounds_bodies_as_the_app_does(settings):
    """The production stack puts nginx in front of gunicorn with the same body limit (bodies without a length
    included), and publishes only the proxy."""
    conf = (settings.BASE_DIR / "docker" / "nginx.conf").read_text(encoding="utf-8")
    (megabytes,) = re.findall(r"client_max_body_size (\d+)m;", conf)
    assert int(megabytes) * 1024 * 1024 == settings.UPLOAD_MAX_REQUEST_BYTES
    services = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    assert services["proxy"]["ports"] == ["8000:8000"]
    assert "ports" not in services["web"]


# ------------------------------------------------------------------------------------------------- the fuzz


@dataclass(frozen=True)
class Fuzzed:
    """A page that reads an uploaded workbook: who uploads, the row a stored upload leaves for the worker, the
    worker's task, the status of a file the worker refused, and the status of one it read to the end anyway."""

    url_name: str
    who: str
    job_model: type
    task: str
    refused: str
    read: str = ""


FUZZED = {
    "household import": Fuzzed("households:household-import-upload", "village", ImportJob,
                               "households.tasks.household_import_task", "invalid"),
    "income import": Fuzzed("households:income-import-upload", "village", ImportJob,
                            "households.tasks.household_import_task", "invalid"),
    "screening list": Fuzzed("sweeps:batch-upload", "screener", ScreeningBatch, "sweeps.tasks.screening_batch_task",
                             "rejected"),
    # A readable extract always gets its report, rows in error listed in it (a header alone: all "only here").
    "reconciliation": Fuzzed("ledgers:reconcile", "reviewer", Reconciliation, "ledgers.tasks.reconcile_task",
                             "rejected", read="done"),
}  # fmt: skip
FUZZ = tally("Upload fuzz", "{files} files × {endpoints} endpoints, {server_errors} server errors", files=0,
             endpoints=0, server_errors=0)  # fmt: skip
CHINESE = re.compile(r"[\u4e00-\u9fff]")
SYSTEM_ERROR = "系统错误"  # what a worker writes when its task crashed: a bug, never a refusal
LEAKED = "root:x:0:0"  # the first line of /etc/passwd, which the external-entity file asks for


def _refusals(response) -> list[str]:
    """What the page said: its form's errors and its messages."""
    said = [str(m) for m in response.context.get("messages", [])] if response.context else []
    form = response.context.get("form") if response.context else None
    if form is not None:
        said += [str(error) for errors in form.errors.values() for error in errors]
    return said


def _saved() -> tuple[int, ...]:
    """Rows a refused file must not leave behind: the registry, its incomes and the warnings."""
    return (
        Household.objects.count(),
        HouseholdMember.objects.count(),
        IncomeRecord.objects.count(),
        ScreeningWarning.objects.count(),
    )


def _upload(client, fuzzed: Fuzzed, fields: dict[str, object], hostile, capture) -> tuple[str, bool]:
    """Upload ``hostile`` as its user would and follow it to its end, the worker's task included: what went wrong
    ("" when nothing did) and whether it was a server error."""
    before, last = _saved(), fuzzed.job_model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    upload = SimpleUploadedFile(hostile.name, hostile.content, content_type=hostile.content_type)
    with capture():  # the worker's task is run below, as the worker would run it
        response = client.post(reverse(fuzzed.url_name), {**fields, "file": upload})
    if response.status_code >= 500:
        return f"answered {response.status_code}", True
    job = fuzzed.job_model.objects.filter(pk__gt=last).first()
    if job is None:  # refused on the page
        if response.status_code != 200:
            return f"answered {response.status_code} and stored nothing", False
        said = _refusals(response)
    else:  # stored for the worker
        module, _, name = fuzzed.task.rpartition(".")
        try:
            getattr(importlib.import_module(module), name)(job.pk)
        except Exception as exc:  # a crash of the worker is what this test looks for
            return f"the worker crashed: {exc!r}", True
        job.refresh_from_db()
        page = client.get(response["Location"])
        if page.status_code >= 500:
            return f"the job's page answered {page.status_code}", True
        if LEAKED in str(vars(job)):
            return "a server file was read into the job (external entity)", False
        if job.status not in (fuzzed.refused, fuzzed.read):
            return f"the worker left the job {job.status}, not {fuzzed.refused}", False
        said = [getattr(job, "message", "")] + [
            str(e.get("message", e) if isinstance(e, dict) else e) for e in job.errors
        ]
        if job.status == fuzzed.read:
            said = ["读完"]  # read to the end: its result is the answer
    if _saved() != before:
        return f"left rows behind: {before} → {_saved()}", False
    if any(SYSTEM_ERROR in text for text in said):
        return f"refused as a system error: {said!r}", True
    if not any(CHINESE.search(text) for text in said):
        return f"no refusal in words: {said!r}", False
    return "", False


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", FUZZED)
def test_hostile_files_are_refused_in_words_and_leave_nothing(
    endpoint, client, settings, django_capture_on_commit_callbacks
):
    """Every file of the corpus (tests/worlds/uploads.py), through the page a user uploads it on: never a 5xx, a
    refusal in Chinese (on the page, or the job's status once the worker has read it), and nothing half saved."""
    # given: small budgets, so a file too long or too wide is read for milliseconds, not minutes
    settings.XLSX_MAX_ROWS, settings.XLSX_MAX_CELLS = 2_000, 100_000
    world = World()
    world.family()
    users = {
        "village": world.village_worker,
        "screener": UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=world.county, department="health"),
        "reviewer": world.county_reviewer,
    }
    fields = {
        "household import": {"area": world.village.pk},
        "income import": {"area": world.village.pk},
        "screening list": {"period": f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}"},
        "reconciliation": {"area": world.county.code},
    }[endpoint]
    fuzzed = FUZZED[endpoint]
    client.force_login(users[fuzzed.who])
    client.raise_request_exception = False  # a 500 is an answer to count, not the end of the run
    corpus = hostile_workbooks()
    FUZZ.counts["files"] = len(corpus)
    FUZZ.add("endpoints")

    # when
    failures = []
    for hostile in corpus:
        problem, server_error = _upload(client, fuzzed, fields, hostile, django_capture_on_commit_callbacks)
        if problem:
            failures.append(f"{endpoint}: {hostile.label} ({hostile.name[:40]}): {problem}")
        FUZZ.add("server_errors", int(server_error))

    # then
    FUZZ.failures += failures
    assert failures == [], "\n".join(failures)
