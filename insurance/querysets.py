"""Jurisdiction of the insurance records (STYLE rule 9): a person's policies and claims are seen where their household
is managed (and co-managed, SPEC §1.5), by roles that carry the programmes capability; the insurer's monthly report
is the county's."""

from typing import TypeVar

from django.db.models import Model

from geo.querysets import JurisdictionQuerySet

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves


class PolicyQuerySet(JurisdictionQuerySet[_M]):
    jurisdiction_fields = ("member__household__managing_area__code", "member__household__co_managing_area__code")
    territory_capability = "accounts.view_programmes"
    # Writes (enrolment, claims) belong to the managing area only (SPEC §1.3 rule 2).
    managing_field = "member__household__managing_area__code"


class ClaimQuerySet(JurisdictionQuerySet[_M]):
    jurisdiction_fields = (
        "policy__member__household__managing_area__code",
        "policy__member__household__co_managing_area__code",
    )
    territory_capability = "accounts.view_programmes"
    managing_field = "policy__member__household__managing_area__code"


class ClaimEventQuerySet(JurisdictionQuerySet[_M]):
    jurisdiction_fields = (
        "claim__policy__member__household__managing_area__code",
        "claim__policy__member__household__co_managing_area__code",
    )
    territory_capability = "accounts.view_programmes"


class ReportQuerySet(JurisdictionQuerySet[_M]):
    """The insurer reports to the county (SPEC §12, 001 L206): the county and above see it, and the townships of the
    county read it too."""

    jurisdiction_fields = ("county__code",)
    territory_capability = "accounts.view_programmes"
    enclosing_fields = {"county__code": "county"}
