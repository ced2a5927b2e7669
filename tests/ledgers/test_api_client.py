"""The example API client (docs/export_ledger.py) exports L-01 with a token from a running server, end to end."""

import importlib.util
from pathlib import Path

import pytest

from accounts.roles import Role
from ledgers.models import ExportStatus, LedgerExport
from tests.factories import CountyFactory, MonitoringSubjectFactory, TownshipFactory, UserFactory, VillageFactory
from tests.worlds.excel import calamine_sheets

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "export_ledger.py"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_example_client_exports_l01_from_a_running_server(live_server, tmp_path, monkeypatch):
    county = CountyFactory()
    village = VillageFactory(parent=TownshipFactory(parent=county))
    subjects = [MonitoringSubjectFactory(household__managing_area=village) for _ in range(3)]
    user = UserFactory(username="reviewer", roles=[Role.COUNTY_REVIEWER], area=county)
    user.set_password("Tongxin-2026!")
    user.save()
    monkeypatch.setenv("EXPORT_PASSWORD", "Tongxin-2026!")
    spec = importlib.util.spec_from_file_location("export_ledger", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)

    out = tmp_path / "L-01.xlsx"
    assert script.main(["--url", live_server.url, "--user", "reviewer", "--ledger", "L-01", "--out", str(out)]) == 0
    assert {s.household.household_no for s in subjects} <= {
        str(c) for rows in calamine_sheets(out.read_bytes()).values() for row in rows for c in row
    }
    assert LedgerExport.objects.get(owner=user).status == ExportStatus.DONE
