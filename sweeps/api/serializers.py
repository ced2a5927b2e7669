from typing import Any

from django.urls import reverse
from rest_framework import serializers

from core.stored import shown_item
from sweeps.choices import SweepKind, WarningDisposition
from sweeps.models import Problem, ProblemEvent, ScreeningBatch, ScreeningWarning, SweepRun


class SweepRunSerializer(serializers.ModelSerializer[SweepRun]):
    county_code = serializers.CharField(source="county.code", read_only=True)

    class Meta:
        model = SweepRun
        fields = ["id", "kind", "county", "county_code", "run_on", "status", "rule_versions", "totals",
                  "township_totals", "started_at", "finished_at"]  # fmt: skip


class SweepStartSerializer(serializers.Serializer[Any]):
    county = serializers.CharField(help_text="the county's 12-digit code")
    kind = serializers.ChoiceField(choices=SweepKind.choices)


class ProblemEventSerializer(serializers.ModelSerializer[ProblemEvent]):
    actor = serializers.CharField(source="actor.username", default=None)
    comment = serializers.CharField(source="comment_shown", read_only=True)  # in the reader's language

    class Meta:
        model = ProblemEvent
        fields = ["at", "from_status", "to_status", "actor", "comment"]


class ProblemSerializer(serializers.ModelSerializer[Problem]):
    township_code = serializers.CharField(source="township.code", read_only=True)
    events = ProblemEventSerializer(many=True, read_only=True)

    class Meta:
        model = Problem
        fields = ["id", "rule_id", "rule_version", "category", "gap_type", "mode", "title", "subject_kind",
                  "household", "member", "monitoring_subject", "area_code", "township_code", "evidence", "status",
                  "detected_on", "last_seen_on", "no_longer_detected_on", "deadline", "responsible_unit",
                  "responsible_person", "measures_taken", "closed_at", "previous_problem", "events"]  # fmt: skip


class ProblemStepSerializer(serializers.Serializer[Any]):
    """``{"action": "assign", "unit": …}``, ``start``, ``submit`` (measures_taken), ``return`` or ``close``."""

    action = serializers.ChoiceField(choices=["assign", "start", "submit", "return", "close"])
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    unit = serializers.CharField(required=False, allow_blank=True, default="")
    person = serializers.IntegerField(required=False, allow_null=True, default=None)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    measures_taken = serializers.CharField(required=False, allow_blank=True, default="")


# A batch names its rows by id; a request of more is split by the client (one transaction holds every row's lock).
BATCH_MAX_IDS = 500


def batch_ids(noun: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=BATCH_MAX_IDS,
        help_text=f"the {noun} of the batch, in the order they are taken; all or none are",
    )


class ProblemAssignManySerializer(serializers.Serializer[Any]):
    """``{"ids": [...], "unit": …, "person": …, "deadline": …, "comment": …}``: one 交办 for every problem."""

    ids = batch_ids("problems")
    unit = serializers.CharField(allow_blank=True)
    person = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=2**63 - 1)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ProblemBatchResultSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="how many problems were taken")
    results = ProblemSerializer(many=True)


class ScreeningBatchSerializer(serializers.ModelSerializer[ScreeningBatch]):
    status_url = serializers.SerializerMethodField(help_text="where to poll the import's status")

    class Meta:
        model = ScreeningBatch
        fields = ["id", "department", "period", "uploaded_at", "original_name", "status", "status_url",
                  "processed_rows", "total_rows", "finished_at", "row_count", "warning_count", "duplicate_count",
                  "unmatched", "errors", "error_count", "message"]  # fmt: skip

    def to_representation(self, instance: ScreeningBatch) -> dict[str, Any]:
        data = super().to_representation(instance)
        # Stored row messages, in the reader's language (core.stored).
        data["errors"] = [shown_item(error) for error in instance.errors]
        data["unmatched"] = [shown_item(row, "reason") for row in instance.unmatched]
        data["message"] = instance.message_shown
        return data

    def get_status_url(self, batch: ScreeningBatch) -> str:
        url = reverse("api:screening-batch-detail", args=[batch.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ScreeningUploadSerializer(serializers.Serializer[Any]):
    period = serializers.RegexField(r"^\d{4}-Q[1-4]$")
    file = serializers.FileField()


class ScreeningWarningSerializer(serializers.ModelSerializer[ScreeningWarning]):
    class Meta:
        model = ScreeningWarning
        fields = ["id", "batch", "department", "period", "event_type", "event_label", "risk_type", "event_date",
                  "amount", "occurrences", "match_kind", "status", "issued_on", "feedback_due_on", "disposition",
                  "disposition_note", "verified_at", "entry_application", "closed_at"]  # fmt: skip


class DisposeSerializer(serializers.Serializer[Any]):
    disposition = serializers.ChoiceField(choices=WarningDisposition.choices)
    note = serializers.CharField()
    category = serializers.CharField(required=False, allow_blank=True, default="")
    triggers = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class DisposeManySerializer(DisposeSerializer):
    """The disposal of ``/dispose/`` for every warning of ``ids``."""

    ids = batch_ids("warnings")


class WarningBatchResultSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="how many warnings were taken")
    results = ScreeningWarningSerializer(many=True)
