"""The household roster (L-00, the national system's layout that the import reads): exported and imported again, it
changes nothing — every household and member is matched and unchanged, and no history row is written (issue
"ledgers" §7). Without the right to see ID numbers the roster is masked, and the import refuses it by row."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from households.imports.services import import_job_commit_request, import_job_create
from households.models import Household, HouseholdMember
from households.tasks import household_import_task
from ledgers.models import LedgerExport
from tests.worlds.excel import calamine_sheets, export

pytestmark = pytest.mark.django_db


def _history() -> tuple[int, int]:
    return Household.history.count(), HouseholdMember.history.count()  # type: ignore[attr-defined]


def _import(user, content: bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        job = import_job_create(actor=user, upload=SimpleUploadedFile("花名册.xlsx", content), area=user.area)
    household_import_task(job.pk)  # validate, as the worker would
    job.refresh_from_db()
    return job


def test_the_township_roster_exported_and_imported_again_changes_nothing(
    login, client, django_capture_on_commit_callbacks
):
    user = login("township01")  # sees full ID numbers and phones, edits households
    record, content = export(client, "L-00")
    (rows,) = calamine_sheets(content).values()
    managed = {"household__managing_area__code__startswith": user.area.code[:9], "household__closed_on__isnull": True}
    members = HouseholdMember.objects.filter(**managed)
    assert rows[0][:3] == ["户编号", "村代码", "户籍地代码"]
    assert len(rows) - 1 == members.count() == record.total
    assert record.full_ids is True
    households = Household.objects.filter(managing_area__code__startswith=user.area.code[:9], closed_on__isnull=True)
    before = _history()

    job = _import(user, content, django_capture_on_commit_callbacks)
    assert job.status == "validated", job.errors[:5]
    counts = job.summary
    assert counts["households_created"] == counts["households_updated"] == 0
    assert counts["members_created"] == counts["members_updated"] == 0
    assert counts["households_unchanged"] == households.count() > 0
    assert counts["members_unchanged"] == members.count()
    with django_capture_on_commit_callbacks():
        import_job_commit_request(job=job, actor=user)
    household_import_task(job.pk)
    job.refresh_from_db()
    assert job.status == "committed"
    assert _history() == before  # not one row touched


def test_a_masked_roster_is_refused_by_the_import_row_by_row(login, client, django_capture_on_commit_callbacks):
    login("report")  # no full ID numbers: the roster is masked
    _record, content = export(client, "L-00")
    user = login("township01")
    job = _import(user, content, django_capture_on_commit_callbacks)
    assert job.status != "validated"
    assert any(e["column"] == "身份证号" for e in job.errors)
    assert LedgerExport.objects.filter(ledger="L-00").count() == 1
