import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.roles import Role
from core.errors import DomainError
from geo.models import PolicyParameter
from ledgers.counts import area_counts_refresh, totals_for
from monitoring import rules
from monitoring.facts import without_measures, without_measures_q
from monitoring.models import AssistanceMeasure, EntryApplication, MonitoringSubject
from monitoring.selectors.queues import subjects_without_measures
from monitoring.services import measure_add, measure_update_status
from tests.factories import UserFactory
from tests.worlds.monitoring import TODAY, County

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def monitored_subject(county, entered_on=TODAY):
    household = county.household(per_capita=Decimal("5000"))
    application = EntryApplication.objects.create(
        household=household,
        channel="cadre_screening",
        proposed_category="marginal_at_risk",
        risk_types=["illness"],
        triggers=["MA-1"],
        reason="因病",
        reported_by=county.village_worker,
        reported_on=entered_on,
        state="registered",
        category="marginal_at_risk",
    )
    return MonitoringSubject.objects.create(
        household=household, application=application, category="marginal_at_risk", entered_on=entered_on
    )


def _add(county, subject, **change):
    data = {
        "measure_type": "health",
        "subtype": "medical_assistance",
        "timing": "remedial",
        "funding_source": "sector_policy",
        "responsible_department": "medical_security",
        "description": "申请医疗救助",
        "started_on": TODAY,
    }
    return measure_add(actor=county.village_worker, subject=subject, **{**data, **change})


def test_a_measure_is_added_progressed_and_keeps_its_history():
    county = County()
    subject = monitored_subject(county)
    measure = _add(county, subject)
    with pytest.raises(DomainError, match="请填写帮扶成效"):
        measure_update_status(actor=county.village_worker, measure=measure, status="delivered", outcome_note="")
    measure_update_status(
        actor=county.village_worker, measure=measure, status="delivered", outcome_note="报销 8,000 元", ended_on=TODAY
    )
    measure.refresh_from_db()
    assert measure.status == "delivered"
    assert measure.history.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"subtype": "subsistence_allowance", "measure_type": "social_security", "funding_source": "linkage_fund"},
            "须从原渠道解决，不能使用衔接资金",
        ),
        ({"subtype": "premium_subsidy", "funding_source": "linkage_fund"}, "不能使用衔接资金"),
        ({"subtype": "rain_dew"}, "“健康帮扶”下没有“rain_dew”"),
        ({"subtype": ""}, "请选择具体措施"),
    ],
)
def test_bad_measures_are_refused(change, message):
    county = County()
    with pytest.raises(DomainError, match=message):
        _add(county, monitored_subject(county), **change)
    assert not AssistanceMeasure.objects.exists()


def test_linkage_funds_may_pay_industry():
    assert rules.linkage_fund_allowed("linkage_fund", "production_support")
    assert not rules.linkage_fund_allowed("linkage_fund", "pension_premium_paid")


def test_roles_without_the_capability_cannot_add_measures():
    county = County()
    officer = UserFactory(roles=[Role.REPORTING_OFFICER], area=county.county)
    with pytest.raises(PermissionDenied):
        measure_add(
            actor=officer,
            subject=monitored_subject(county),
            measure_type="other",
            subtype="",
            timing="remedial",
            funding_source="social",
            responsible_department="civil_affairs",
            description="x",
            started_on=TODAY,
        )


def test_subjects_without_measures_after_fifteen_days_are_listed():
    county = County()
    late = monitored_subject(county, entered_on=TODAY - datetime.timedelta(days=16))
    monitored_subject(county, entered_on=TODAY - datetime.timedelta(days=15))  # still within the 15 days
    done = monitored_subject(county, entered_on=TODAY - datetime.timedelta(days=30))
    _add(county, done)
    assert list(subjects_without_measures(user=county.township_cadre, today=TODAY)) == [late]


