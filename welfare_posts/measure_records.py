"""What an assistance measure's page shows of the post it created (SPEC §5.1, §11.4): the post and holder, whether
the holder is in post, and what the hire achieved — months attended and subsidy paid. Registered with
``monitoring.measure_records`` by ``WelfarePostsConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from monitoring.measure_records import MeasureRecord
from monitoring.models import AssistanceMeasure
from welfare_posts import selectors
from welfare_posts.models import PostHire


def post_records(measures: list[AssistanceMeasure]) -> dict[int, list[MeasureRecord]]:
    """The hire of each measure that has one, read for the whole page at once."""
    hires = (
        PostHire.objects.filter(measure__in=[m.pk for m in measures])
        .select_related("post", "member")
        .prefetch_related("attendance", "payments")
    )
    found: dict[int, list[MeasureRecord]] = {}
    for hire in hires:
        record = selectors.hire_record(hire)
        if hire.ended_on is None:
            progress = _("%(start)s 上岗，在岗") % {"start": hire.hired_on}
        else:
            progress = _("%(start)s 至 %(end)s 在岗，已退岗（%(reason)s）") % {
                "start": hire.hired_on,
                "end": hire.ended_on,
                "reason": hire.get_exit_reason_display(),
            }
        assert hire.measure_id is not None
        found.setdefault(hire.measure_id, []).append(
            MeasureRecord(
                label=_("公益岗位“%(post)s”，%(name)s，月补贴 %(subsidy)s 元")
                % {"post": hire.post.name, "name": hire.member.name, "subsidy": hire.post.monthly_subsidy},
                url=hire.get_absolute_url(),
                progress=progress,
                effect=_("出勤 %(months)s 个月 %(days)s 天，已领补贴 %(paid)s 元")
                % {"months": record.months, "days": record.days, "paid": record.paid},
            )
        )
    return found
