from decimal import Decimal
from typing import Any

from rest_framework import serializers

from projects.choices import FundingSource, LinkageMode
from projects.models import (
    AssetDistribution,
    AssetIncome,
    PerformanceTarget,
    Project,
    ProjectAsset,
    ProjectDisclosure,
    ProjectEvent,
    ProjectFunding,
)

PG_INT_MAX = 2_147_483_647  # the largest value of a PostgreSQL integer column
PG_SMALLINT_MAX = 32_767  # and of a smallint column (PositiveSmallIntegerField)


class FundingSerializer(serializers.ModelSerializer[ProjectFunding]):
    class Meta:
        model = ProjectFunding
        fields = ["source", "amount"]


class TargetSerializer(serializers.ModelSerializer[PerformanceTarget]):
    class Meta:
        model = PerformanceTarget
        fields = ["id", "indicator", "unit", "target_value", "actual_value"]


class EventSerializer(serializers.ModelSerializer[ProjectEvent]):
    actor = serializers.CharField(source="actor.username")
    comment = serializers.CharField(source="comment_shown", read_only=True)  # in the reader's language

    class Meta:
        model = ProjectEvent
        fields = ["at", "from_status", "to_status", "actor", "comment"]


class DisclosureSerializer(serializers.ModelSerializer[ProjectDisclosure]):
    class Meta:
        model = ProjectDisclosure
        fields = ["id", "stage", "places", "starts_on", "ends_on"]


class ProjectSerializer(serializers.ModelSerializer[Project]):
    area_code = serializers.CharField(source="area.code", read_only=True)
    category_code = serializers.CharField(source="category.code", read_only=True)
    fundings = FundingSerializer(many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    disclosures = DisclosureSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    beneficiary_households = serializers.IntegerField(read_only=True)

    class Meta:
        model = Project
        fields = ["id", "code", "name", "year", "category_code", "area_code", "implementing_unit",
                  "responsible_unit", "content", "planned_start", "planned_end", "benefits_business_entity",
                  "is_work_relief", "work_relief_posts", "posts_for_groups", "labour_pay", "status",
                  "closing_reason", "implementation_plan", "accepted_on", "evaluation", "fundings", "targets",
                  "disclosures", "events", "beneficiary_households"]  # fmt: skip


class FundingInputSerializer(serializers.Serializer[Any]):
    source = serializers.ChoiceField(choices=FundingSource.choices)  # type: ignore[assignment]  # the API name
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class ProjectInputSerializer(serializers.Serializer[Any]):
    """A proposal (P-1 村社申请): the place and the class by code, the investment by source."""

    name = serializers.CharField(max_length=200)
    # The service bounds the year by today's date; the schema states the fixed ends.
    year = serializers.IntegerField(
        min_value=2021, max_value=PG_SMALLINT_MAX, help_text="from 2021 (the transition period) to five years ahead"
    )
    category = serializers.CharField(help_text="the classification code of a leaf, e.g. 0101")
    area = serializers.CharField(help_text="the 12-digit code of a township or village")
    implementing_unit = serializers.CharField(max_length=100)
    responsible_unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    content = serializers.CharField()
    planned_start = serializers.DateField()
    planned_end = serializers.DateField()
    fundings = FundingInputSerializer(many=True)
    benefits_business_entity = serializers.BooleanField(default=False)
    is_work_relief = serializers.BooleanField(default=False)
    # The columns are PostgreSQL integers: a larger count would be a database error, not a refusal.
    work_relief_posts = serializers.IntegerField(min_value=0, max_value=PG_INT_MAX, default=0)
    posts_for_groups = serializers.IntegerField(min_value=0, max_value=PG_INT_MAX, default=0)
    labour_pay = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, default=Decimal(0))


# Listed here, not taken from PROJECT_STEPS: implementation, accept and evaluate take fields of their own.
STEP_ACTIONS = [
    "appraise", "township_review", "county_approve", "enter_library", "plan", "implementation", "start", "accept",
    "evaluate", "transfer_assets", "reject", "withdraw", "cancel",
]  # fmt: skip


class ProjectStepSerializer(serializers.Serializer[Any]):
    """``{"action": "appraise", "comment": …}``; ``implementation`` takes ``plan``, ``accept`` takes
    ``accepted_on``, ``evaluate`` takes ``evaluation`` and ``actuals`` ({target id: value})."""

    action = serializers.ChoiceField(choices=STEP_ACTIONS)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    plan = serializers.CharField(required=False, allow_blank=True, default="")
    accepted_on = serializers.DateField(required=False, allow_null=True, default=None)
    evaluation = serializers.CharField(required=False, allow_blank=True, default="")
    actuals = serializers.DictField(child=serializers.CharField(), required=False, default=dict)


class TargetInputSerializer(serializers.Serializer[Any]):
    indicator = serializers.CharField(max_length=100)
    target_value = serializers.CharField(max_length=50)
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class BeneficiaryInputSerializer(serializers.Serializer[Any]):
    household_no = serializers.CharField()
    linkage_mode = serializers.ChoiceField(choices=LinkageMode.choices)
    expected_income = serializers.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))


class NoticeInputSerializer(serializers.Serializer[Any]):
    places = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class DistributionSerializer(serializers.ModelSerializer[AssetDistribution]):
    class Meta:
        model = AssetDistribution
        fields = ["id", "use", "household", "amount", "paid_on", "labour_based", "note"]


class IncomeSerializer(serializers.ModelSerializer[AssetIncome]):
    uses = DistributionSerializer(many=True, read_only=True)

    class Meta:
        model = AssetIncome
        fields = ["id", "period", "amount", "received_on", "uses"]


class AssetSerializer(serializers.ModelSerializer[ProjectAsset]):
    area_code = serializers.CharField(source="area.code", read_only=True)
    incomes = IncomeSerializer(many=True, read_only=True)

    class Meta:
        model = ProjectAsset
        fields = ["id", "code", "name", "project", "asset_class", "nature", "area_code", "owner_kind",
                  "owner_name", "custodian", "operating_mode", "operator", "value", "transferred_on", "status",
                  "incomes"]  # fmt: skip


class IncomeInputSerializer(serializers.Serializer[Any]):
    period = serializers.CharField(max_length=20)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    received_on = serializers.DateField()


class DistributionInputSerializer(serializers.Serializer[Any]):
    income = serializers.IntegerField()
    use = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_on = serializers.DateField()
    household_no = serializers.CharField(required=False, allow_blank=True, default="")
    labour_based = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
