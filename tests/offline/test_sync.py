"""Issue "Visits without signal": taking households offline and synchronising the visits captured on the phone,
through the API the phone app calls (session login, as the app uses it)."""

import datetime
import uuid

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.roles import Role
from households.choices import DisclosureChannel, MemberStatus
from households.masking import mask_id_number
from households.models import IdentityDisclosure, Visit
from households.services import VisitInput, visit_record
from offline.models import OfflineDownload, OfflineReceipt
from tests.factories import HouseholdFactory, MemberFactory, RiskFlagFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db

SESSION = "/api/v1/offline/session/"
HOUSEHOLDS = "/api/v1/offline/households/"
VISITS = "/api/v1/offline/visits/"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def village():
    return VillageFactory(code="640324100201", name="南关村", parent__code="640324100000", parent__name="豫海镇")


@pytest.fixture
def worker(village):
    return UserFactory(username="cun", roles=[Role.VILLAGE_WORKER], area=village)


def _visit(household, **fields):
    data = {
        "uuid": str(uuid.uuid4()),
        "household": household.pk,
        "downloaded_at": timezone.now().isoformat(),
        "base_members": ",".join(str(m.pk) for m in household.members.all()),
        "base_area": household.managing_area.code,
        "base_housing": household.housing_safety,
        "visited_on": timezone.localdate().isoformat(),
        "kind": "routine",
        "housing_safety": "safe",
        "food_ok": "on",
        "clothing_ok": "on",
        "notes": "了解家庭收入情况",
    }
    data.update(fields)
    return data


def test_a_village_worker_takes_their_village_offline_with_only_what_a_visit_needs(client, village, worker):
    household = HouseholdFactory(managing_area=village, head_name="马福海", address="南关村三组 12 号")
    wife = MemberFactory(household=household, name="李秀兰", birth_date=datetime.date(1982, 3, 1))
    RiskFlagFactory(household=household)
    HouseholdFactory(managing_area=VillageFactory(code="640324100202"))  # another village: not theirs
    client.force_login(worker)

    session = client.get(SESSION).json()
    assert session["can_go_offline"] is True
    assert session["keep_days"] == 7
    assert session["scopes"] == [{"key": "mine", "label": "我负责的全部农户", "count": 1}]

    answer = client.get(HOUSEHOLDS, {"scope": "mine"})
    assert answer.status_code == 200
    body = answer.json()
    expires = datetime.datetime.fromisoformat(body["expires_at"]) - datetime.datetime.fromisoformat(
        body["downloaded_at"]
    )
    assert expires == datetime.timedelta(days=7)
    [record] = body["households"]
    assert set(record) == {
        "id", "no", "head", "address", "village", "area", "housing_safety", "monitoring", "last_visit",
        "visit_due", "members", "risks",
    }  # fmt: skip
    assert (record["head"], record["address"], record["village"]) == ("马福海", "南关村三组 12 号", "南关村")
    members = {m["name"]: m for m in record["members"]}
    assert set(members["李秀兰"]) == {"id", "name", "age", "relationship", "id_number"}
    # a village worker sees full ID numbers (SPEC §1.3): they go to the phone, audited once per household
    assert members["李秀兰"]["id_number"] == wife.id_number
    assert IdentityDisclosure.objects.filter(household=household, channel=DisclosureChannel.OFFLINE).count() == 1
    assert len(record["risks"]) == 1
    download = OfflineDownload.objects.get()
    assert (download.user, download.household_count, download.unmasked) == (worker, 1, True)


def test_a_role_that_sees_id_numbers_masked_takes_only_the_masked_number_offline(client, village, worker,
                                                                                 monkeypatch):  # fmt: skip
    """No field role of SPEC §1.3 sees numbers masked today; the phone still gets what the role's pages show."""
    household = HouseholdFactory(managing_area=village)
    monkeypatch.setattr("offline.selectors.can_view_identity", lambda user: False)
    monkeypatch.setattr("offline.services.can_view_identity", lambda user: False)
    client.force_login(worker)
    body = client.get(HOUSEHOLDS, {"scope": "mine"}).json()
    assert body["unmasked"] is False
    assert body["households"][0]["members"][0]["id_number"] == mask_id_number(household.head.id_number)
    assert not IdentityDisclosure.objects.exists()


def test_a_roles_that_records_no_visits_cannot_go_offline(client, village):
    HouseholdFactory(managing_area=village)
    client.force_login(UserFactory(roles=[Role.REPORTING_OFFICER], area=village.parent.parent))
    assert client.get(SESSION).json()["can_go_offline"] is False
    answer = client.get(HOUSEHOLDS, {"scope": "mine"})
    assert answer.status_code == 400
    assert answer.json()["scope"] == ["您的角色不登记走访，不能下载农户到手机"]


