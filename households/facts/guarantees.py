""" "Two assurances, three guarantees" (SPEC §2.5) and exit precondition 2 (§4.8): what the registry says of
education, basic medical insurance and housing, beside the latest check recorded on a visit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from households import rules
from households.choices import HousingSafety
from households.facts.context import Dialect, FactContext
from households.facts.members import MEMBER_FACT


@dataclass(frozen=True)
class CheckFacts:
    on: Any = None  # datetime.date | None
    all_ok: bool | None = None
    water_ok: bool | None = None


def latest_check(checks: Iterable[Any]) -> CheckFacts:
    """Python face: the latest check (SPEC §2.5), by date and then by the order recorded."""
    latest = max(checks, key=lambda c: (c.checked_on, c.pk), default=None)
    if latest is None:
        return CheckFacts()
    return CheckFacts(latest.checked_on, bool(latest.all_ok), bool(latest.water_ok))


def latest_checks(checks: QuerySet[Any]) -> QuerySet[Any]:
    """Query face of ``latest_check``: one row per household of ``checks``, the latest."""
    all_ok = ExpressionWrapper(
        Q(food_ok=True, clothing_ok=True, education_ok=True, medical_ok=True, housing_ok=True, water_ok=True),
        output_field=BooleanField(),
    )
    latest = Window(RowNumber(), partition_by=F("household_id"), order_by=[F("checked_on").desc(), F("pk").desc()])
    return (
        checks.order_by()
        .annotate(rank=latest, all_ok=all_ok)
        .filter(rank=1)
        .values("household_id", "checked_on", "all_ok", "water_ok")
    )


@dataclass(frozen=True)
class GuaranteeFacts:
    education_ok: bool
    medical_ok: bool
    housing_ok: bool
    check: CheckFacts
    check_current: bool
    secure: bool


def guarantee_facts(
    counts: Mapping[str, int], housing_safety: str, check: CheckFacts, ctx: FactContext
) -> GuaranteeFacts:
    """Python face: no member of school age out of school, everyone insured, the house safe, and a check no older
    than ``exit.guarantee_check_max_age_days`` with every item met."""
    current = check.on is not None and (ctx.on - check.on).days <= ctx.check_max_age_days
    education, medical = counts["school_age_out"] == 0, counts["uninsured"] == 0
    housing = not rules.housing_at_risk(housing_safety, safe_value=HousingSafety.SAFE)
    return GuaranteeFacts(
        education_ok=education,
        medical_ok=medical,
        housing_ok=housing,
        check=check,
        check_current=current,
        secure=education and medical and housing and current and bool(check.all_ok),
    )


def guarantee_layers(ctx: FactContext, d: Dialect) -> list[dict[str, str]]:
    """Query face of ``guarantee_facts`` (the latest check is joined as ``c``, the household as ``h``)."""
    import datetime

    since = ctx.on - datetime.timedelta(days=ctx.check_max_age_days)
    return [
        {
            "latest_check_on": "c.checked_on",
            "latest_check_ok": "c.all_ok",
            "latest_water_ok": "c.water_ok",
            "housing_safety": "h.housing_safety",
        },
        {
            "education_ok": "(school_age_out = 0)",
            "medical_ok": "(uninsured = 0)",
            "housing_ok": f"(housing_safety = {d.text(HousingSafety.SAFE)})",
            "check_current": f"(latest_check_on IS NOT NULL AND latest_check_on >= {d.date(since)})",
        },
        {
            "guarantees_secure": "(education_ok AND medical_ok AND housing_ok AND check_current "
            f"AND COALESCE(latest_check_ok, {d.false()}))",
        },
        {},
    ]


def derived_guarantee(present_members: Iterable[Any], housing_safety: str, ctx: FactContext) -> tuple[bool, bool, bool]:
    """SPEC §2.5 as the registry says it on the context's day, for a check recorded on a visit: (education, basic
    medical, housing) met, by the member facts ``school_age_out`` and ``uninsured``."""
    members = list(present_members)
    return (
        not any(MEMBER_FACT["school_age_out"].test(m, ctx) for m in members),
        not any(MEMBER_FACT["uninsured"].test(m, ctx) for m in members),
        not rules.housing_at_risk(housing_safety, safe_value=HousingSafety.SAFE),
    )
