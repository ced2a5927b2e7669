import datetime
from typing import Any

from rest_framework import serializers

from households.choices import RISK_SOURCES_BY_HAND, HousingSafety, RiskSource, RiskType, VisitKind
from households.masking import mask_id_number, mask_phone
from households.models import GuaranteeCheck, Household, HouseholdMember, IncomeRecord, RiskFlag, Visit
from households.rules import LATITUDE, LONGITUDE


class MemberOutputSerializer(serializers.ModelSerializer[HouseholdMember]):
    id_number = serializers.SerializerMethodField()
    birth_date = serializers.SerializerMethodField(help_text="出生日期；身份证号隐去部分数字时为空，只给出生年份")
    birth_year = serializers.SerializerMethodField()
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
            "birth_year",
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

    def get_birth_date(self, member: HouseholdMember) -> datetime.date | None:
        # With a masked ID number the full birth date would give back eight of its hidden digits (masking.shown_birth).
        return member.birth_date if self.context.get("unmasked") else None

    def get_birth_year(self, member: HouseholdMember) -> int | None:
        return member.birth_date.year if member.birth_date else None


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
    size = serializers.IntegerField(source="facts.size", read_only=True, help_text="家庭人口（计入家庭人口的在户成员）")
    present_members = serializers.IntegerField(source="facts.present", read_only=True, help_text="在户成员")

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
            "size",
            "present_members",
            "closed_on",
        ]

    def get_phone(self, household: Household) -> str:
        return mask_phone(household.phone)


class HouseholdDetailSerializer(serializers.ModelSerializer[Household]):
    managing_area = serializers.CharField(source="managing_area.code")
    residence_area = serializers.CharField(source="residence_area.code")
    hukou_area = serializers.CharField(source="hukou_area.code", default=None, allow_null=True)
    co_managing_area = serializers.CharField(source="co_managing_area.code", default=None, allow_null=True)
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


class MemberListSerializer(serializers.ModelSerializer[HouseholdMember]):
    """A member row without the unmasked ID and with the birth year only (lists are never audited views of
    identity, and a full birth date beside a masked ID gives back most of it)."""

    id_number = serializers.SerializerMethodField()
    birth_year = serializers.SerializerMethodField()
    household_no = serializers.CharField(source="household.household_no")

    class Meta:
        model = HouseholdMember
        fields = [
            "id",
            "household",
            "household_no",
            "name",
            "id_number",
            "gender",
            "birth_year",
            "relationship",
            "member_status",
            "health_status",
            "labour_capacity",
            "schooling_status",
            "medical_insurance_enrolled",
        ]

    def get_id_number(self, member: HouseholdMember) -> str:
        return mask_id_number(member.id_number)

    def get_birth_year(self, member: HouseholdMember) -> int | None:
        return member.birth_date.year if member.birth_date else None


class IncomeRecordSerializer(serializers.ModelSerializer[IncomeRecord]):
    class Meta:
        model = IncomeRecord
        fields = [
            "id",
            "household",
            "year",
            "month",
            "wage_income",
            "business_income",
            "business_expense",
            "property_income",
            "transfer_income",
            "policy_transfer_income",
            "medical_self_pay",
            "schooling_expense",
            "note",
            "recorded_at",
        ]
        read_only_fields = ["id", "household", "recorded_at"]
        validators: list[Any] = []  # the service upserts one record per year or month


class GuaranteeCheckSerializer(serializers.ModelSerializer[GuaranteeCheck]):
    class Meta:
        model = GuaranteeCheck
        fields = [
            "checked_on",
            "food_ok",
            "clothing_ok",
            "education_ok",
            "medical_ok",
            "housing_ok",
            "water_ok",
            "water_quantity_ok",
            "water_quality_ok",
            "water_access_ok",
            "water_reliability_ok",
            "note",
        ]


class VisitOutputSerializer(serializers.ModelSerializer[Visit]):
    recorded_by = serializers.CharField(source="recorded_by.__str__")
    guarantee_check = GuaranteeCheckSerializer(read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "household",
            "visited_on",
            "kind",
            "recorded_by",
            "companions",
            "income_change",
            "member_change",
            "needs",
            "notes",
            "risk_found",
            "risk_note",
            "next_visit_on",
            "guarantee_check",
            "photos",
        ]

    def get_photos(self, visit: Visit) -> list[str]:
        from django.urls import reverse

        return [reverse("households:visit-photo", args=[photo.pk]) for photo in visit.photos.all()]


class VisitInputSerializer(serializers.Serializer[Any]):
    """What a field app posts for a visit; photos come as multipart files named ``photos``."""

    visited_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=VisitKind.choices, default=VisitKind.ROUTINE)
    companions = serializers.CharField(required=False, allow_blank=True, default="")
    food_ok = serializers.BooleanField(default=True)
    clothing_ok = serializers.BooleanField(default=True)
    housing_safety = serializers.ChoiceField(
        choices=HousingSafety.choices, required=False, allow_null=True, default=None
    )
    water_quantity_ok = serializers.BooleanField(default=True)
    water_quality_ok = serializers.BooleanField(default=True)
    water_access_ok = serializers.BooleanField(default=True)
    water_reliability_ok = serializers.BooleanField(default=True)
    guarantee_note = serializers.CharField(required=False, allow_blank=True, default="")
    income_change = serializers.CharField(required=False, allow_blank=True, default="")
    member_change = serializers.CharField(required=False, allow_blank=True, default="")
    needs = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    risk_found = serializers.BooleanField(default=False)
    risk_note = serializers.CharField(required=False, allow_blank=True, default="")
    risk_types = serializers.ListField(
        child=serializers.ChoiceField(choices=RiskType.choices),
        required=False,
        default=list,
        help_text="发现的风险类型；只填 risk_found 不填类型时按“其他”登记",
    )
    next_visit_on = serializers.DateField(required=False, allow_null=True, default=None)
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=LATITUDE[0],
        max_value=LATITUDE[1],
        coerce_to_string=False,  # an input only: the schema shows a number with its bounds, not a string
        required=False,
        allow_null=True,
        default=None,
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=LONGITUDE[0],
        max_value=LONGITUDE[1],
        coerce_to_string=False,
        required=False,
        allow_null=True,
        default=None,
    )


class RiskFlagOutputSerializer(serializers.ModelSerializer[RiskFlag]):
    """A household's typed risk (SPEC §4.3); ``source_ref`` is the id of the department warning or sweep problem."""

    risk_type_display = serializers.CharField(source="get_risk_type_display")
    source_display = serializers.CharField(source="get_source_display")
    is_open = serializers.BooleanField()

    class Meta:
        model = RiskFlag
        fields = [
            "id",
            "household",
            "risk_type",
            "risk_type_display",
            "source",
            "source_display",
            "visit",
            "source_ref",
            "source_label",
            "found_on",
            "evidence",
            "measure_id",
            "measure_label",
            "is_open",
            "resolved_on",
            "resolution",
        ]


class RiskOpenInputSerializer(serializers.Serializer[Any]):
    """A risk recorded by hand: the household's own report or a sweep's finding."""

    risk_type = serializers.ChoiceField(choices=RiskType.choices)
    # A declared field: the serializer's metaclass takes it out of the class, so it never shadows Field.source.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=RISK_SOURCES_BY_HAND,
        default=RiskSource.SELF_REPORT.value,
    )
    source_label = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    found_on = serializers.DateField()
    evidence = serializers.CharField(max_length=2000)


class RiskResolveInputSerializer(serializers.Serializer[Any]):
    resolution = serializers.CharField(max_length=2000)
    resolved_on = serializers.DateField(required=False, allow_null=True, default=None)