@override_settings(OFFLINE_MAX_HOUSEHOLDS=2)
def test_a_township_too_large_for_a_phone_is_offered_village_by_village(client, village):
    other = VillageFactory(code="640324100202", name="北关村", parent=village.parent)
    for _ in range(2):
        HouseholdFactory(managing_area=village)
    mine = HouseholdFactory(managing_area=other)
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=village.parent))
    scopes = client.get(SESSION).json()["scopes"]
    assert scopes == [
        {"key": "village:640324100201", "label": "南关村", "count": 2},
        {"key": "village:640324100202", "label": "北关村", "count": 1},
    ]
    body = client.get(HOUSEHOLDS, {"scope": "village:640324100202"}).json()
    assert [h["id"] for h in body["households"]] == [mine.pk]
    refused = client.get(HOUSEHOLDS, {"scope": "mine"})
    assert refused.status_code == 400


def test_the_download_reads_a_fixed_number_of_queries_whatever_the_size(client, village, worker,
                                                                       django_assert_max_num_queries):  # fmt: skip
    for _ in range(30):
        household = HouseholdFactory(managing_area=village)
        MemberFactory(household=household)
        RiskFlagFactory(household=household)
    client.force_login(worker)
    client.get(HOUSEHOLDS, {"scope": "mine"})  # the facts rows are computed on the first read
    with django_assert_max_num_queries(16):
        assert len(client.get(HOUSEHOLDS, {"scope": "mine"}).json()["households"]) == 30


def test_a_visit_sent_twice_is_saved_once(client, village, worker):
    household = HouseholdFactory(managing_area=village)
    client.force_login(worker)
    data = _visit(household)
    first = client.post(VISITS, data)
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "saved"
    again = client.post(VISITS, data)
    assert again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True}
    visit = Visit.objects.get()
    assert (visit.client_uuid, visit.recorded_by) == (uuid.UUID(data["uuid"]), worker)
    assert OfflineReceipt.objects.get(visit=visit).overridden == []


