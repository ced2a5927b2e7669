from typing import Any

from rest_framework import serializers

from national.choices import NationalEntryKind
from national.models import NationalEntry

_ID_MAX = 2**63 - 1
BATCH_MAX_ITEMS = 200  # one transaction holds every subject's lock; a client splits a longer list


class NationalEntrySerializer(serializers.ModelSerializer[NationalEntry]):
    household_no = serializers.CharField(source="subject.household.household_no", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    reported_status = serializers.CharField(
        read_only=True, help_text="the subject status a change entry reported (a SubjectStatus value); blank otherwise"
    )
    superseded_by = serializers.SerializerMethodField(help_text="the correction that replaced this entry, if any")

    class Meta:
        model = NationalEntry
        fields = [
            "id",
            "kind",
            "subject",
            "household_no",
            "elimination_case",
            "reported_status",
            "national_record_no",
            "entered_on",
            "recorded_by",
            "recorded_at",
            "note",
            "supersedes",
            "superseded_by",
        ]
        read_only_fields = fields

    def get_superseded_by(self, entry: NationalEntry) -> int | None:
        correction = getattr(entry, "superseded_by", None)
        return correction.pk if correction is not None else None


class NationalRecordInputSerializer(serializers.Serializer[Any]):
    """``{"subject": 7, "kind": "subject_entry", "record_no": "…", "entered_on": "2026-11-02", "note": ""}``."""

    subject = serializers.IntegerField(min_value=1, max_value=_ID_MAX)
    kind = serializers.ChoiceField(choices=NationalEntryKind.choices)
    record_no = serializers.CharField(max_length=64, help_text="全国系统记录编号")
    entered_on = serializers.DateField(help_text="the day it was entered in the national system; never in the future")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class NationalCorrectInputSerializer(serializers.Serializer[Any]):
    record_no = serializers.CharField(max_length=64)
    entered_on = serializers.DateField()
    note = serializers.CharField(max_length=500, help_text="why the entry is corrected")


class NationalBatchItemSerializer(serializers.Serializer[Any]):
    subject = serializers.IntegerField(min_value=1, max_value=_ID_MAX)
    record_no = serializers.CharField(max_length=64)


class NationalBatchInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=NationalEntryKind.choices)
    entered_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    items = serializers.ListField(child=NationalBatchItemSerializer(), min_length=1, max_length=BATCH_MAX_ITEMS)


class NationalBatchResultSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="how many entries were recorded")
    results = NationalEntrySerializer(many=True)


class NationalPendingItemSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=NationalEntryKind.choices)
    since = serializers.DateField(help_text="the day the item arose")
    waiting_days = serializers.IntegerField(help_text="working days waited since")
    elimination_case = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(help_text="the status a change entry reports; blank for the other kinds")


class NationalPendingSubjectSerializer(serializers.Serializer[Any]):
    subject = serializers.IntegerField()
    household_no = serializers.CharField()
    head_name = serializers.CharField()
    area_code = serializers.CharField()
    items = NationalPendingItemSerializer(many=True)
