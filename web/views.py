from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.selectors import area_census
from geo.shortcuts import scoped_view
from ledgers.counts import co_managed
from ledgers.dashboard import can_see_dashboard
from sweeps.selectors import centralized_sweep_missing
from web.queues import Home, queue_for


@scoped_view
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own home page: their area, their roles, the numbers of their jurisdiction and their queue. The
    numbers are the territory's counts as last counted (the page says when), never a recount of the registry."""
    user = request.user
    page = Home(user)
    queue = queue_for(page)
    areas = area_census(user)
    totals = page.totals
    households, people = totals.households, totals.people
    if page.counted:  # the territory's counts hold the households it manages; add those it only co-manages
        extra_households, extra_people = co_managed(user)
        households, people = households + extra_households, people + extra_people
    context = {
        "queue": queue,
        "stats": {"households": households, "people": people, **areas},
        "counted_at": totals.counted_at,
        "roles": sorted(getattr(user, "roles", []), key=str),
        "sweep_missing": centralized_sweep_missing(user=user, today=page.today),
        "dashboard": can_see_dashboard(user),
    }
    return render(request, "web/home.html", context)


# The support programmes (SPEC §11): one entry in the menu opens them all.
PROGRAMMES = (
    ("credit:loan-list", "bank", gettext_lazy("小额信贷"), gettext_lazy("脱贫人口小额信贷的签约、还款、展期和贴息")),
    (
        "insurance:policy-list",
        "shield-plus",
        gettext_lazy("防贫保险"),
        gettext_lazy("乡村振兴健康保的参保、理赔和承保机构月报"),
    ),
    (
        "employment:roster",
        "briefcase",
        gettext_lazy("就业帮扶"),
        gettext_lazy("三类人员的就业信息、就业服务、帮扶车间和就业补贴"),
    ),
    (
        "welfare_posts:post-list",
        "person-workspace",
        gettext_lazy("公益性岗位"),
        gettext_lazy("按需设岗、聘任上岗、考勤和在岗领补、有序退岗"),
    ),
)


@scoped_view
def programmes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The support programmes' entry page: microcredit, insurance, employment and public-welfare posts."""
    if not has_capability(request.user, Capability.VIEW_PROGRAMMES):
        raise PermissionDenied
    items = [
        {"url": reverse(name), "icon": icon, "title": title, "text": text} for name, icon, title, text in PROGRAMMES
    ]
    return render(request, "web/programmes.html", {"items": items})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page that has expired (signed out meanwhile, or opened long ago): Django's own answer is
    an English technical page; people get the house's 403 page saying what to do."""
    message = _("页面已过期或来源无法确认，您的操作没有完成。请返回上一页，刷新后重新提交。")
    return render(request, "403.html", {"message": message}, status=403)
