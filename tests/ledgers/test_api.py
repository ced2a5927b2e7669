"""Ledger exports over the API (README "API"): a script signs in with a token, starts L-01, follows a large export's
progress and downloads the file — the same scoping, rights at download and audit as the export page."""

import datetime
import hashlib
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from ledgers.models import LedgerExport
from ledgers.tasks import ledger_export_task
from monitoring.models import MonitoringSubject
from tests.factories import TownshipFactory
from tests.worlds.excel import calamine_sheets

pytestmark = pytest.mark.django_db
DEMO_PASSWORD = "demo12345"


def _token_client(username: str, password: str = DEMO_PASSWORD) -> APIClient:
    client = APIClient()
    answer = client.post(reverse("api:auth-token"), {"username": username, "password": password})
    assert answer.status_code == 200, answer.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    return client


def _cells(content: bytes) -> set[str]:
    return {str(cell) for rows in calamine_sheets(content).values() for row in rows for cell in row if cell != ""}


def test_a_token_exports_l01_and_downloads_what_the_page_would(demo):
    client = _token_client("county")
    user = User.objects.get(username="county")
    started = client.post("/api/v1/ledger-exports/", {"ledger": "L-01"}, format="json")
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["status"] == "done"
    assert body["percent"] == 100
    assert body["full_ids"] is True
    record = LedgerExport.objects.get(pk=body["id"], owner=user)
    assert body["download"].endswith(f"/api/v1/ledger-exports/{record.pk}/download/")

    download = client.get(body["download"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == record.sha256
    cells = _cells(content)
    subjects = MonitoringSubject.objects.visible_to(user).select_related("household")
    assert subjects.count() == record.total > 0
    assert {s.household.household_no for s in subjects} <= cells
    listed = client.get("/api/v1/ledger-exports/").json()
    assert [row["id"] for row in listed["results"]] == [record.pk]


def test_a_large_export_answers_202_and_shows_its_progress(demo, settings, django_capture_on_commit_callbacks):
    settings.LEDGER_SYNC_MAX_ROWS = 0
    client = _token_client("report")
    with django_capture_on_commit_callbacks(execute=False):
        started = client.post("/api/v1/ledger-exports/", {"ledger": "L-04"}, format="json")
    assert started.status_code == 202
    body = started.json()
    assert (body["status"], body["download"]) == ("queued", None)
    assert client.get(f"/api/v1/ledger-exports/{body['id']}/download/").status_code == 404

    ledger_export_task(body["id"])  # the worker's run
    progress = client.get(f"/api/v1/ledger-exports/{body['id']}/").json()
    assert progress["status"] == "done"
    assert progress["done"] == progress["total"]
    assert progress["full_ids"] is False  # a reporting officer's file is masked
    assert client.get(progress["download"]).status_code == 200


def test_the_api_offers_the_roles_ledgers_and_refuses_the_others(demo):
    codes = [row["code"] for row in _token_client("finance").get("/api/v1/ledger-exports/ledgers/").json()]
    assert "L-08" in codes
    assert "L-01" not in codes
    refused = _token_client("finance").post("/api/v1/ledger-exports/", {"ledger": "L-01"}, format="json")
    assert refused.status_code == 403
    assert _token_client("screener").get("/api/v1/ledger-exports/ledgers/").json() == []
    bad = _token_client("county").post(
        "/api/v1/ledger-exports/", {"ledger": "L-01", "start": "2026-12-01", "end": "2026-01-01"}, format="json"
    )
    assert bad.status_code == 400
    assert "结束日期不能早于开始日期" in bad.content.decode()
    assert not LedgerExport.objects.filter(ledger="L-01", owner__username="county").exists()


def test_an_export_is_its_owners_and_is_refused_after_a_move(demo):
    county = _token_client("county")
    body = county.post("/api/v1/ledger-exports/", {"ledger": "L-01"}, format="json").json()
    assert _token_client("report").get(f"/api/v1/ledger-exports/{body['id']}/").status_code == 404
    assert _token_client("report").get(body["download"]).status_code == 404

    user = User.objects.get(username="county")
    user.area = TownshipFactory()  # moved to a township of another county
    user.save()
    refused = _token_client("county").get(body["download"])
    assert refused.status_code == 403
    assert "不在您的辖区内" in refused.json()["detail"]


def test_the_dashboard_figures_are_the_pages(demo):
    client = _token_client("county")
    body = client.get("/api/v1/dashboard/").json()
    assert body["area_name"] == User.objects.get(username="county").area.name
    page = APIClient()
    page.force_login(User.objects.get(username="county"))
    board = page.get(reverse("ledgers:dashboard")).context["dashboard"]
    assert [p["key"] for p in body["panels"]] == [p.key for p in board.panels]
    first, shown = body["panels"][0], board.panels[0]
    assert first["headers"] == [str(h) for h in shown.headers]
    assert first["rows"] == [[v if isinstance(v, int | None) else str(v) for v in row] for row in shown.rows]
    assert _token_client("screener").get("/api/v1/dashboard/").status_code == 403


def test_a_ledger_is_frozen_signed_off_and_downloaded_over_the_api(demo):
    first = timezone.localdate().replace(day=1)
    period = f"{first - datetime.timedelta(days=1):%Y-%m}"
    worker = User.objects.get(username="village")
    village = worker.area
    cadre = User.objects.filter(groups__name=Role.TOWNSHIP_CADRE.value, area=village.parent).first()
    report = APIClient()
    report.force_authenticate(User.objects.get(username="report"))
    bad = report.post("/api/v1/frozen-ledgers/", {"ledger": "L-04", "period": "2026-13", "area": village.code})
    assert bad.status_code == 400
    frozen = report.post("/api/v1/frozen-ledgers/", {"ledger": "L-04", "period": period, "area": village.code})
    assert frozen.status_code == 201, frozen.content
    body = frozen.json()
    assert body["next_signature"] == {"level": "village", "area": village.code}

    def sign(user: User, note: str = "") -> Any:
        client = APIClient()
        client.force_authenticate(user)
        return client.post(f"/api/v1/frozen-ledgers/{body['id']}/sign/", {"note": note})

    out_of_turn = sign(cadre)
    assert out_of_turn.status_code == 400
    assert "村级" in out_of_turn.content.decode()
    assert sign(worker, "数据已核对").json()["next_signature"]["level"] == "township"
    assert sign(cadre).json()["next_signature"]["level"] == "county"
    signed = sign(User.objects.get(username="county"), "同意").json()
    assert signed["next_signature"] is None
    assert [s["level"] for s in signed["signoffs"]] == ["village", "township", "county"]

    download = report.get(f"/api/v1/frozen-ledgers/{body['id']}/download/")
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == body["sha256"]