def test_a_photo_travels_with_its_visit(client, village, worker):
    household = HouseholdFactory(managing_area=village)
    client.force_login(worker)
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _visit(household, photos=[SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg")])
    assert client.post(VISITS, data).status_code == 201
    assert Visit.objects.get().photos.count() == 1


def test_a_visit_is_validated_as_the_online_form_validates_it(client, village, worker):
    household = HouseholdFactory(managing_area=village)
    client.force_login(worker)
    answer = client.post(VISITS, _visit(household, risk_found="on", risk_note=""))
    assert answer.status_code == 400
    body = answer.json()
    assert body["status"] == "refused"
    assert body["errors"]["risk_note"] == ["发现风险时须说明风险情况"]
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    body = client.post(VISITS, _visit(household, visited_on=future)).json()
    assert body["errors"] == {"visited_on": ["走访日期不能晚于今天"]}
    body = client.post(VISITS, _visit(household, uuid="nonsense")).json()
    assert "uuid" in body["errors"]
    assert not Visit.objects.exists()


def test_a_member_who_left_after_the_download_is_a_conflict_the_user_resolves(client, village, worker):
    household = HouseholdFactory(managing_area=village)
    son = MemberFactory(household=household, name="马小军")
    client.force_login(worker)
    data = _visit(household)  # the phone took the household with its son present
    son.member_status = MemberStatus.MOVED_OUT
    son.status_changed_on = timezone.localdate()
    son.save()

    conflict = client.post(VISITS, data)
    assert conflict.status_code == 409
    assert conflict.json()["changes"] == [f"马小军 已迁出/分户（{timezone.localdate()}）"]
    assert not Visit.objects.exists()

    seen = f"马小军 已迁出/分户（{timezone.localdate()}）"
    # another change after the user looked: a conflict again, with both
    household.housing_safety = "unsafe_c"
    household.save()
    again = client.post(VISITS, {**data, "save_anyway": "1", "seen_changes": [seen]})
    assert again.status_code == 409
    assert again.json()["changes"] == [
        "住房安全等级已改为“C级危房”，保存将按本次走访填写的等级更新",
        seen,
    ]
    seen_now = again.json()["changes"]
    saved = client.post(VISITS, {**data, "save_anyway": "1", "seen_changes": seen_now})
    assert saved.status_code == 201
    assert OfflineReceipt.objects.get().overridden == seen_now


def test_another_visit_on_the_same_day_is_a_conflict(client, village, worker):
    household = HouseholdFactory(managing_area=village)
    colleague = UserFactory(
        username="zhang", first_name="伟", last_name="张", roles=[Role.VILLAGE_WORKER], area=village
    )
    visit_record(actor=colleague, household=household, data=VisitInput(visited_on=timezone.localdate()), photos=[])
    client.force_login(worker)
    body = client.post(VISITS, _visit(household)).json()
    assert (body["status"], body["changes"]) == ("conflict", [f"{timezone.localdate()} 已有 张伟 登记的走访"])


def test_a_household_closed_after_the_download_is_a_conflict_and_cannot_be_saved_anyway(client, village, worker):
    household = HouseholdFactory(managing_area=village)
    client.force_login(worker)
    data = _visit(household)
    household.closed_on = timezone.localdate()
    household.closed_reason = "moved_out"
    household.save()
    body = client.post(VISITS, data).json()
    assert body["status"] == "conflict"
    assert body["changes"] == [f"该户已于 {timezone.localdate()} 注销（整户迁出）"]
    assert body["can_save_anyway"] is False  # the phone offers only to discard it
    again = client.post(VISITS, {**data, "save_anyway": "1", "seen_changes": body["changes"]})
    assert again.status_code == 409
    assert not Visit.objects.exists()


def test_a_user_moved_to_another_village_cannot_push_visits_into_the_old_one(client, village, worker):
    household = HouseholdFactory(managing_area=village)
    client.force_login(worker)
    data = _visit(household)  # captured while the worker served 南关村
    worker.area = VillageFactory(code="640324100202", parent=village.parent)
    worker.save()
    refused = client.post(VISITS, data)
    assert refused.status_code == 403
    assert refused.json()["message"] == "该户不在您现在的管辖范围内，不能登记走访"
    assert not Visit.objects.exists()


def test_a_visit_another_user_captured_on_the_phone_is_not_sent_under_this_login(client, village, worker):
    household = HouseholdFactory(managing_area=village)
    colleague = UserFactory(roles=[Role.VILLAGE_WORKER], area=village)
    client.force_login(worker)
    refused = client.post(VISITS, _visit(household, owner=colleague.pk))
    assert refused.status_code == 403
    assert refused.json()["can_correct"] is False
    assert not Visit.objects.exists()
    assert client.post(VISITS, _visit(household, owner=worker.pk)).status_code == 201


def test_the_phone_app_calls_need_a_login_and_a_session_post_needs_its_csrf_token(village, worker):
    from django.test import Client

    anonymous = Client()
    assert anonymous.get(SESSION).status_code in (401, 403)
    household = HouseholdFactory(managing_area=village)
    phone = Client(enforce_csrf_checks=True)
    phone.force_login(worker)
    assert phone.post(VISITS, _visit(household)).status_code == 403  # no token: refused
    token = phone.get(SESSION).json()["csrf_token"]
    assert phone.post(VISITS, _visit(household), headers={"X-CSRFToken": token}).status_code == 201


def test_logout_tells_the_browser_to_delete_what_the_site_stored(client, worker):
    client.force_login(worker)
    response = client.post("/accounts/logout/")
    assert response["Clear-Site-Data"] == '"storage"'


def test_the_shell_its_worker_and_its_manifest_hold_no_one_s_data_and_open_without_login(client):
    shell = client.get("/offline/")
    assert shell.status_code == 200
    assert "离线走访" in shell.content.decode()
    assert 'name="risk_note"' in shell.content.decode()  # the online form's checklist and fields
    worker = client.get("/offline/sw.js")
    assert worker["Content-Type"].startswith("text/javascript")
    body = worker.content.decode()
    for cached in ('"/offline/"', "workbox-sw.js", "js/offline.js", "vendor/idb/umd.js"):
        assert cached in body
    manifest = client.get("/offline/manifest.webmanifest").json()
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/offline/", "/offline/", "standalone")
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_a_json_visit_is_read_as_the_form_reads_it_and_a_malformed_one_is_refused_by_field(client, village, worker):
    household = HouseholdFactory(managing_area=village)
    client.force_login(worker)
    data = {**_visit(household), "food_ok": True, "risk_types": ["illness"], "risk_note": "住院", "photos": []}
    del data["clothing_ok"]
    saved = client.post(VISITS, data, content_type="application/json")
    assert saved.status_code == 201, saved.content
    visit = Visit.objects.get()
    assert (visit.guarantee_check.food_ok, visit.guarantee_check.clothing_ok, visit.risk_found) == (True, False, True)
    bad = client.post(VISITS, {**_visit(household), "next_visit_on": [None, None]}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["errors"]["next_visit_on"] == ["格式不正确"]


def test_a_login_used_offline_expires_as_every_login_does_and_the_phone_is_told_to_log_in_again(
    client, village, worker
):
    from django.conf import settings

    from accounts.sessions import LOGIN_AT

    household = HouseholdFactory(managing_area=village)
    client.force_login(worker)
    assert client.get(SESSION).status_code == 200
    session = client.session
    session[LOGIN_AT] = (
        timezone.now() - datetime.timedelta(hours=settings.SESSION_ABSOLUTE_HOURS, minutes=1)
    ).timestamp()
    session.save()
    assert client.get(SESSION).status_code in (401, 403)  # the app shows "登录已过期，请先登录"
    assert client.post(VISITS, _visit(household)).status_code in (401, 403)
    assert not Visit.objects.exists()
