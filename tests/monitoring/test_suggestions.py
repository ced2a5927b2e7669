"""一户一策: measures suggested from the catalogue by risk type (SPEC §5.1, §5.4)."""

import datetime

import pytest
from django.urls import reverse

from monitoring import rules
from monitoring.choices import MEASURE_SUBTYPES
from monitoring.models import MeasureTemplate
from monitoring.selectors.suggestions import measure_suggestions
from tests.worlds.monitoring import TODAY, County, monitored_subject

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def test_every_catalogue_row_is_a_valid_measure_that_respects_nr_meas_01():
    rows = list(MeasureTemplate.objects.all())
    assert len(rows) >= 30
    for row in rows:
        assert row.subtype in MEASURE_SUBTYPES.get(row.measure_type, {}), row
        assert rules.linkage_fund_allowed(row.funding_source, row.subtype), row


def test_suggestions_follow_the_risk_types_and_skip_what_is_recorded():
    county = County()
    subject = monitored_subject(county)  # risk: illness; medical assistance already recorded
    subject.risk_types = ["illness", "lack_of_labour"]
    subject.save()
    found = {(s.template.measure_type, s.template.subtype): s for s in measure_suggestions(subject, on=TODAY)}
    assert ("health", "medical_assistance") not in found
    assert ("health", "critical_illness_tilt") in found
    allowance = found[("social_security", "subsistence_allowance")]
    assert allowance.template.get_responsible_department_display() == "民政"
    assert allowance.target_on == TODAY + datetime.timedelta(days=15)
    assert next(iter(found))[0] == "health"  # the first risk type comes first


def test_a_county_row_replaces_or_switches_off_the_national_one():
    county = County()
    subject = monitored_subject(county)
    MeasureTemplate.objects.create(
        area_code="640324000000",
        risk_type="illness",
        measure_type="health",
        subtype="family_doctor",
        funding_source="sector_policy",
        responsible_department="health",
        description="县级：家庭医生签约",
        active=False,
    )
    MeasureTemplate.objects.create(
        area_code="640324000000",
        risk_type="illness",
        measure_type="health",
        subtype="critical_illness_tilt",
        funding_source="sector_policy",
        responsible_department="medical_security",
        description="县级：大病保险倾斜（本县口径）",
        due_days=5,
    )
    found = {s.template.subtype: s for s in measure_suggestions(subject, on=TODAY)}
    assert "family_doctor" not in found
    assert found["critical_illness_tilt"].template.description == "县级：大病保险倾斜（本县口径）"


def test_the_cadre_adopts_a_suggestion_on_the_subject_page(client):
    county = County()
    subject = monitored_subject(county)
    client.force_login(county.village_worker)
    page = client.get(subject.get_absolute_url())
    assert "一户一策" in page.text
    assert "落实大病保险倾斜支付" in page.text
    client.post(
        reverse("monitoring:measure-create", args=[subject.pk]),
        {
            "measure_type": "health",
            "subtype": "critical_illness_tilt",
            "timing": "remedial",
            "funding_source": "sector_policy",
            "responsible_department": "medical_security",
            "description": "落实大病保险倾斜支付（已与医保局对接）",
            "responsible_person": "王医保",
            "started_on": TODAY + datetime.timedelta(days=15),
        },
    )
    assert subject.measures.filter(subtype="critical_illness_tilt", responsible_person="王医保").exists()
    assert "critical_illness_tilt" not in {s.template.subtype for s in measure_suggestions(subject, on=TODAY)}
