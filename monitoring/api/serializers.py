from typing import Any

from rest_framework import serializers

from monitoring.choices import RiskType, SubjectCategory, TriggerCondition
from monitoring.models import (
    AssistanceMeasure,
    EliminationCase,
    EliminationEvent,
    EntryApplication,
    EntryEvent,
    MonitoringSubject,
)
from monitoring.services.elimination import ELIMINATION_STEPS
from monitoring.services.entry import ENTRY_STEPS


class EntryEventSerializer(serializers.ModelSerializer[EntryEvent]):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)  # None: the system acted
    comment = serializers.CharField(source="comment_shown", read_only=True)  # in the reader's language

    class Meta:
        model = EntryEvent
        fields = ["at", "from_state", "to_state", "actor", "comment"]


class EntryApplicationOutputSerializer(serializers.ModelSerializer[EntryApplication]):
    household_no = serializers.CharField(source="household.household_no")
    events = EntryEventSerializer(many=True, read_only=True)
    closing_reason = serializers.CharField(source="closing_reason_shown", read_only=True)  # in the reader's language

    class Meta:
        model = EntryApplication
        fields = [
            "id",
            "household",
            "household_no",
            "state",
            "channel",
            "sub_channel",
            "proposed_category",
            "category",
            "risk_types",
            "triggers",
            "trigger_evidence",
            "reason",
            "reported_on",
            "income_window",
            "per_capita_income",
            "threshold",
            "township_opinion",
            "decision_no",
            "decided_on",
            "closing_reason",
            "events",
        ]


class EntryReportInputSerializer(serializers.Serializer[Any]):
    household = serializers.IntegerField()
    channel = serializers.CharField()
    sub_channel = serializers.CharField(required=False, allow_blank=True, default="")
    proposed_category = serializers.ChoiceField(choices=SubjectCategory.choices)
    risk_types = serializers.ListField(child=serializers.ChoiceField(choices=RiskType.choices), min_length=1)
    triggers = serializers.ListField(child=serializers.ChoiceField(choices=TriggerCondition.choices), min_length=1)
    trigger_evidence = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField()
    consent_given = serializers.BooleanField(default=False)


class TransitionInputSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=sorted(ENTRY_STEPS))
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveInputSerializer(serializers.Serializer[Any]):
    category = serializers.ChoiceField(choices=SubjectCategory.choices)
    risk_types = serializers.ListField(child=serializers.ChoiceField(choices=RiskType.choices), min_length=1)
    # Omitted: the triggers cited so far stand; given: they replace them (a changed category needs its own).
    triggers = serializers.ListField(
        child=serializers.ChoiceField(choices=TriggerCondition.choices), min_length=1, required=False
    )
    decision_no = serializers.CharField(required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class MonitoringSubjectSerializer(serializers.ModelSerializer[MonitoringSubject]):
    household_no = serializers.CharField(source="household.household_no")

    class Meta:
        model = MonitoringSubject
        fields = [
            "id",
            "household",
            "household_no",
            "application",
            "category",
            "risk_types",
            "triggers",
            "status",
            "entered_on",
            "eliminated_on",
        ]


class MeasureSerializer(serializers.ModelSerializer[AssistanceMeasure]):
    risks = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        write_only=True,
        required=False,
        help_text="该户未消除风险的编号：措施登记为已落实并填写成效时，这些风险随之消除",
    )

    class Meta:
        model = AssistanceMeasure
        fields = [
            "id",
            "subject",
            "measure_type",
            "subtype",
            "timing",
            "funding_source",
            "responsible_department",
            "responsible_person",
            "description",
            "started_on",
            "ended_on",
            "amount_yuan",
            "status",
            "outcome_note",
            "risks",
        ]
        read_only_fields = ["id", "subject", "ended_on", "status", "outcome_note"]
        # Blank in the model, so optional here; the service says when the measure type needs one.
        extra_kwargs = {"subtype": {"default": ""}}


class EliminationEventSerializer(serializers.ModelSerializer[EliminationEvent]):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)  # None: the system acted
    comment = serializers.CharField(source="comment_shown", read_only=True)  # in the reader's language

    class Meta:
        model = EliminationEvent
        fields = ["from_state", "to_state", "actor", "comment", "at"]


class EliminationCaseSerializer(serializers.ModelSerializer[EliminationCase]):
    household = serializers.IntegerField(source="subject.household_id", read_only=True)
    closing_reason = serializers.CharField(source="closing_reason_shown", read_only=True)  # in the reader's language
    events = EliminationEventSerializer(many=True, read_only=True)

    class Meta:
        model = EliminationCase
        fields = [
            "id",
            "subject",
            "household",
            "state",
            "proposal",
            "opened_on",
            "assessment",
            "township_meeting_on",
            "township_opinion",
            "spot_check_required",
            "screening",
            "per_capita_income",
            "exit_line",
            "county_meeting_on",
            "decision_no",
            "decided_on",
            "marked_on",
            "closing_reason",
            "events",
        ]


class EliminationOpenSerializer(serializers.Serializer[Any]):
    proposal = serializers.CharField()


class EliminationTransitionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=sorted(ELIMINATION_STEPS))
    comment = serializers.CharField(required=False, allow_blank=True, default="")
