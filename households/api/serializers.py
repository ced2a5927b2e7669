from typing import Any

from rest_framework import serializers

from households.masking import mask_id_number, mask_phone
from households.models import Household, HouseholdMember, IncomeRecord


class MemberOutputSerializer(serializers.ModelSerializer[HouseholdMember]):
    id_number = serializers.SerializerMethodField()
    gender_display = serializers.CharField(source="get_gender_display")
    relationship_display = serializers.CharField(source="get_relationship_display")
    member_status_display = serializers.CharField(source="get_member_status_display")

    class Meta:
        model = HouseholdMember
        fields = [
            "id",
            "name",
            "id_number",
            "gender",
            "gender_display",
            "birth_date",
            "ethnicity",
            "relationship",
            "relationship_display",
            "member_status",
            "member_status_display",
            "counts_in_household",
            "health_status",
            "labour_capacity",
            "schooling_status",
        ]

    def get_id_number(self, member: HouseholdMember) -> str:
        return member.id_number if self.context.get("unmasked") else mask_id_number(member.id_number)


class IncomeOutputSerializer(serializers.ModelSerializer[IncomeRecord]):
    class Meta:
        model = IncomeRecord
        fields = [
            "year",
            "wage_income",
            "business_income",
            "business_expense",
            "property_income",
            "transfer_income",
        ]


class HouseholdListSerializer(serializers.ModelSerializer[Household]):
    """List rows: ID-free, phone always masked (lists are never audited views of identity)."""

    village_code = serializers.CharField(source="managing_area.code")
    village_name = serializers.CharField(source="managing_area.name")
    township_name = serializers.CharField(source="managing_area.parent.name")
    phone = serializers.SerializerMethodField()
    present_members = serializers.IntegerField(read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "household_no",
            "head_name",
            "village_code",
            "village_name",
            "township_name",
            "phone",
            "present_members",
            "closed_on",
        ]

    def get_phone(self, household: Household) -> str:
        return mask_phone(household.phone)


class HouseholdDetailSerializer(serializers.ModelSerializer[Household]):
    managing_area = serializers.CharField(source="managing_area.code")
    residence_area = serializers.CharField(source="residence_area.code")
    hukou_area = serializers.CharField(source="hukou_area.code", default=None)
    co_managing_area = serializers.CharField(source="co_managing_area.code", default=None)
    phone = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    incomes = IncomeOutputSerializer(many=True)
    identity_masked = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "household_no",
            "head_name",
            "managing_area",
            "residence_area",
            "hukou_area",
            "hukou_area_text",
            "co_managing_area",
            "hukou_residence_split",
            "address",
            "phone",
            "closed_on",
            "closed_reason",
            "identity_masked",
            "members",
            "incomes",
        ]

    def get_phone(self, household: Household) -> str:
        return household.phone if self.context.get("unmasked") else mask_phone(household.phone)

    def get_identity_masked(self, household: Household) -> bool:
        return not self.context.get("unmasked")

    def get_members(self, household: Household) -> list[dict[str, Any]]:
        return MemberOutputSerializer(household.members.all(), many=True, context=self.context).data  # type: ignore[return-value]
