"""National-entry API (STYLE rule 18): a sealed, scoped viewset of the entries; ``POST`` records one, ``/batch/``
records several (all or nothing), ``/{id}/correct/`` supersedes one, and ``/pending/`` lists what awaits entry."""

from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import signed_in
from core.api import ErrorSerializer
from core.batch import batch_pick
from geo.mixins import JurisdictionScopedMixin
from monitoring.models import MonitoringSubject
from national import selectors, services
from national.api.serializers import (
    NationalBatchInputSerializer,
    NationalBatchResultSerializer,
    NationalCorrectInputSerializer,
    NationalEntrySerializer,
    NationalPendingSubjectSerializer,
    NationalRecordInputSerializer,
)
from national.choices import NationalEntryKind
from national.models import NationalEntry


class NationalEntryViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[NationalEntry]):
    """Entries into the national system (全国防返贫监测信息系统) the caller may see, each recorded by a person."""

    queryset = NationalEntry.objects.select_related("subject__household", "recorded_by", "superseded_by")
    serializer_class = NationalEntrySerializer
    filterset_fields = ["kind", "subject"]
    ordering = ["-recorded_at", "-pk"]

    @extend_schema(request=NationalRecordInputSerializer, responses={201: NationalEntrySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record one entry made in the national system for a subject's pending item of ``kind``."""
        actor = signed_in(request)
        payload = NationalRecordInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        # Missing and outside the territory get the same answer, on the field (STYLE rule 11).
        subject = MonitoringSubject.objects.visible_to(actor).filter(pk=data.pop("subject")).first()
        if subject is None:
            raise ValidationError({"subject": [_("监测对象不存在，或不在您的辖区内")]})
        entry = services.national_entry_record(subject=subject, actor=actor, **data)
        return Response(NationalEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NationalCorrectInputSerializer, responses={201: NationalEntrySerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str | None = None) -> Response:
        """A correction: a new entry of the same item supersedes this one, which stays as it was."""
        entry = self.get_object()  # first: outside the jurisdiction is 404 whatever the payload
        payload = NationalCorrectInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        correction = services.national_entry_correct(entry=entry, actor=signed_in(request), **payload.validated_data)
        return Response(NationalEntrySerializer(correction).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=NationalBatchInputSerializer,
        responses={200: NationalBatchResultSerializer, 404: ErrorSerializer},
        description="Record several entries of one `kind` made on one day, each subject with its own record number, "
        "each as `POST /national-entries/` would. All or nothing: the first refused is named in `detail` and nothing "
        "is saved (400, or 403 for a role that does not record). Subjects missing or outside the caller's "
        "jurisdiction are answered 404, naming them.",
    )
    @action(detail=False, methods=["post"], url_path="batch", filter_backends=[], pagination_class=None)
    def batch(self, request: Request) -> Response:
        actor = signed_in(request)
        payload = NationalBatchInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        pks = [item["subject"] for item in data["items"]]
        visible = MonitoringSubject.objects.visible_to(actor).select_related("household__managing_area")
        subjects, missing = batch_pick(visible, pks)
        if missing:
            ids = "、".join(str(pk) for pk in missing)
            raise NotFound(_("没有找到这些监测对象，或不在您的辖区内：%(ids)s") % {"ids": ids})
        by_pk = {s.pk: s for s in subjects}
        items = [
            services.BatchItem(subject=by_pk[item["subject"]], record_no=item["record_no"]) for item in data["items"]
        ]
        count = services.national_entries_record(
            items=items, kind=data["kind"], entered_on=data["entered_on"], actor=actor, note=data["note"]
        )
        recorded = self.get_queryset().filter(subject__in=pks, kind=data["kind"], recorded_by=actor)
        rows = list(recorded.order_by("-recorded_at", "-pk")[:count])
        return Response(NationalBatchResultSerializer({"count": count, "results": rows}).data)

    @extend_schema(
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=NationalEntryKind.values, required=False)],
        responses=NationalPendingSubjectSerializer(many=True),
        description="The subjects the caller may see that await an entry (of `kind`, or any), oldest item first, "
        "each item with the day it arose and the working days it has waited.",
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def pending(self, request: Request) -> Response:
        actor = signed_in(request)
        subjects = selectors.pending_list(user=actor, kind=request.query_params.get("kind", ""))
        page = self.paginate_queryset(cast(Any, subjects))  # subjects, not this viewset's entries
        assert page is not None  # the API always paginates
        rows = selectors.queue_rows(list(page), user=actor, today=timezone.localdate())
        body = [
            {
                "subject": row.subject.pk,
                "household_no": row.subject.household.household_no,
                "head_name": row.subject.household.head_name,
                "area_code": row.subject.household.managing_area.code,
                "items": [
                    {
                        "kind": item.kind.value,
                        "since": item.since,
                        "waiting_days": days,
                        "elimination_case": item.case.pk if item.case is not None else None,
                        "status": item.status,
                    }
                    for item, days in row.items
                ],
            }
            for row in rows
        ]
        return self.get_paginated_response(NationalPendingSubjectSerializer(body, many=True).data)
