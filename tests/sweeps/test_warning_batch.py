"""Batch disposal of department screening warnings (SPEC §6.5, §6.6): a village or township ticks the warnings it has
verified on the warning list and disposes of them in one request with one disposition and note — each through
``warning_dispose`` (or closes verified ones through ``warning_close``), all or nothing, the first refusal named by
its household, village and event — and the village hears of a batch of new entry applications once."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.batch import BatchRefused
from households.choices import VisitKind
from households.models import Visit
from monitoring.choices import EntryState
from monitoring.models import EntryApplication
from notifications.models import Notification
from sweeps.choices import WarningDisposition, WarningStatus
from sweeps.models import ScreeningWarning
from sweeps.services import screening_upload, warning_dispose, warnings_close, warnings_dispose
from sweeps.tasks import screening_batch_task
from tests.factories import CountyFactory, TownshipFactory, UserFactory, VillageFactory
from tests.worlds.sweeps import TODAY, World, xlsx

pytestmark = pytest.mark.django_db
LIST = reverse("sweeps:warning-list")
EVENT = "确诊大病重病"


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world():
    world = World()
    world.screener = UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=world.county, department="health")
    return world


def warned(world, n, *, visited=True):
    """``n`` households of the village on the health department's list, their warnings imported as the worker
    imports them (in the order of the list), and — unless ``visited`` is false — a verification visit to each."""
    households = [world.family(per_capita=Decimal("5000")) for _ in range(n)]
    rows = [[h.members.order_by("pk").first().id_number, "", "", EVENT, None, None, "", ""] for h in households]
    batch = screening_upload(actor=world.screener, period="2026-Q3", upload=xlsx(rows))
    screening_batch_task(batch.pk)
    if visited:
        for household in households:
            visit(world, household)
    Notification.objects.all().delete()  # the import's own notices: not what the batches are tested for
    by_household = {w.household_id: w for w in ScreeningWarning.objects.all()}
    return [by_household[h.pk] for h in households]


def sibling_village(world):
    return VillageFactory(parent=world.township, code=world.township.code[:9] + "202")


def visit(world, household):
    Visit.objects.create(
        household=household, visited_on=TODAY, kind=VisitKind.VERIFICATION, recorded_by=world.village_worker
    )


def snapshot(warnings):
    """What a refused batch must leave as it was: each warning's status and disposition, the entry applications and
    every inbox."""
    rows = ScreeningWarning.objects.filter(pk__in=[w.pk for w in warnings]).order_by("pk")
    return (
        [(w.status, w.disposition, w.disposition_note, w.verified_by_id, w.entry_application_id) for w in rows],
        EntryApplication.objects.count(),
        Notification.objects.count(),
    )


def dispose_fields(**change):
    return {"disposition": WarningDisposition.NO_RISK, "note": "入户核实，已痊愈，无返贫风险", **change}


# ---------------------------------------------------------------------------------------------------- the page


def test_a_township_disposes_of_ten_warnings_in_one_request(world, client):
    # given: ten warnings of the village, each household visited since
    warnings = warned(world, 10)
    client.force_login(world.township_cadre)

    # when: one request with the ticked warnings and the disposition once
    response = client.post(f"{LIST}?status=assigned", {"warnings": [w.pk for w in warnings], **dispose_fields()})

    # then: every warning verified and closed by the cadre with the note
    assert response.status_code == 302
    assert response.url == f"{LIST}?status=assigned"
    rows = ScreeningWarning.objects.filter(pk__in=[w.pk for w in warnings])
    assert {(w.status, w.disposition, w.disposition_note, w.verified_by) for w in rows} == {
        (WarningStatus.CLOSED, WarningDisposition.NO_RISK, "入户核实，已痊愈，无返贫风险", world.township_cadre)
    }
    assert all(w.verified_at is not None and w.closed_at is not None for w in rows)
    assert "已核实处置 10 条预警" in client.get(response.url).text


def test_the_list_offers_the_batch_to_those_who_verify(world, client):
    warnings = warned(world, 2)

    client.force_login(world.village_worker)
    page = client.get(LIST)
    assert page.context["batch_action"] == "dispose"
    assert page.context["selectable"] == {w.pk for w in warnings}
    assert 'data-select-all="warnings"' in page.text
    # every status at once: no batch (a batch disposes of waiting warnings, or closes verified ones)
    assert client.get(LIST, {"status": "all"}).context["batch_action"] == ""
    # the department sees its warnings but verifies none: no batch, no checkboxes
    client.force_login(world.screener)
    page = client.get(LIST)
    assert list(page.context["object_list"]) == warnings
    assert page.context["batch_action"] == ""
    assert 'name="warnings"' not in page.text


def test_a_refusal_of_the_fourth_warning_names_it_and_saves_nothing(world, client):
    # given: ten warnings; the fourth household has not been visited since its warning
    warnings = warned(world, 10, visited=False)
    fourth = warnings[3]
    for warning in warnings:
        if warning != fourth:
            visit(world, warning.household)
    before = snapshot(warnings)
    client.force_login(world.township_cadre)

    # when
    response = client.post(LIST, {"warnings": [w.pk for w in warnings], **dispose_fields()})

    # then: the page names the fourth warning by its village, household and event, and the service's reason
    assert response.status_code == 200
    refusal = response.context["refusal"]
    head = fourth.household.head_name
    assert refusal == (
        f"第 4 条预警 {world.village.name}{head}户「卫生健康·{EVENT}」：请先登记一次入户核实走访，再填写处置结果。"
        "本批未办理任何预警，请更正后重新提交"
    )
    assert snapshot(warnings) == before
    assert response.context["ticked"] == {w.pk for w in warnings}
    assert response.context["refused"] == fourth.pk
    assert response.context["batch_form"]["note"].value() == "入户核实，已痊愈，无返贫风险"


def test_a_missing_note_is_named_before_anything_is_saved(world, client):
    warnings = warned(world, 2)
    before = snapshot(warnings)
    client.force_login(world.village_worker)

    response = client.post(LIST, {"warnings": [w.pk for w in warnings], **dispose_fields(note="")})

    assert response.context["refusal"].startswith("核实情况：")
    assert snapshot(warnings) == before


@pytest.mark.parametrize(
    ("_case", "role", "area_of", "status"),
    [
        ("worker of a sibling village", Role.VILLAGE_WORKER, lambda w: sibling_village(w), 404),
        ("cadre of a sibling township", Role.TOWNSHIP_CADRE, lambda w: TownshipFactory(parent=w.county), 404),
        ("reviewer of another county", Role.COUNTY_REVIEWER, lambda w: CountyFactory(), 404),
        ("the department that raised them", Role.DEPARTMENT_SCREENER, lambda w: w.county, 403),
    ],
)
def test_warnings_outside_the_users_area_or_right_are_refused(_case, role, area_of, status, world, client):
    warnings = warned(world, 3)
    before = snapshot(warnings)
    client.force_login(UserFactory(roles=[role], area=area_of(world), department="health"))

    response = client.post(LIST, {"warnings": [w.pk for w in warnings], **dispose_fields()})

    assert response.status_code == status
    assert snapshot(warnings) == before


def test_verified_warnings_are_closed_in_one_batch(world, client):
    warnings = warned(world, 3)
    for warning in warnings:
        warning_dispose(
            warning=warning, actor=world.village_worker, disposition="refer_to_department", note="建议民政纳入低保"
        )
    client.force_login(world.township_cadre)
    page = client.get(LIST, {"status": "verified"})
    assert page.context["batch_action"] == "close"

    response = client.post(f"{LIST}?status=verified", {"warnings": [w.pk for w in warnings], "note": "民政已纳入低保"})

    assert response.status_code == 302
    rows = ScreeningWarning.objects.filter(pk__in=[w.pk for w in warnings])
    assert {w.status for w in rows} == {WarningStatus.CLOSED}
    assert all(w.disposition_note.endswith("办结：民政已纳入低保") for w in rows)


def test_a_closed_warning_in_a_closing_batch_is_named(world):
    warnings = warned(world, 3)
    for warning in warnings[:2]:
        warning_dispose(warning=warning, actor=world.village_worker, disposition="refer_to_department", note="转民政")
    before = snapshot(warnings)

    with pytest.raises(BatchRefused, match=r"第 3 条预警 .*预警当前为“待核实”，不能办结") as refused:
        warnings_close(warnings=warnings, actor=world.township_cadre, note="已办结")

    assert refused.value.pk == warnings[2].pk
    assert snapshot(warnings) == before


# -------------------------------------------------------------------------------------------- notifications


def test_a_batch_that_starts_five_entries_tells_the_village_once(world):
    # given: five warnings; the township starts the entry procedure for all of them
    warnings = warned(world, 5)

    # when
    warnings_dispose(
        warnings=warnings,
        actor=world.township_cadre,
        disposition=WarningDisposition.START_ENTRY,
        note="户主确诊大病，自付费用高",
        category="marginal_at_risk",
        triggers=["MA-1"],
    )

    # then: five applications reported, each warning linked to its own, and one summary for the village worker
    applications = EntryApplication.objects.filter(state=EntryState.REPORTED, channel="department_warning")
    assert applications.count() == 5
    assert {w.entry_application.household_id for w in ScreeningWarning.objects.all()} == {
        w.household_id for w in warnings
    }
    told = Notification.objects.filter(recipient=world.village_worker)
    assert told.count() == 1
    summary = told.get()
    assert (summary.topic, summary.title) == ("entry", "部门筛查预警：5 户已申报纳入监测，待入户核实")
    assert summary.url == reverse("monitoring:entry-queue")
    assert summary.area_code == world.village.code
    assert len(summary.body.splitlines()) == 5


def test_a_refused_batch_of_entries_tells_no_one(world):
    warnings = warned(world, 3)
    warnings_dispose(
        warnings=[warnings[2]], actor=world.village_worker, disposition="no_risk", note="无风险"
    )  # the third is verified already
    before = snapshot(warnings)

    with pytest.raises(BatchRefused, match="第 3 条预警"):
        warnings_dispose(
            warnings=warnings,
            actor=world.township_cadre,
            disposition=WarningDisposition.START_ENTRY,
            note="户主确诊大病",
            category="marginal_at_risk",
            triggers=["MA-1"],
        )

    assert snapshot(warnings) == before  # no application, no notification of the first two


# ----------------------------------------------------------------------------------------------------- the API


def test_dispose_a_batch_through_the_api(world, api_client):
    warnings = warned(world, 10)
    api_client.force_authenticate(world.village_worker)
    url = reverse("api:warning-dispose-many")

    answer = api_client.post(url, {"ids": [w.pk for w in warnings], **dispose_fields()}, format="json")

    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["count"] == 10
    assert [row["id"] for row in data["results"]] == [w.pk for w in warnings]
    assert {(row["status"], row["disposition"]) for row in data["results"]} == {("closed", "no_risk")}
    # the one warning's action is where it was
    assert reverse("api:warning-dispose", args=[warnings[0].pk]).endswith(f"/warnings/{warnings[0].pk}/dispose/")


def test_the_api_answers_warnings_outside_the_area_as_missing_naming_them(world, api_client):
    warnings = warned(world, 2)
    before = snapshot(warnings)
    api_client.force_authenticate(UserFactory(roles=[Role.VILLAGE_WORKER], area=sibling_village(world)))

    answer = api_client.post(
        reverse("api:warning-dispose-many"), {"ids": [w.pk for w in warnings], **dispose_fields()}, format="json"
    )

    assert answer.status_code == 404
    assert answer.json()["detail"] == f"没有找到这些预警，或不在您的辖区内：{warnings[0].pk}、{warnings[1].pk}"
    assert snapshot(warnings) == before


# ------------------------------------------------------------------------------------------------- the browser


def _fits(page):
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} scrolls sideways by {wide}px"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [390, 1366])
def test_a_village_disposes_of_a_batch_on_a_phone_and_a_laptop(page, page_problems, width):
    from playwright.sync_api import expect

    from tests.browser import SCREENSHOTS, assert_no_page_problems, log_in

    world = World()
    world.screener = UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=world.county, department="health")
    world.village_worker.username = "cunganbu"
    world.village_worker.save()
    warnings = warned(world, 4)
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 768})

    page.goto(LIST)
    log_in(page, "cunganbu")
    expect(page.get_by_test_id("warning-row")).to_have_count(4)
    page.get_by_label("全选本页预警").check()
    expect(page.get_by_text("已选 4 条预警")).to_be_visible()
    page.get_by_label("处置结果").select_option(value=WarningDisposition.NO_RISK)
    page.get_by_label("核实情况").fill("入户核实，无返贫风险")
    _fits(page)
    box = page.get_by_test_id("batch-bar").bounding_box()
    assert box is not None
    assert 0 <= box["x"] <= box["x"] + box["width"] <= width
    page.screenshot(path=str(SCREENSHOTS / f"warning-batch-{width}.png"), full_page=True)
    page.get_by_role("button", name="处置选中的预警").click()

    expect(page.get_by_role("alert").first).to_contain_text("已核实处置 4 条预警")
    assert set(ScreeningWarning.objects.filter(pk__in=[w.pk for w in warnings]).values_list("status", flat=True)) == {
        WarningStatus.CLOSED
    }
    assert_no_page_problems(page_problems)
