"""一户一策: measures suggested for a subject from its risks and the county's templates (SPEC §4.11)."""

import datetime
from dataclasses import dataclass

from geo.parameters import area_codes_up
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
    """The catalogue's measures for the subject's risk types (一户一策, SPEC §5.1, §5.4), the most specific
    area's row winning (a county may replace or switch off a national row), without those already recorded. The
    target date counts from entry into monitoring, or from today when that has passed."""
    scopes = [*area_codes_up(subject.household.managing_area.code), ""]
    rank = {code: index for index, code in enumerate(scopes)}
    chosen: dict[tuple[str, str, str], MeasureTemplate] = {}
    rows = MeasureTemplate.objects.filter(risk_type__in=subject.risk_types, area_code__in=scopes)
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
    order = {risk: index for index, risk in enumerate(subject.risk_types)}
    return sorted(suggestions, key=lambda s: (order.get(s.template.risk_type, 99), s.template.pk))
