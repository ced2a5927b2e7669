"""What a household's page shows of the support programmes (SPEC §11): how many loans, policies and claims,
employment records and public-welfare posts the household has, each linked to its programme's pages narrowed to
the household. Households sit below the programmes and never import them; the page asks for this section through
``web``'s template tag ``household_programmes``, and the web layer, above every app, reads the programmes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from credit.models import MicroLoan
from employment.models import EmploymentRecord
from households.models import Household
from insurance.models import InsuranceClaim, InsurancePolicy
from welfare_posts.models import PostHire


@dataclass(frozen=True)
class ProgrammeLink:
    """One programme's line in the section: what it is, what the household has of it and where to read it."""

    key: str  # "credit", "insurance", … (for tests and styling)
    title: str
    summary: str  # "2 笔贷款" / "暂无记录"
    url: str
    count: int
    extra: tuple[tuple[str, str], ...] = ()  # further (label, url) links: the claims, the village's posts


def _count(rows: QuerySet[Any], household_path: str) -> Coalesce:
    """``rows`` (already ``visible_to``) of the outer household, counted in a correlated subquery."""
    counted = rows.filter(**{household_path: OuterRef("pk")}).order_by().values(household_path)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")[:1]), 0, output_field=IntegerField())


def household_programmes(user: User, household: Household) -> list[ProgrammeLink]:
    """The programme records of ``household`` that ``user`` may see, counted in one query; nothing for a user who
    does not view the programmes (SPEC §1.3, ``view_programmes``)."""
    if not has_capability(user, Capability.VIEW_PROGRAMMES):
        return []
    hires = PostHire.objects.visible_to(user)
    counts = (
        Household.objects.filter(pk=household.pk)
        .values("pk")
        .annotate(
            loans=_count(MicroLoan.objects.visible_to(user), "household"),
            policies=_count(InsurancePolicy.objects.visible_to(user), "member__household"),
            claims=_count(InsuranceClaim.objects.visible_to(user), "policy__member__household"),
            records=_count(EmploymentRecord.objects.visible_to(user), "member__household"),
            hires=_count(hires, "member__household"),
            in_post=_count(hires.filter(Q(ended_on__isnull=True)), "member__household"),
        )
        .get()
    )
    narrowed = f"?household={household.pk}"
    loans, policies, claims = counts["loans"], counts["policies"], counts["claims"]
    records, hired, in_post = counts["records"], counts["hires"], counts["in_post"]
    none = _("暂无记录")
    claims_label = ngettext("%(n)s 起理赔", "%(n)s 起理赔", claims) % {"n": claims}
    village_posts = reverse("welfare_posts:post-list") + f"?village={household.managing_area.code}"
    return [
        ProgrammeLink(
            key="credit",
            title=_("小额信贷"),
            summary=ngettext("%(n)s 笔贷款", "%(n)s 笔贷款", loans) % {"n": loans} if loans else none,
            url=reverse("credit:household-loans", args=[household.pk]),
            count=loans,
        ),
        ProgrammeLink(
            key="insurance",
            title=_("防贫保险"),
            summary=ngettext("%(n)s 份保单", "%(n)s 份保单", policies) % {"n": policies} if policies else none,
            url=reverse("insurance:policy-list") + narrowed,
            count=policies,
            extra=((claims_label, reverse("insurance:claim-list") + narrowed),) if claims else (),
        ),
        ProgrammeLink(
            key="employment",
            title=_("就业帮扶"),
            summary=ngettext("%(n)s 条就业信息", "%(n)s 条就业信息", records) % {"n": records} if records else none,
            url=reverse("employment:roster") + narrowed,
            count=records,
        ),
        ProgrammeLink(
            key="welfare_posts",
            title=_("公益性岗位"),
            summary=(_("%(in_post)s 人在岗，共聘任 %(n)s 次") % {"in_post": in_post, "n": hired}) if hired else none,
            url=reverse("welfare_posts:post-list") + narrowed,
            count=hired,
            extra=((_("本村岗位"), village_posts),),
        ),
    ]
