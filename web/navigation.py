"""The menu by role: an entry appears only when one of the user's roles carries its capability (SPEC §1.3)."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability


@dataclass(frozen=True)
class NavItem:
    label: StrOrPromise
    url_name: str
    icon: str
    capability: Capability | None = None
    staff_only: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MENU: tuple[NavItem, ...] = (
    NavItem(_("工作台"), "home", "house"),
    NavItem(_("农户档案"), "households:household-list", "people", Capability.BROWSE_HOUSEHOLDS),
    NavItem(_("结对农户"), "households:household-list", "person-heart", Capability.RECORD_VISIT),
    # Visits without signal: the phone app that takes the user's households offline (offline app).
    NavItem(_("离线走访"), "offline:shell", "phone", Capability.RECORD_VISIT),
    NavItem(_("纳入监测"), "monitoring:entry-queue", "clipboard-pulse", Capability.OPEN_ENTRY),
    NavItem(_("监测对象"), "monitoring:subject-list", "person-lines-fill", Capability.BROWSE_HOUSEHOLDS),
    NavItem(_("风险消除"), "monitoring:elimination-queue", "clipboard-check", Capability.VILLAGE_PROCEDURE),
    NavItem(_("风险消除"), "monitoring:elimination-queue", "clipboard-check", Capability.TOWNSHIP_REVIEW),
    NavItem(_("风险消除"), "monitoring:elimination-queue", "clipboard-check", Capability.COUNTY_APPROVAL),
    # Entries into the national system: the township and the county record them (SPEC §4.6 EN-6).
    NavItem(_("全国系统录入"), "national:queue", "cloud-upload", Capability.TOWNSHIP_REVIEW),
    NavItem(_("全国系统录入"), "national:queue", "cloud-upload", Capability.COUNTY_APPROVAL),
    NavItem(_("四查四补"), "sweeps:problem-list", "search", Capability.VIEW_RECTIFICATION),
    NavItem(_("部门预警"), "sweeps:warning-list", "broadcast", Capability.DISPOSE_WARNING),
    NavItem(_("筛查名单"), "sweeps:batch-list", "upload", Capability.UPLOAD_SCREENING),
    NavItem(_("项目库"), "projects:project-list", "kanban", Capability.VIEW_PROJECTS),
    NavItem(_("衔接资金"), "funds:overview", "cash-coin", Capability.VIEW_FUNDS),
    # Microcredit, insurance, employment and public-welfare posts (SPEC §11): one entry page for the four.
    NavItem(_("就业和金融帮扶"), "programmes", "briefcase", Capability.VIEW_PROGRAMMES),
    # The dashboard of the level: whoever sees households, problems or funds sees their numbers.
    NavItem(_("数据看板"), "ledgers:dashboard", "bar-chart", Capability.BROWSE_HOUSEHOLDS),
    NavItem(_("数据看板"), "ledgers:dashboard", "bar-chart", Capability.VIEW_RECTIFICATION),
    NavItem(_("数据看板"), "ledgers:dashboard", "bar-chart", Capability.VIEW_FUNDS),
    NavItem(_("台账导出"), "ledgers:index", "file-earmark-spreadsheet", Capability.EXPORT_LEDGERS),
    # Frozen ledgers: those who freeze them and those who sign them off (village → township → county).
    NavItem(_("台账签核"), "ledgers:frozen-list", "patch-check", Capability.EXPORT_LEDGERS),
    NavItem(_("台账签核"), "ledgers:frozen-list", "patch-check", Capability.VILLAGE_PROCEDURE),
    NavItem(_("台账签核"), "ledgers:frozen-list", "patch-check", Capability.TOWNSHIP_REVIEW),
    NavItem(_("台账签核"), "ledgers:frozen-list", "patch-check", Capability.COUNTY_APPROVAL),
    NavItem(_("导入农户"), "households:household-import-upload", "upload", Capability.EDIT_HOUSEHOLD),
    # Pairing assistance cadres with households (SPEC §1.6): the township, or the county, of the households.
    NavItem(_("结对帮扶"), "households:pairing-list", "people-fill", Capability.TOWNSHIP_REVIEW),
    NavItem(_("结对帮扶"), "households:pairing-list", "people-fill", Capability.COUNTY_APPROVAL),
    # Transfers and merged villages (SPEC §2.1, §15 C-20): the township and the county decide them.
    NavItem(_("迁转记录"), "households:transfer-list", "arrow-left-right", Capability.TOWNSHIP_REVIEW),
    NavItem(_("迁转记录"), "households:transfer-list", "arrow-left-right", Capability.COUNTY_APPROVAL),
    NavItem(_("查看记录"), "ledgers:disclosure-log", "eye", Capability.AUDIT_DISCLOSURES),
    NavItem(_("用户管理"), "user-list", "person-gear", Capability.MANAGE_USERS),
    NavItem(_("接口文档"), "api-docs", "braces", None, staff_only=True),
)


def menu_for(user: User | AnonymousUser | None) -> list[NavItem]:
    if not isinstance(user, User):  # the login page: no menu
        return []
    items: list[NavItem] = []
    seen: set[str] = set()
    for item in MENU:
        if item.staff_only and not user.is_staff:
            continue
        if item.capability is not None and not has_capability(user, item.capability):
            continue
        if item.url_name in seen:  # an assistance cadre's "结对农户" and a cadre's "农户档案" are the same page
            continue
        seen.add(item.url_name)
        items.append(item)
    return items
