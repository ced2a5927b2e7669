"""Reads of the registry; every one starts from ``visible_to(user)`` (STYLE rule 2)."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from households.choices import MemberStatus
from households.idnumbers import normalize
from households.models import Household, HouseholdMember

SORTS = {
    "household_no": "household_no",
    "-household_no": "-household_no",
    "head_name": "head_name",
    "-head_name": "-head_name",
    "village": "managing_area__code",
    "-village": "-managing_area__code",
    "size": "present_members",
    "-size": "-present_members",
}


def household_list(*, user: Any, q: str = "", area_code: str = "", sort: str = "") -> QuerySet[Household]:
    """The households a user may see, filtered and sorted; a fixed number of queries whatever the page size."""
    return household_search(Household.objects.visible_to(user), q=q, area_code=area_code, sort=sort)


def household_search(
    queryset: QuerySet[Household], *, q: str = "", area_code: str = "", sort: str = ""
) -> QuerySet[Household]:
    """Narrow an already scoped queryset (``visible_to`` ran) by search text, area and sort order."""
    queryset = queryset.select_related("managing_area", "managing_area__parent").annotate(
        present_members=Count("members", filter=Q(members__member_status=MemberStatus.PRESENT))
    )
    q = q.strip()
    if q:
        number = normalize(q)
        if number.isdigit() or (number[:-1].isdigit() and number.endswith("X")):
            # An exact number: household number or ID number, both indexed; no LIKE over the table.
            queryset = queryset.filter(Q(household_no=q) | Q(members__id_number=number)).distinct()
        else:
            queryset = queryset.filter(Q(head_name__startswith=q) | Q(members__name__startswith=q)).distinct()
    if area_code:
        queryset = queryset.filter(managing_area__code__startswith=area_code.rstrip("0") or area_code)
    return queryset.order_by(SORTS.get(sort, "household_no"), "pk")


def household_detail(*, user: Any, pk: int) -> Household:
    """One visible household with its members and incomes prefetched; 404 outside the jurisdiction."""
    from geo.shortcuts import get_visible_or_404

    household = get_visible_or_404(Household, user, pk=pk)
    members = HouseholdMember.objects.filter(household=household).order_by("member_status", "birth_date")
    return (
        Household.objects.filter(pk=household.pk)
        .select_related("managing_area__parent__parent", "residence_area", "hukou_area", "co_managing_area", "head")
        .prefetch_related(Prefetch("members", queryset=members), "incomes")
        .get()
    )
