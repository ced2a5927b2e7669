"""``manage.py load_demo [--households N] [--seed S] [--once]``: the demo county 同心县 with one login per role.
The work is in ``demo.plan`` (what to load) and ``demo.load`` (writing it); this command parses options and prints."""

import time
import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from core.errors import DomainError
from demo import load, plan
from households.choices import HouseholdFlagKind
from monitoring.choices import EliminationState, EntryState
from projects.choices import ProjectStatus


def _width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - _width(text))


class Command(BaseCommand):
    help = "加载演示数据：同心县 10 个乡镇、约 120 个村、农户、成员、收入、标识、走访，以及每个角色的演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--households", type=int, default=plan.DEFAULT_HOUSEHOLDS, help="农户数（默认 %(default)s）"
        )
        parser.add_argument("--seed", type=int, default=plan.DEFAULT_SEED, help="随机种子（默认 %(default)s）")
        parser.add_argument("--once", action="store_true", help="演示县已存在时不再加载，只列出演示账号")

    def handle(self, *args: Any, households: int, seed: int, once: bool, **options: Any) -> None:
        # The demo's records and report are Chinese whatever language the calling thread last served (a test
        # client's request in English leaves it active).
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(households=households, seed=seed, once=once, verbosity=int(options.get("verbosity", 1)))

    def _handle(self, *, households: int, seed: int, once: bool, verbosity: int) -> None:
        if settings.PRODUCTION:
            raise CommandError("生产环境（DJANGO_ENV=production）不能加载演示数据：演示账号的密码是公开的。")
        if load.demo_is_loaded():
            if not once:
                raise CommandError(
                    f"演示数据已加载：{plan.COUNTY[1]}（{plan.COUNTY_CODE}）已存在，未做任何更改。"
                    "如只需查看演示账号，请加 --once。"
                )
            self.stdout.write(f"演示数据已存在（{plan.COUNTY[1]}），跳过加载。")
            self._print_logins()
            return
        started = time.perf_counter()
        try:
            county = plan.plan_build(seed=seed, households=households, today=timezone.localdate())
            planned = time.perf_counter() - started
            result = load.demo_load(county)
        except DomainError as exc:
            raise CommandError(f"演示数据未加载，未做任何更改：{exc.message}") from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"已加载演示数据（种子 {seed}）：{result.townships} 个乡镇、{result.villages} 个村、"
                f"{result.households} 户、{result.members} 名成员、{result.incomes} 条年度收入、"
                f"{result.visits} 次走访（{result.risk_flagged} 户发现风险）。"
            )
        )
        flags = "、".join(f"{HouseholdFlagKind(kind).label} {count}" for kind, count in result.flags.items())
        self.stdout.write(f"农户标识：{flags or '无'}。")
        watched = result.monitoring
        stages = "、".join(
            f"{EntryState(state).label} {count}" for state, count in sorted(watched.applications.items())
        )
        self.stdout.write(
            f"纳入监测：{stages}；监测对象 {watched.subjects} 户，帮扶措施 {watched.measures} 条；风险消除 "
            + "、".join(f"{EliminationState(s).label} {n}" for s, n in sorted(watched.eliminations.items()))
            + "。"
        )
        made = result.projects
        self.stdout.write(
            f"项目库：{sum(n for k, n in made.projects.items() if k != 'next_year')} 个本年度项目（"
            + "、".join(f"{ProjectStatus(k).label} {n}" for k, n in made.projects.items() if k != "next_year" and n)
            + f"），下年度申报 {made.projects.get('next_year', 0)} 个；衔接资金已分配 {made.allocated} 元、"
            f"已支付 {made.paid} 元；项目资产 {made.assets} 项。"
        )
        self.stdout.write(
            f"四查四补集中排查：发现问题 {result.sweep.problems} 个，已交办 {result.sweep.assigned} 个，"
            f"已提交待核验 {result.sweep.submitted} 个；卫健部门筛查预警 {result.sweep.warnings} 条待核实。"
        )
        self.stdout.write(f"用时 {elapsed:.1f} 秒。")
        if verbosity >= 2:
            phases = {"plan": planned, **result.seconds}
            self.stdout.write("  " + "，".join(f"{name} {seconds:.2f} 秒" for name, seconds in phases.items()))
            self.stdout.write(
                f"  建档日期 {timezone.localtime(result.rollout):%Y-%m-%d}；未能办理的演示步骤 {len(result.refused)} 个"
            )
            for refused in result.refused:
                self.stdout.write(f"    {refused}")
        if result.kept_existing_admin:
            self.stdout.write(self.style.WARNING(f"用户 {plan.ADMIN_USERNAME} 已存在，未修改其密码。"))
        self._print_logins(kept_admin=result.kept_existing_admin)

    def _print_logins(self, *, kept_admin: bool = False) -> None:
        logins = load.demo_logins()
        if not logins:
            self.stdout.write("没有找到演示账号。")
            return
        headers = ("用户名", "角色", "所属区划", "密码")
        rows = [
            (
                login.username,
                login.role_label,
                login.area_name,
                "（原密码）" if kept_admin and login.username == plan.ADMIN_USERNAME else plan.DEMO_PASSWORD,
            )
            for login in logins
        ]
        widths = [max(_width(row[i]) for row in (headers, *rows)) for i in range(len(headers))]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"演示账号（密码均为 {plan.DEMO_PASSWORD}）"))
        for row in (headers, *rows):
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
