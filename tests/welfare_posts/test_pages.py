"""The post pages through HTTP (SPEC §11.4): the list with its filters, a post with its holders, the hiring form that
shows the priority, a hire with its months and payments, the exit, and a village's attendance grid saved at once.
Each page opens for the right role and is 404 from another area."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from welfare_posts import services
from welfare_posts.models import PostAttendance, PostHire, PostPayment, WelfarePost

pytestmark = pytest.mark.django_db
D = datetime.date


def _hire(world, post, member, on=None):
    on = on or D(2026, 3, 20)
    return services.hire_create(actor=world.village_worker, post=post, member=member, hired_on=on)


def test_the_list_filters_by_type_village_and_vacancy(client, world):
    full = world.post(name="东头满岗", positions=1)
    _hire(world, full, world.person())
    world.post(name="北山林岗", post_type="forest_ranger", funding_source="ecology_funds")
    world.post(village=world.sibling, name="西沟路岗", post_type="road", actor=world.township_cadre)
    world.post(village=world.foreign, name="外县某岗", actor=world.foreign_worker)

    def shown(user, **query):
        client.force_login(user)
        body = client.get(reverse("welfare_posts:post-list"), query).content.decode()
        return {name for name in ("东头满岗", "北山林岗", "西沟路岗", "外县某岗") if name in body}, body

    names, body = shown(world.township_cadre)
    assert names == {"东头满岗", "北山林岗", "西沟路岗"}
    assert "在岗 1/1" in body
    assert shown(world.township_cadre, type="forest_ranger")[0] == {"北山林岗"}
    assert shown(world.township_cadre, village=world.sibling.code)[0] == {"西沟路岗"}
    assert shown(world.township_cadre, vacant="1")[0] == {"北山林岗", "西沟路岗"}
    assert shown(world.village_worker)[0] == {"东头满岗", "北山林岗"}  # a village sees its own village only
    client.force_login(world.screener)  # no programmes right
    assert client.get(reverse("welfare_posts:post-list")).status_code == 403


def test_a_village_worker_sets_up_a_post_and_a_refusal_names_the_field(client, world):
    client.force_login(world.village_worker)
    url = reverse("welfare_posts:post-create")
    form = {"village": world.village.code, "name": "养老护理员", "post_type": "elderly_care",
            "funding_source": "linkage_funds", "monthly_subsidy": "600.005", "positions": "1",
            "need": "本村独居老人 12 人需日常照料", "created_on": "2026-06-01"}  # fmt: skip
    body = client.post(url, form).content.decode()
    assert 'data-field="monthly_subsidy"' in body
    response = client.post(url, {**form, "monthly_subsidy": "600.00"})
    post = WelfarePost.objects.get()
    assert response.url == post.get_absolute_url()
    assert post.village == world.village
    # A village of another county cannot be chosen: it is not among the choices.
    client.post(url, {**form, "village": world.foreign.code})
    assert WelfarePost.objects.count() == 1
    client.force_login(world.reporting_officer)
    assert client.get(url).status_code == 403


def test_the_post_page_shows_holders_and_is_404_elsewhere(client, world):
    post = world.post()
    hire = _hire(world, post, world.person(name="周八"))
    services.hire_end(actor=world.village_worker, hire=hire, ended_on=D(2026, 5, 31), exit_reason="found_job")
    _hire(world, post, world.person(name="吴九"), on=D(2026, 6, 1))
    for user in (world.village_worker, world.township_cadre, world.county_reviewer, world.reporting_officer):
        client.force_login(user)
        body = client.get(post.get_absolute_url()).content.decode()
        assert all(word in body for word in ("吴九", "周八", "实现稳定就业"))
    for user in (world.sibling_worker, world.foreign_worker, world.screener):
        client.force_login(user)
        assert client.get(post.get_absolute_url()).status_code == 404
        assert client.get(hire.get_absolute_url()).status_code == 404


def test_the_hiring_form_shows_the_priority_and_asks_a_reason(client, world):
    post = world.post()
    waiting = world.zero_employment_person(name="钱零就业")
    plain = world.person(name="郑普通")
    client.force_login(world.village_worker)
    url = reverse("welfare_posts:hire-create", args=[post.pk])
    body = client.get(url).content.decode()
    assert "钱零就业" in body
    assert "零就业家庭成员" in body
    assert "本村有 1 名优先安置对象未上岗" in body
    form = {"member": plain.pk, "hired_on": "2026-06-01", "priority_waiver": "", "measure": ""}
    body = client.post(url, form).content.decode()
    assert 'data-field="priority_waiver"' in body
    assert not PostHire.objects.exists()
    response = client.post(url, {**form, "priority_waiver": "钱零就业本人已外出务工"})
    assert response.status_code == 302
    assert PostHire.objects.get().priority_waiver == "钱零就业本人已外出务工"
    # A person of another village cannot be posted: not among the candidates.
    stranger = world.person(village=world.sibling)
    client.post(url, {**form, "member": stranger.pk, "priority_waiver": "x"})
    assert PostHire.objects.count() == 1
    assert waiting.post_hires.count() == 0
    client.force_login(world.reporting_officer)
    assert client.get(url).status_code == 403
    client.force_login(world.sibling_worker)
    assert client.get(url).status_code == 404


def test_the_hire_page_pays_a_month_and_refuses_a_month_without_attendance(client, world):
    hire = _hire(world, world.post(), world.person(name="冯十"))
    client.force_login(world.village_worker)
    pay = reverse("welfare_posts:payment-create", args=[hire.pk])
    body = client.post(pay, {"month": "2026-04", "amount": "800.00", "paid_on": "2026-05-05"}, follow=True)
    assert "2026年4月没有冯十的出勤记录" in body.content.decode()
    services.attendance_record(actor=world.village_worker, month=D(2026, 4, 1), rows=[
        services.AttendanceInput(hire=hire, days_worked=21, assessment="excellent")])  # fmt: skip
    body = client.post(pay, {"month": "2026-04", "amount": "800.00", "paid_on": "2026-05-05"}, follow=True)
    page = body.content.decode()
    assert "补贴发放已登记" in page
    assert "出勤 1 个月 21 天，已领补贴 800.00 元" in page
    assert PostPayment.objects.get().amount == Decimal("800.00")
    client.force_login(world.reporting_officer)  # reads, does not pay
    assert client.get(hire.get_absolute_url()).status_code == 200
    assert client.post(pay, {"month": "2026-05", "amount": "1.00", "paid_on": "2026-06-05"}).status_code == 403


def test_the_exit_form_ends_the_hire_with_a_reason(client, world):
    hire = _hire(world, world.post(), world.person(name="陈十一"))
    client.force_login(world.village_worker)
    url = reverse("welfare_posts:hire-exit", args=[hire.pk])
    assert client.get(url).status_code == 200
    body = client.post(url, {"ended_on": "2026-06-10", "exit_reason": "", "exit_note": ""}).content.decode()
    assert 'data-field="exit_reason"' in body
    response = client.post(url, {"ended_on": "2026-06-10", "exit_reason": "unfit", "exit_note": "腰伤"})
    assert response.url == hire.get_absolute_url()
    hire.refresh_from_db()
    assert (hire.ended_on, hire.exit_reason, hire.exit_note) == (D(2026, 6, 10), "unfit", "腰伤")
    assert "身体原因不能胜任：腰伤" in client.get(hire.get_absolute_url()).content.decode()


def test_the_attendance_grid_saves_a_village_month_at_once_or_not_at_all(client, world):
    post = world.post(positions=2)
    first = _hire(world, post, world.person(name="甲"), on=D(2026, 3, 1))
    second = _hire(world, post, world.person(name="乙"), on=D(2026, 5, 20))
    world.post(village=world.sibling, name="河西岗", actor=world.township_cadre)
    client.force_login(world.village_worker)
    url = reverse("welfare_posts:attendance-grid")
    body = client.get(url, {"month": "2026-05"}).content.decode()
    assert body.count('data-testid="grid-row"') == 2
    form = {"village": world.village.code, "month": "2026-05",
            f"h{first.pk}-days_worked": "22", f"h{first.pk}-assessment": "qualified",
            f"h{second.pk}-days_worked": "13", f"h{second.pk}-assessment": "qualified"}  # fmt: skip
    page = client.post(url, form, follow=True).content.decode()
    assert "出勤天数应在 0 到 12 之间" in page  # 20–31 May: 12 days in post
    assert not PostAttendance.objects.exists()
    page = client.post(url, {**form, f"h{second.pk}-days_worked": "12"}, follow=True).content.decode()
    assert "2026-05的考勤已保存（2 人）" in page
    assert sorted(PostAttendance.objects.values_list("days_worked", flat=True)) == [12, 22]
    # The month before: only the first holder was in post.
    assert client.get(url, {"month": "2026-04"}).content.decode().count('data-testid="grid-row"') == 1
    # Another area's village is not opened by its code: the user's own village is shown instead.
    client.force_login(world.foreign_worker)
    assert "甲" not in client.get(url, {"village": world.village.code, "month": "2026-05"}).content.decode()
    client.force_login(world.reporting_officer)
    assert client.post(url, form).status_code == 403
