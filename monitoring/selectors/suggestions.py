"""Suggestions: 一户一策 measures for a subject from its risks and the county's templates (SPEC §4.11), and the
reasons to consider a household for identification that other apps find (SPEC §4.2, §4.12)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from geo.parameters import area_codes_up
from households import facts as household_facts
from households.models import Household
from monitoring.choices import (
    MeasureStatus,
    RiskType,
)
from monitoring.models import (
    MeasureTemplate,
    MonitoringSubject,
)

# ------------------------------------------------------------------------------------------- 一户一策 suggestions


@dataclass(frozen=True)
class Suggestion:
    template: MeasureTemplate
    risk_label: str
    target_on: datetime.date


def measure_suggestions(subject: MonitoringSubject, *, on: datetime.date) -> list[Suggestion]:
    """The catalogue's measures for the subject's risk types and the household's open risks (一户一策, SPEC §5.1,
    §5.4, §4.3), the most specific area's row winning (a county may replace or switch off a national row), without
    those already recorded. The target date counts from entry into monitoring, or from today when that has passed."""
    scopes = [*area_codes_up(subject.household.managing_area.code), ""]
    rank = {code: index for index, code in enumerate(scopes)}
    chosen: dict[tuple[str, str, str], MeasureTemplate] = {}
    # The subject's risk types first (approved at entry), then the types of the risks found since and still open.
    open_types = [r.risk_type for r in household_facts.open_risks(subject.household.risks.all(), on)]
    risk_types = list(dict.fromkeys([*subject.risk_types, *open_types]))
    rows = MeasureTemplate.objects.filter(risk_type__in=risk_types, area_code__in=scopes)
    for row in sorted(rows, key=lambda r: rank[r.area_code]):
        chosen.setdefault((row.risk_type, row.measure_type, row.subtype), row)
    recorded = set(subject.measures.exclude(status=MeasureStatus.STOPPED).values_list("measure_type", "subtype"))
    start = max(subject.entered_on, on)
    suggestions = []
    seen: set[tuple[str, str]] = set()
    for (risk, kind, subtype), row in chosen.items():
        if not row.active or (kind, subtype) in recorded or (kind, subtype) in seen:
            continue
        seen.add((kind, subtype))
        suggestions.append(
            Suggestion(
                template=row,
                risk_label=str(RiskType(risk).label),
                target_on=start + datetime.timedelta(days=row.due_days),
            )
        )
    order = {risk: index for index, risk in enumerate(risk_types)}
    return sorted(suggestions, key=lambda s: (order.get(s.template.risk_type, 99), s.template.pk))


# ------------------------------------------------------------------------------- suggested identification (§4.2)


@dataclass(frozen=True)
class IdentificationHint:
    """A reason, found in data above this app, to consider a household for identification (SPEC §4.5, §4.2 last
    column): a large-scale risk event that hit it (UE-2 因灾, UE-3 突发事件, SPEC §4.12). ``key`` names the reason
    itself ("risk_event:7"), so a reason two sources find is listed once."""

    key: str
    title: str  # what a person reads: the event named, its kind and start
    since: datetime.date
    url: str
    disaster: bool = False  # supports UE-2 / UE-L4 (and MA-3, SH-1 as a cause)
    sudden_event: bool = False  # supports UE-3 / UE-L3 (and MA-3, SH-1 as a cause)


# Sources in the apps above this one (risk events, in ``sweeps``) register, in their ``AppConfig.ready``, a function
# of a household and the day returning its hints; this app imports none of them (tests/test_layering.py).
HintSource = Callable[[Household, datetime.date], list[IdentificationHint]]
_hint_sources: list[HintSource] = []


def register_identification_hints(source: HintSource) -> HintSource:
    """Add ``source``'s hints to every household's (idempotent, so a second ``ready`` adds nothing)."""
    if source not in _hint_sources:
        _hint_sources.append(source)
    return source


def identification_hints(household: Household, *, on: datetime.date) -> list[IdentificationHint]:
    """Why the household may need identifying, from every registered source, each reason once (by ``key``), the
    newest first."""
    found: dict[str, IdentificationHint] = {}
    for source in _hint_sources:
        for hint in source(household, on):
            found.setdefault(hint.key, hint)
    return sorted(found.values(), key=lambda hint: (hint.since, hint.key), reverse=True)


# The risk types that support a trigger of SPEC §4.2 (Ningxia and Longde): 因灾 UE-2/UE-L4; an accident, an
# epidemic or a major misfortune is a sudden event, UE-3/UE-L3 (MA-3 and SH-1 take both as a cause).
_DISASTER_RISKS = frozenset({RiskType.DISASTER})
_SUDDEN_RISKS = frozenset({RiskType.ACCIDENT, RiskType.EPIDEMIC, RiskType.MAJOR_CHANGE})


def open_risk_hints(household: Household, on: datetime.date) -> list[IdentificationHint]:
    """The household's open risks (SPEC §4.3; a visit's, a department warning's, a sweep's or its own report) as
    reasons to identify it: each named by type, day and source, linking to the household's risks page."""
    url = reverse("households:risk-list", args=[household.pk])
    return [
        IdentificationHint(
            key=f"risk:{risk.pk}",
            title=_("%(type)s（%(on)s %(source)s）：%(evidence)s")
            % {
                "type": risk.get_risk_type_display(),
                "on": risk.found_on,
                "source": risk.get_source_display(),
                "evidence": risk.evidence,
            },
            since=risk.found_on,
            url=url,
            disaster=risk.risk_type in _DISASTER_RISKS,
            sudden_event=risk.risk_type in _SUDDEN_RISKS,
        )
        for risk in household_facts.open_risks(household.risks.all(), on)
    ]


register_identification_hints(open_risk_hints)  # the registry is below this app: no AppConfig needed
