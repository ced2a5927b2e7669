import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from households.choices import VisitKind
from households.models import Visit
from monitoring.choices import EntryState
from monitoring.models import EntryApplication
from tests.factories import HouseholdFactory, MonitoringSubjectFactory
from tests.worlds.monitoring import TODAY, County

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def test_report_and_take_steps_through_the_api(api_client):
    county = County()
    household = county.household(per_capita=Decimal("5000"))
    api_client.force_authenticate(county.village_worker)
    created = api_client.post(
        reverse("api:entry-list"),
        {
            "household": household.pk,
            "channel": "cadre_screening",
            "proposed_category": "marginal_at_risk",
            "risk_types": ["illness"],
            "triggers": ["MA-1"],
            "reason": "因病",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    url = reverse("api:entry-transitions", args=[created.json()["id"]])
    refused = api_client.post(url, {"action": "verify"}, format="json")
    assert refused.status_code == 400
    assert "入户核实" in refused.json()["detail"]
    Visit.objects.create(
        household=household, visited_on=TODAY, kind=VisitKind.VERIFICATION, recorded_by=county.village_worker
    )
    done = api_client.post(url, {"action": "verify", "comment": "已核实"}, format="json")
    assert done.status_code == 200
    assert done.json()["state"] == EntryState.HOME_VERIFIED
    wrong_state = api_client.post(url, {"action": "register"}, format="json")
    assert wrong_state.status_code in (403, 409)


def test_the_wrong_level_gets_403_and_another_county_404(api_client):
    county = County()
    application = EntryApplication.objects.create(
        household=county.household(per_capita=Decimal("5000")),
        channel="cadre_screening",
        proposed_category="marginal_at_risk",
        risk_types=["illness"],
        triggers=["MA-1"],
        reason="因病",
        reported_by=county.village_worker,
        reported_on=TODAY - datetime.timedelta(days=3),
        state=EntryState.TOWNSHIP_REVIEWED,
    )
    url = reverse("api:entry-approve", args=[application.pk])
    body = {"category": "marginal_at_risk", "risk_types": ["illness"]}
    api_client.force_authenticate(county.township_cadre)
    assert api_client.post(url, body, format="json").status_code == 403
    from accounts.roles import Role
    from tests.factories import CountyFactory, UserFactory

    api_client.force_authenticate(UserFactory(roles=[Role.COUNTY_REVIEWER], area=CountyFactory()))
    assert api_client.post(url, body, format="json").status_code == 404
    api_client.force_authenticate(county.county_reviewer)
    approved = api_client.post(url, body, format="json")
    assert approved.status_code == 200
    assert approved.json()["state"] == EntryState.APPROVED
    application.refresh_from_db()
    assert application.events.filter(to_state=EntryState.APPROVED).count() == 1


def test_a_household_missing_or_outside_the_territory_is_refused_on_its_field(api_client):
    """The same answer for both (STYLE rule 11), in Chinese, as every API body that names a row (contract test)."""
    county = County()
    elsewhere = HouseholdFactory()  # in another province
    api_client.force_authenticate(county.village_worker)
    body = {"channel": "cadre_screening", "proposed_category": "marginal_at_risk", "risk_types": ["illness"],
            "triggers": ["MA-1"], "reason": "因病"}  # fmt: skip
    for household in (elsewhere.pk, 0):
        response = api_client.post(reverse("api:entry-list"), {**body, "household": household}, format="json")
        assert response.status_code == 400
        assert response.json() == {"household": ["农户不存在，或不在您的辖区内"]}
    assert not EntryApplication.objects.exists()


def test_a_measure_without_a_subtype_is_refused_in_words_not_a_500(api_client):
    county = County()
    subject = MonitoringSubjectFactory(household=county.household(per_capita=Decimal("5000")))
    api_client.force_authenticate(county.village_worker)
    body = {"measure_type": "housing", "timing": "remedial", "funding_source": "social",
            "responsible_department": "housing", "description": "危房改造",
            "started_on": TODAY.isoformat()}  # fmt: skip
    response = api_client.post(reverse("api:subject-measures", args=[subject.pk]), body, format="json")
    assert response.status_code == 400
    assert response.json()["subtype"] == ["请选择具体措施"]
