"""What a measure's row on the monitoring pages shows of the job it created (SPEC §5.1, §11.3): registered into
``monitoring.measure_records`` by ``EmploymentConfig.ready``; one query for a whole page of measures."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from employment.models import EmploymentRecord
from monitoring.measure_records import MeasureRecord
from monitoring.models import AssistanceMeasure


def employment_records(measures: list[AssistanceMeasure]) -> dict[int, list[MeasureRecord]]:
    """The employment record each measure created: the person, the year's status and months, stable or not."""
    found: dict[int, list[MeasureRecord]] = {}
    rows = EmploymentRecord.objects.filter(measure__in=[m.pk for m in measures]).select_related("member")
    for record in rows:
        assert record.measure_id is not None
        found.setdefault(record.measure_id, []).append(
            MeasureRecord(
                label=_("%(name)s %(year)s 年就业信息") % {"name": record.member.name, "year": record.year},
                url=reverse("employment:member-detail", args=[record.member_id]),
                progress=_("%(status)s，本年务工 %(months)s 个月")
                % {"status": record.get_status_display(), "months": record.months_employed},
                effect=_("稳定就业") if record.stably_employed else "",
            )
        )
    return found
