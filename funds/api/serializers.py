from decimal import Decimal
from typing import Any

from rest_framework import serializers

from funds.choices import FundCategory, FundLevel, FundUse
from funds.models import Disbursement, FundAllocation, FundBatch
from projects.choices import FundingSource

PG_SMALLINT_MAX = 32_767  # the largest value of a PostgreSQL smallint column (PositiveSmallIntegerField)


class BatchSerializer(serializers.ModelSerializer[FundBatch]):
    county_code = serializers.CharField(source="county.code", read_only=True)

    class Meta:
        model = FundBatch
        fields = ["id", "county_code", "year", "level", "source", "category", "document_no", "amount", "issued_on",
                  "industry_share_required", "fee_withheld"]  # fmt: skip


class BatchInputSerializer(serializers.Serializer[Any]):
    # By area code, not primary key: the 12-digit codes are the same in every database and every client knows them.
    county = serializers.CharField(help_text="the county's 12-digit code")
    # The service bounds the year by today's date; the schema states the fixed ends.
    year = serializers.IntegerField(
        min_value=2021, max_value=PG_SMALLINT_MAX, help_text="from 2021 (the transition period) to next year"
    )
    level = serializers.ChoiceField(choices=FundLevel.choices)
    source = serializers.ChoiceField(choices=FundingSource.choices)  # type: ignore[assignment]  # the API name
    category = serializers.ChoiceField(choices=FundCategory.choices)
    document_no = serializers.CharField(max_length=100)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    issued_on = serializers.DateField()
    industry_share_required = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True,
                                                       default=None)  # fmt: skip
    fee_withheld = serializers.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))


class PaymentSerializer(serializers.ModelSerializer[Disbursement]):
    class Meta:
        model = Disbursement
        fields = ["id", "paid_on", "amount", "payee", "voucher_no"]


class AllocationSerializer(serializers.ModelSerializer[FundAllocation]):
    payments = PaymentSerializer(source="disbursements", many=True, read_only=True)

    class Meta:
        model = FundAllocation
        fields = ["id", "batch", "project", "use", "amount", "allocated_on", "document_no", "payments"]


class AllocationInputSerializer(serializers.Serializer[Any]):
    project = serializers.IntegerField()
    use = serializers.ChoiceField(choices=FundUse.choices)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    allocated_on = serializers.DateField()
    document_no = serializers.CharField(required=False, allow_blank=True, default="")


class PaymentInputSerializer(serializers.Serializer[Any]):
    paid_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    payee = serializers.CharField(max_length=100)
    voucher_no = serializers.CharField(max_length=60)


class CheckSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the API name
    basis = serializers.CharField()
    part = serializers.DecimalField(max_digits=18, decimal_places=2)
    whole = serializers.DecimalField(max_digits=18, decimal_places=2)
    pct = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    limit = serializers.CharField()
    ok = serializers.BooleanField()


class ComplianceSerializer(serializers.Serializer[Any]):
    county = serializers.CharField(source="county.code")
    year = serializers.IntegerField()
    on = serializers.DateField()
    issued = serializers.DecimalField(max_digits=18, decimal_places=2)
    allocated = serializers.DecimalField(max_digits=18, decimal_places=2)
    paid = serializers.DecimalField(max_digits=18, decimal_places=2)
    due_pct = serializers.DecimalField(max_digits=5, decimal_places=2)
    all_ok = serializers.BooleanField()
    checks = CheckSerializer(many=True)
