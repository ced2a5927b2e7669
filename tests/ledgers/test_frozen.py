"""Frozen, signed-off ledgers (SPEC §13.1, §12): a month's or quarter's ledger is frozen once, downloaded later
byte for byte the same whatever changed since, signed off village → township → county in that order by the people
of those places, and never expires."""

import datetime
import hashlib

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.errors import DomainError
from geo.models import AdminArea
from households.models import Visit
from ledgers.freezing import freeze, may_sign, period_dates, sign, signs_next_q
from ledgers.models import ExportStatus, FrozenLedger, SignOff
from ledgers.services import exports_expire
from monitoring.models import MonitoringSubject
from tests.factories import UserFactory
from tests.worlds.excel import calamine_sheets, export

pytestmark = pytest.mark.django_db


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return f"{first - datetime.timedelta(days=1):%Y-%m}"


def _people(village: AdminArea) -> tuple[User, User, User]:
    """The signers of a village's chain: its village worker, its township's cadre, the county reviewer."""
    worker = User.objects.get(username="village")
    assert worker.area == village
    cadre = User.objects.filter(groups__name=Role.TOWNSHIP_CADRE.value, area=village.parent).first()
    return worker, cadre, User.objects.get(username="county")


def _download(client, frozen: FrozenLedger) -> bytes:
    response = client.get(reverse("ledgers:frozen-download", args=[frozen.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_periods_are_months_or_quarters():
    assert period_dates("2026-11") == (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    assert period_dates("2026-02") == (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert period_dates("2026-Q4") == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert period_dates("2024-Q1") == (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))


def test_a_frozen_ledger_downloads_byte_for_byte_the_same_whatever_changed(login, client):
    user = login("report")
    period = _last_month()
    start, end = period_dates(period)
    busiest = (
        Visit.objects.filter(visited_on__range=(start, end)).values("household__managing_area").order_by()
        .annotate(n=Count("pk")).order_by("-n").first()
    )  # fmt: skip
    village = AdminArea.objects.get(pk=busiest["household__managing_area"])
    response = client.post(reverse("ledgers:frozen-create"), {"ledger": "L-04", "period": period, "area": village.code})
    frozen = FrozenLedger.objects.get()
    assert response["Location"] == frozen.get_absolute_url()
    first = _download(client, frozen)
    assert hashlib.sha256(first).hexdigest() == frozen.export.sha256
    visits = Visit.objects.filter(household__managing_area=village, visited_on__range=(start, end))
    (rows,) = calamine_sheets(first).values()
    assert len(rows) - 4 == visits.count() == frozen.export.total > 0

    household = visits.first().household
    Visit.objects.create(household=household, visited_on=end, recorded_by=user, notes="冻结后补录")
    household.head_name = "改名后户主"
    household.save()
    assert _download(client, frozen) == first  # the snapshot did not move
    _record, fresh = export(client, "L-04", area=village.code, start=start.isoformat(), end=end.isoformat())
    (rows,) = calamine_sheets(fresh).values()
    assert len(rows) - 4 == visits.count() == frozen.export.total + 1  # a new export sees the change

    assert exports_expire(now=timezone.now() + datetime.timedelta(days=3650)) >= 1
    assert _download(client, frozen) == first  # frozen files never expire


def test_a_stock_ledger_holds_everything_up_to_the_end_with_ids_masked(login, client):
    user = login("township01")  # sees full ID numbers, but a frozen ledger is everyone's: masked
    period = _last_month()
    _start, end = period_dates(period)
    client.post(reverse("ledgers:frozen-create"), {"ledger": "L-01", "period": period, "area": user.area.code})
    frozen = FrozenLedger.objects.get()
    (rows,) = calamine_sheets(_download(client, frozen)).values()
    expected = MonitoringSubject.objects.filter(household__managing_area__parent=user.area, entered_on__lte=end).count()
    assert len(rows) - 4 == expected > 0
    assert all("*" * 10 in row[5] for row in rows[3:-1])
    assert frozen.export.full_ids is False


def test_sign_off_goes_village_then_township_then_county(login, client):
    login("report")
    worker = User.objects.get(username="village")
    village = worker.area
    _worker, cadre, county = _people(village)
    frozen = freeze(actor=User.objects.get(username="report"), code="L-04", period=_last_month(), area=village)
    sign = reverse("ledgers:frozen-sign", args=[frozen.pk])

    def attempt(user: User, note: str = "") -> str:
        client.force_login(user)
        return client.post(sign, {"note": note}, follow=True).content.decode()

    client.force_login(worker)
    assert "待签核的冻结台账" in client.get(reverse("home")).content.decode()  # on the village's work queue
    assert f"当前应由{village.name}（村级）签核" in attempt(cadre)
    assert f"当前应由{village.name}（村级）签核" in attempt(county)
    other = UserFactory(area=AdminArea.objects.filter(parent=village.parent).exclude(pk=village.pk).first(),
                        roles=[Role.VILLAGE_WORKER])  # fmt: skip
    client.force_login(other)
    assert client.post(sign).status_code == 404  # another village's worker does not even see it
    assert SignOff.objects.count() == 0

    assert "已签核" in attempt(worker, "数据已核对")
    assert f"当前应由{village.parent.name}（乡镇）签核" in attempt(worker)
    client.force_login(worker)
    assert "待签核的冻结台账" not in client.get(reverse("home")).content.decode()
    client.force_login(cadre)
    assert "待签核的冻结台账" in client.get(reverse("home")).content.decode()  # now the township's turn
    assert "已签核" in attempt(cadre)
    assert "已签核" in attempt(county, "同意")
    assert "该台账已完成县级签核" in attempt(county)
    assert list(SignOff.objects.order_by("pk").values_list("level", "area", "signed_by", "note")) == [
        ("village", village.pk, worker.pk, "数据已核对"),
        ("township", village.parent.pk, cadre.pk, ""),
        ("county", village.parent.parent.pk, county.pk, "同意"),
    ]
    page = client.get(frozen.get_absolute_url()).content.decode()
    assert page.count("已签核") >= 3
    assert 'data-testid="sign-form"' not in page


def test_who_signs_next_reads_the_same_for_one_ledger_and_for_a_set(login):
    """``may_sign`` (one ledger, the sign-off page) and ``signs_next_q`` (a set: the work queue counts it) agree for
    every signer of the chain and for people who never sign, at every step of a village's, a township's and a
    county's chain, and not before the file is done."""
    reporter = login("report")
    worker = User.objects.get(username="village")
    village = worker.area
    _worker, cadre, county = _people(village)
    sibling = UserFactory(
        area=AdminArea.objects.filter(parent=village.parent).exclude(pk=village.pk).first(), roles=[Role.VILLAGE_WORKER]
    )
    other_cadre = UserFactory(
        area=AdminArea.objects.filter(parent=village.parent.parent).exclude(pk=village.parent.pk).first(),
        roles=[Role.TOWNSHIP_CADRE],
    )
    people = [worker, cadre, county, reporter, sibling, other_cadre]
    ledgers = [
        freeze(actor=reporter, code="L-04", period=_last_month(), area=area)
        for area in (village, village.parent, village.parent.parent)
    ]

    def agree() -> int:
        found = 0
        for user in people:
            in_python = {f.pk for f in FrozenLedger.objects.filter(pk__in=[f.pk for f in ledgers]) if may_sign(user, f)}
            assert set(FrozenLedger.objects.filter(signs_next_q(user)).values_list("pk", flat=True)) == in_python
            found += len(in_python)
        return found

    assert agree() == 3  # each ledger's own place signs first: the village, the township, the county
    steps = 0
    for frozen in ledgers:
        for signer in (worker, cadre, county):
            try:
                sign(actor=signer, frozen=frozen)
            except DomainError:
                continue  # not this level's turn (a township's ledger begins with the township)
            steps += 1
            agree()
    assert steps == SignOff.objects.count() == 6
    assert agree() == 0  # every chain is complete

    unsigned = freeze(actor=reporter, code="L-04", period=_last_month(), area=sibling.area)
    ledgers.append(unsigned)
    assert agree() == 1
    unsigned.export.status = ExportStatus.RUNNING
    unsigned.export.save(update_fields=["status"])
    assert agree() == 0  # a file still being written is not signed


def test_bad_freezes_are_refused_in_chinese_and_save_nothing(login, client):
    user = login("township01")
    village = AdminArea.objects.filter(parent=user.area).first()
    this_month = f"{timezone.localdate():%Y-%m}"
    foreign = AdminArea.objects.get(name="河西镇")
    for data, message in (
        ({"period": "2026-13"}, "统计期格式应为"),
        ({"period": this_month}, "尚未结束"),
        ({"period": _last_month(), "area": foreign.code}, "村、乡镇或县"),
        ({"period": _last_month(), "ledger": "L-08"}, "台账"),
    ):
        body = {"ledger": "L-04", "area": village.code, **data}
        page = client.post(reverse("ledgers:frozen-create"), body, follow=True).content.decode()
        assert message in page, data
    assert not FrozenLedger.objects.exists()
    client.post(reverse("ledgers:frozen-create"), {"ledger": "L-04", "period": _last_month(), "area": village.code})
    page = client.post(
        reverse("ledgers:frozen-create"), {"ledger": "L-04", "period": _last_month(), "area": village.code}, follow=True
    ).content.decode()
    assert "已冻结，不能重复冻结" in page
    assert FrozenLedger.objects.count() == 1


def test_a_tampered_file_is_refused_not_served(login, client):
    user = login("township01")
    village = AdminArea.objects.filter(parent=user.area).first()
    frozen = freeze(actor=user, code="L-04", period=_last_month(), area=village)
    with frozen.export.file.open("wb") as handle:
        handle.write(b"changed")
    page = client.get(reverse("ledgers:frozen-download", args=[frozen.pk]), follow=True).content.decode()
    assert "与冻结时的校验值不一致" in page


def test_who_sees_a_frozen_ledger(login, client):
    user = login("township01")
    village = AdminArea.objects.filter(parent=user.area).first()
    frozen = freeze(actor=user, code="L-04", period=_last_month(), area=village)
    login("screener")  # a department screener sees no visits
    assert client.get(frozen.get_absolute_url()).status_code == 404
    login("township02")  # another township
    assert client.get(frozen.get_absolute_url()).status_code == 404
    login("county")
    assert client.get(frozen.get_absolute_url()).status_code == 200
    assert frozen.get_absolute_url() in client.get(reverse("ledgers:frozen-list")).content.decode()