def _both_faces(county, today):
    """The subjects without measures by the Python face, and by the query face as the live queue, the sweep's
    township and the counts each read it."""
    subjects = MonitoringSubject.objects.select_related("household__managing_area").prefetch_related("measures")
    python = {s.pk for s in subjects if without_measures(s, on=today)}
    queue = set(subjects_without_measures(user=county.county_reviewer, today=today).values_list("pk", flat=True))
    by_township = set(
        MonitoringSubject.objects.filter(
            without_measures_q(on=today), household__managing_area__code__startswith=county.township.prefix
        ).values_list("pk", flat=True)
    )
    everywhere = set(MonitoringSubject.objects.filter(without_measures_q(on=today)).values_list("pk", flat=True))
    area_counts_refresh(today=today)
    counted = totals_for(county.county_reviewer).without_measures
    return python, queue, by_township, everywhere, counted


@pytest.mark.parametrize(("setting", "late_after"), [(None, 15), (30, 30)])
def test_every_reader_of_without_measures_reads_the_county_s_days(setting, late_after):
    """Exactly N days after entry a subject is not yet late; a day more, it is — N being its county's
    ``measure.plan_due_days``, whether the list, the sweep or the home counter asks, from any area above it."""
    county = County()
    if setting is not None:
        PolicyParameter.objects.create(
            key="measure.plan_due_days", area_code=county.county.code, value=setting, valid_from=TODAY
        )
    on_the_day = monitored_subject(county, entered_on=TODAY - datetime.timedelta(days=late_after))
    late = monitored_subject(county, entered_on=TODAY - datetime.timedelta(days=late_after + 1))
    python, queue, by_township, everywhere, counted = _both_faces(county, TODAY)
    assert python == queue == by_township == everywhere == {late.pk}
    assert on_the_day.pk not in python
    assert counted == 1


def test_a_setting_finer_than_a_county_is_refused():
    county = County()
    parameter = PolicyParameter(key="measure.plan_due_days", area_code=county.township.code, value=30, valid_from=TODAY)
    with pytest.raises(ValidationError) as refused:
        parameter.full_clean()
    assert "省、市或县" in str(refused.value.message_dict["area_code"])
    with pytest.raises(IntegrityError), transaction.atomic():
        parameter.save()


def test_only_safety_net_measures_for_a_household_that_can_work_is_a_warning():
    assert rules.only_safety_net_for_able_household(True, ["social_security", "social_security"])
    assert not rules.only_safety_net_for_able_household(False, ["social_security"])
    assert not rules.only_safety_net_for_able_household(True, ["social_security", "employment"])


def test_the_subject_page_adds_a_measure_and_shows_errors(client):
    county = County()
    subject = monitored_subject(county)
    client.force_login(county.village_worker)
    url = reverse("monitoring:measure-create", args=[subject.pk])
    form = {
        "measure_type": "employment",
        "subtype": "skills_training",
        "timing": "preventive",
        "funding_source": "linkage_fund",
        "responsible_department": "human_resources",
        "description": "参加电焊技能培训",
        "started_on": TODAY.isoformat(),
    }
    response = client.post(url, form, follow=True)
    assert "已新增帮扶措施" in response.content.decode()
    response = client.post(
        url, {**form, "measure_type": "social_security", "subtype": "temporary_assistance"}, follow=True
    )
    assert "不能使用衔接资金" in response.content.decode()
    assert subject.measures.count() == 1


def test_measures_through_the_api(api_client):
    county = County()
    subject = monitored_subject(county)
    api_client.force_authenticate(county.village_worker)
    url = reverse("api:subject-measures", args=[subject.pk])
    body = {
        "measure_type": "employment",
        "subtype": "skills_training",
        "timing": "preventive",
        "funding_source": "linkage_fund",
        "responsible_department": "human_resources",
        "description": "电焊培训",
        "started_on": TODAY.isoformat(),
    }
    assert api_client.post(url, body, format="json").status_code == 201
    refused = api_client.post(
        url, {**body, "measure_type": "social_security", "subtype": "subsistence_allowance"}, format="json"
    )
    assert refused.status_code == 400
    assert "不能使用衔接资金" in refused.json()["detail"]
    assert [m["description"] for m in api_client.get(url).json()] == ["电焊培训"]


def test_a_measures_subtype_reads_in_the_readers_language():
    from django.utils import translation

    from monitoring.models import AssistanceMeasure

    measure = AssistanceMeasure(measure_type="industry", subtype="production_support")
    assert measure.subtype_label == "产业支持"
    with translation.override("en"):
        assert measure.subtype_label == "Industry support"
