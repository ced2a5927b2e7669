"""The employment pages (SPEC §11.3): the roster of the area's workforce with its filters, a person's employment
page and its forms, the workshops with their people and the subsidy the rules give; each renders for the roles that
read it, refuses roles without the capability and is 404 for another area."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from employment import selectors
from employment.choices import EmploymentStatus, ServiceKind, SubsidyKind
from employment.models import EmploymentRecord, EmploymentService, EmploymentSubsidy, Workshop, WorkshopHire
from households.choices import HouseholdFlagKind
from households.models import HouseholdMember
from households.services.life import household_areas_change
from monitoring.measure_records import records_of
from monitoring.models import AssistanceMeasure
from tests.employment.factories import TODAY
from tests.factories import MemberFactory, MonitoringSubjectFactory, VillageFactory


def test_the_roster_lists_the_areas_workforce_of_the_three_groups(world, client):
    world.record(world.worker_a, status=EmploymentStatus.SEEKING, months_employed=0)
    outsider = MemberFactory(household=world.ordinary, name="李一般")
    client.force_login(world.worker)
    page = client.get(reverse("employment:roster")).content.decode()
    assert "王务工" in page
    assert "未就业（有求职意愿）" in page
    assert "服务未达标" in page
    assert outsider.name not in page
    assert "乙外务工" not in page  # another township's people
    assert "王务工" in client.get(reverse("employment:roster"), {"lacking": "1", "wish": "yes"}).content.decode()
    assert "王务工" not in client.get(reverse("employment:roster"), {"status": "none"}).content.decode()
    assert "王务工" not in client.get(reverse("employment:roster"), {"group": "relocated"}).content.decode()
    client.force_login(world.reporter)  # reads the county
    assert "乙外务工" in client.get(reverse("employment:roster")).content.decode()
    client.force_login(world.screener)
    assert client.get(reverse("employment:roster")).status_code == 403


def test_the_roster_counts_to_the_cap_and_then_asks_to_narrow(world, client, settings):
    client.force_login(world.reporter)  # reads the county: more people than the cap below
    listed = client.get(reverse("employment:roster")).context["paginator"].count
    settings.LIST_COUNT_CAP = listed - 1

    page = client.get(reverse("employment:roster")).content.decode()

    assert f"超过 {listed - 1} 人，请按类别、状态或姓名缩小范围" in page
    settings.LIST_COUNT_CAP = listed
    assert f"共 {listed} 人" in client.get(reverse("employment:roster")).content.decode()


def test_a_persons_page_renders_for_readers_and_is_404_elsewhere(world, client):
    world.record(world.worker_a)
    world.serve(world.worker_a, ServiceKind.JOB_OFFER, n=2)
    url = reverse("employment:member-detail", args=[world.worker_a.pk])
    client.force_login(world.worker)
    page = client.get(url).content.decode()
    assert "跨省务工" in page
    assert "福建省晋江市" in page
    assert "岗位推介 2 次" in page
    assert "脱贫人口" in page
    assert 'data-testid="service-form"' in page
    client.force_login(world.reporter)
    page = client.get(url).content.decode()
    assert "跨省务工" in page
    assert 'data-testid="service-form"' not in page
    client.force_login(world.other_cadre)
    assert client.get(url).status_code == 404


def test_the_record_form_saves_the_years_record(world, client):
    client.force_login(world.worker)
    url = reverse("employment:record-edit", args=[world.worker_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "recorded_on": TODAY.isoformat(), "status": EmploymentStatus.CROSS_COUNTY, "place": "银川市",
        "employer": "银川建筑公司", "months_employed": "7", "labour_contract": "on", "social_insurance": "on",
        "wish_to_work": "on",
    })  # fmt: skip
    assert response.status_code == 302
    record = EmploymentRecord.objects.get(member=world.worker_a)
    assert (record.year, record.status, record.months_employed, record.stably_employed) == (
        2026,
        "cross_county",
        7,
        True,
    )
    client.force_login(world.reporter)
    assert client.get(url).status_code == 403


def test_services_and_the_transport_subsidy_from_the_page(world, client):
    client.force_login(world.worker)
    base = world.worker_a.pk
    client.post(reverse("employment:member-service", args=[base]),
                {"kind": ServiceKind.TRAINING, "served_on": TODAY.isoformat(), "detail": "电焊工培训"})  # fmt: skip
    assert EmploymentService.objects.filter(member=world.worker_a, kind="training").count() == 1
    # No record yet: refused in Chinese, nothing granted.
    response = client.post(reverse("employment:member-transport", args=[base]), {"year": "2026"}, follow=True)
    assert "请先登记此人 2026 年的就业信息" in response.content.decode()
    world.record(world.worker_a, status=EmploymentStatus.CROSS_COUNTY)
    client.post(reverse("employment:member-transport", args=[base]), {"year": "2026"})
    subsidy = EmploymentSubsidy.objects.get(member=world.worker_a)
    assert subsidy.amount == Decimal(200)
    response = client.post(reverse("employment:subsidy-paid", args=[subsidy.pk]), {"paid_on": TODAY.isoformat()})
    assert response.status_code == 302
    subsidy.refresh_from_db()
    assert subsidy.paid_on == TODAY
    client.force_login(world.other_cadre)
    assert client.post(reverse("employment:member-transport", args=[base]), {"year": "2026"}).status_code == 404


def test_workshops_register_hire_and_show_the_subsidy_due(world, client):
    client.force_login(world.cadre)
    response = client.post(reverse("employment:workshop-create"), {
        "name": "张树村扶贫车间", "area": world.village.code, "operator": "宁夏某服饰有限公司",
        "recognised_on": "2025-03-01",
    })  # fmt: skip
    workshop = Workshop.objects.get()
    assert response["Location"] == workshop.get_absolute_url()
    world.hire(workshop, n=10)
    client.post(reverse("employment:workshop-hire", args=[workshop.pk]),
                {"id_number": world.worker_a.id_number, "hired_on": TODAY.isoformat()})  # fmt: skip
    assert WorkshopHire.objects.filter(workshop=workshop).count() == 11
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "今日在岗 11 人" in page
    assert "20000" in page
    client.post(reverse("employment:workshop-subsidy", args=[workshop.pk]), {"kind": SubsidyKind.WORKSHOP})
    assert EmploymentSubsidy.objects.get(workshop=workshop).amount == Decimal(20000)
    listing = client.get(reverse("employment:workshop-list")).content.decode()
    assert "张树村扶贫车间" in listing
    assert "在岗 11 人" in listing
    hire = WorkshopHire.objects.filter(workshop=workshop).first()
    client.post(reverse("employment:hire-end", args=[hire.pk]), {"left_on": TODAY.isoformat()})
    hire.refresh_from_db()
    assert hire.left_on == TODAY
    client.force_login(world.other_cadre)
    assert client.get(workshop.get_absolute_url()).status_code == 404
    assert "张树村扶贫车间" not in client.get(reverse("employment:workshop-list")).content.decode()


def test_a_hire_by_an_unknown_or_foreign_id_number_is_refused_by_name(world, client):
    workshop = world.workshop()
    client.force_login(world.cadre)
    response = client.post(
        reverse("employment:workshop-hire", args=[workshop.pk]),
        {"id_number": world.far_member.id_number, "hired_on": TODAY.isoformat()},
        follow=True,
    )
    assert "身份证号：查无此人，或不在您的辖区内" in response.content.decode()
    assert not WorkshopHire.objects.exists()


def test_the_measure_page_reader_shows_the_job(world):
    subject = MonitoringSubjectFactory(household=world.exited)
    measure = AssistanceMeasure.objects.create(
        subject=subject, measure_type="employment", subtype="transfer_employment", timing="remedial",
        funding_source="sector_policy", responsible_department="human_resources", started_on=datetime.date(2026, 3, 1),
        description="外出务工", recorded_by=world.worker,
    )  # fmt: skip
    world.record(world.worker_a, measure=measure)
    (shown,) = records_of([measure])[measure.pk]
    assert "王务工" in str(shown.label)
    assert "跨省务工" in str(shown.progress)
    assert str(shown.effect) == "稳定就业"
    assert shown.url == reverse("employment:member-detail", args=[world.worker_a.pk])


@pytest.mark.services
def test_the_roster_is_paged_area_by_area_as_the_plain_slice_orders_it(world, client):
    """On PostgreSQL the roster's pages are read area by area, as the household list's are (in the order of their
    households' numbers a late township's first page walked the province's people before it): every page holds the
    people the plain slice holds, in its order — several to a household, households whose numbers interleave with
    another township's, one co-managed from there, and none of a closed household."""
    villages = [world.village, *(VillageFactory(parent=world.township) for _ in range(2))]
    for n in range(24):
        village = villages[n % 3]
        household = world.household(HouseholdFlagKind.EXITED_POOR, area=village, household_no=f"{9 - n % 3}-{n:04d}")
        for _member in range(2):
            MemberFactory(household=household, birth_date=datetime.date(1990, 3, 1))
        elsewhere = world.household(HouseholdFlagKind.EXITED_POOR, area=world.other_village, household_no=f"8-e{n:04d}")
        MemberFactory(household=elsewhere, birth_date=datetime.date(1990, 3, 1))
    co_managed = world.household(
        HouseholdFlagKind.EXITED_POOR, area=world.other_village, co_managing_area=villages[1], household_no="0-co"
    )
    MemberFactory(household=co_managed, name="共管务工", birth_date=datetime.date(1990, 3, 1))
    closed = world.household(
        HouseholdFlagKind.EXITED_POOR,
        household_no="7-closed",
        closed_on=datetime.date(2026, 1, 1),
        closed_reason="moved_out",
    )
    MemberFactory(household=closed, name="已注销务工", birth_date=datetime.date(1990, 3, 1))
    # moved to the other township by the county: still readable from here, but no longer on this township's roster
    moved = world.household(HouseholdFlagKind.EXITED_POOR, area=villages[2], household_no="9-moved")
    MemberFactory(household=moved, name="迁出务工", birth_date=datetime.date(1990, 3, 1))
    household_areas_change(
        actor=world.reviewer, household=moved, changes={"managing_area": world.other_village}, reason="整户搬迁"
    )
    assert HouseholdMember.objects.visible_to(world.cadre).filter(name="迁出务工").exists()

    for user in (world.cadre, world.reporter):
        client.force_login(user)
        expected = [
            member.pk
            for member in selectors.roster(
                user, HouseholdMember.objects.current_to(user), selectors.RosterFilter(), on=TODAY
            )
        ]
        listed, page = [], 1
        while True:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(reverse("employment:roster"), {"page": page})
            assert any("ARRAY(" in query["sql"] for query in captured.captured_queries)
            listed += [member.pk for member in response.context["page_obj"].object_list]
            if not response.context["page_obj"].has_next():
                break
            page += 1

        assert page > 1
        assert listed == expected
        assert HouseholdMember.objects.get(name="共管务工").pk in listed
        assert HouseholdMember.objects.get(name="已注销务工").pk not in listed
        assert (HouseholdMember.objects.get(name="迁出务工").pk in listed) == (user == world.reporter)
