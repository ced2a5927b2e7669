from typing import Any

from django.db.models import QuerySet
from django.views.generic import DetailView, ListView

from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from households import selectors
from households.masking import mask_id_number, mask_phone
from households.models import Household, HouseholdMember
from households.services import identity_disclose


class HouseholdListView(JurisdictionScopedMixin, ListView[Household]):
    """Search and browse the registry (name, ID number, household number; village filter; sortable)."""

    model = Household
    paginate_by = 25
    template_name = "households/household_list.html"

    def scope_queryset(self, queryset: QuerySet[Household]) -> QuerySet[Household]:
        # The selector narrows the sealed, already scoped queryset: search, village filter, sort.
        params = self.request.GET
        return selectors.household_search(
            queryset, q=params.get("q", ""), area_code=params.get("area", ""), sort=params.get("sort", "")
        )

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["households/_household_rows.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["villages"] = (
            AdminArea.objects.visible_to(self.request.user).filter(level=AreaLevel.VILLAGE).select_related("parent")
        )
        context["q"] = self.request.GET.get("q", "")
        context["area"] = self.request.GET.get("area", "")
        context["sort"] = self.request.GET.get("sort", "")
        for household in context["object_list"]:
            household.phone_display = mask_phone(household.phone)
        return context


class HouseholdDetailView(JurisdictionScopedMixin, DetailView[Household]):
    model = Household
    template_name = "households/household_detail.html"

    def scope_queryset(self, queryset: QuerySet[Household]) -> QuerySet[Household]:
        return queryset.select_related(
            "managing_area__parent__parent", "residence_area", "hukou_area", "co_managing_area"
        ).prefetch_related("incomes")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        household: Household = self.object
        unmasked = identity_disclose(user=self.request.user, household=household, channel="page")
        members = list(HouseholdMember.objects.filter(household=household).order_by("member_status", "birth_date"))
        for member in members:
            member.id_display = member.id_number if unmasked else mask_id_number(member.id_number)
        context["members"] = members
        context["phone_display"] = household.phone if unmasked else mask_phone(household.phone)
        context["unmasked"] = unmasked
        context["history"] = household.history.select_related("history_user").order_by("-history_date")[:20]
        return context
