"""Jurisdiction of the posts: a post belongs to its village, and its hires, attendance and payments go with it (SPEC
§1.3 rule 1). Only roles with the programmes capability see them (SPEC §11, ``view_programmes``)."""

from typing import TypeVar

from django.db.models import Model

from geo.querysets import JurisdictionQuerySet

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves

PROGRAMMES = "accounts.view_programmes"


class PostQuerySet(JurisdictionQuerySet[_M]):
    jurisdiction_fields = ("village__code",)
    territory_capability = PROGRAMMES


class HireQuerySet(JurisdictionQuerySet[_M]):
    jurisdiction_fields = ("post__village__code",)
    territory_capability = PROGRAMMES


class AttendanceQuerySet(JurisdictionQuerySet[_M]):
    jurisdiction_fields = ("hire__post__village__code",)
    territory_capability = PROGRAMMES


class PaymentQuerySet(JurisdictionQuerySet[_M]):
    jurisdiction_fields = ("hire__post__village__code",)
    territory_capability = PROGRAMMES
