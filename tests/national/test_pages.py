"""The 全国系统录入 pages: a queue per level showing its own area only (404 for a foreign subject), the record form, the
batch page (all or nothing, the refused household named and marked), the subject page's entries, the menu link."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from national.choices import NationalEntryKind
from national.models import NationalEntry
from national.services import national_entry_record
from tests.factories import TownshipFactory, UserFactory, VillageFactory
from tests.national.world import marked, subject_registered
from tests.worlds.monitoring import DAY, TODAY, County

pytestmark = pytest.mark.django_db
K = NationalEntryKind


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def county():
    return County()


def _sibling_subject(county):
    """A subject in another township of the same county."""
    other = County.__new__(County)
    other.village = VillageFactory(parent=TownshipFactory(parent=county.county))
    other.village_worker = county.village_worker
    return subject_registered(other)


@pytest.mark.parametrize(
    ("_case", "role", "area_of", "sees_own", "sees_sibling", "record_forms"),
    [
        ("county reviewer", Role.COUNTY_REVIEWER, lambda c: c.county, True, True, True),
        ("township cadre", Role.TOWNSHIP_CADRE, lambda c: c.township, True, False, True),
        ("village worker", Role.VILLAGE_WORKER, lambda c: c.village, True, False, False),
        ("county reviewer of another county", Role.COUNTY_REVIEWER, lambda c: None, False, False, False),
    ],
)
def test_the_queue_shows_what_awaits_in_the_users_area(client, county, _case, role, area_of, sees_own, sees_sibling,
                                                      record_forms):  # fmt: skip
    own = subject_registered(county, days_ago=20)
    sibling = _sibling_subject(county)
    client.force_login(UserFactory(roles=[role], area=area_of(county)))

    page = client.get(reverse("national:queue")).content.decode()

    assert (own.household.head_name in page) is sees_own
    assert (sibling.household.head_name in page) is sees_sibling
    assert (reverse("national:record", args=[own.pk]) in page) is (record_forms and sees_own)
    if sees_own:
        assert "待录入 · 纳入监测录入" in page
        assert "已等待 14 个工作日" in page  # 2026-11-03 → 11-23: 14 working days


def test_the_queue_filters_by_kind_and_counts_each(client, county):
    waiting_entry = subject_registered(county)
    eliminated = subject_registered(county)
    national_entry_record(
        subject=eliminated, kind=K.SUBJECT_ENTRY, record_no="N-1", entered_on=TODAY, actor=county.county_reviewer
    )
    marked(county, eliminated)
    client.force_login(county.county_reviewer)

    page = client.get(reverse("national:queue"), {"kind": K.ELIMINATION}).content.decode()

    assert eliminated.household.head_name in page
    assert waiting_entry.household.head_name not in page
    assert 'data-testid="count-all">2<' in page
    assert 'data-testid="count-subject_entry">1<' in page
    assert 'data-testid="count-elimination">1<' in page


def test_the_form_records_an_entry_and_the_subject_page_shows_it(client, county):
    subject = subject_registered(county)
    client.force_login(county.township_cadre)

    response = client.post(
        reverse("national:record", args=[subject.pk]),
        {"kind": K.SUBJECT_ENTRY, "record_no": "640324-JC-000042", "entered_on": str(TODAY - DAY), "note": ""},
    )

    assert response.status_code == 302
    entry = NationalEntry.objects.get()
    assert (entry.national_record_no, entry.entered_on, entry.recorded_by) == (
        "640324-JC-000042",
        TODAY - DAY,
        county.township_cadre,
    )
    page = client.get(subject.get_absolute_url()).content.decode()
    assert "640324-JC-000042" in page
    assert str(county.township_cadre) in page
    assert "待录入" not in page


def test_a_refusal_is_shown_in_chinese_and_records_nothing(client, county):
    subject = subject_registered(county)
    client.force_login(county.county_reviewer)
    response = client.post(
        reverse("national:record", args=[subject.pk]),
        {"kind": K.SUBJECT_ENTRY, "record_no": "X", "entered_on": str(TODAY + DAY)},
        follow=True,
    )
    assert "录入日期不能晚于今天" in response.content.decode()
    assert not NationalEntry.objects.exists()


def test_a_foreign_subject_is_404_and_a_village_worker_is_403(client, county):
    own, sibling = subject_registered(county), _sibling_subject(county)
    data = {"kind": K.SUBJECT_ENTRY, "record_no": "X-1", "entered_on": str(TODAY)}
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=county.township))
    assert client.post(reverse("national:record", args=[sibling.pk]), data).status_code == 404
    client.force_login(county.village_worker)
    assert client.post(reverse("national:record", args=[own.pk]), data).status_code == 403
    assert not NationalEntry.objects.exists()


def test_the_batch_page_records_the_rows_given_a_number_all_or_nothing(client, county):
    first, second, third = (subject_registered(county) for _ in range(3))
    client.force_login(county.county_reviewer)
    page = client.get(reverse("national:batch"), {"kind": K.SUBJECT_ENTRY}).content.decode()
    assert page.count('data-testid="batch-row"') == 3

    form = {
        "kind": K.SUBJECT_ENTRY,
        "entered_on": str(TODAY),
        "subject": [first.pk, second.pk, third.pk],
        f"record_no_{first.pk}": "B-1",
        f"record_no_{second.pk}": "B-1",  # typed twice: the second household is refused
        f"record_no_{third.pk}": "",  # left blank: not in this batch
    }
    refused = client.post(reverse("national:batch"), form).content.decode()
    assert "第 2 户" in refused
    assert second.household.head_name in refused
    assert "list-group-item-danger" in refused
    assert not NationalEntry.objects.exists()

    form[f"record_no_{second.pk}"] = "B-2"
    done = client.post(reverse("national:batch"), form)
    assert done.status_code == 302
    assert dict(NationalEntry.objects.values_list("subject", "national_record_no")) == {
        first.pk: "B-1",
        second.pk: "B-2",
    }


def test_a_batch_naming_a_foreign_subject_is_404(client, county):
    sibling = _sibling_subject(county)
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=county.township))
    form = {"kind": K.SUBJECT_ENTRY, "entered_on": str(TODAY), "subject": [sibling.pk], f"record_no_{sibling.pk}": "F"}
    assert client.post(reverse("national:batch"), form).status_code == 404
    assert not NationalEntry.objects.exists()


def test_the_menu_leads_township_and_county_users_to_the_queue(client, county):
    url = reverse("national:queue")
    for user, shown in ((county.county_reviewer, True), (county.township_cadre, True), (county.village_worker, False)):
        client.force_login(user)
        assert (f'href="{url}"' in client.get(reverse("home")).content.decode()) is shown
