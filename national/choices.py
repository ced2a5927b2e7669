from django.db import models
from django.utils.translation import gettext_lazy as _

from monitoring.choices import SubjectStatus


class NationalEntryKind(models.TextChoices):
    """What a person entered into the national system (全国防返贫监测信息系统, SPEC §4.6 EN-6, §4.8 EL-7, §4.11)."""

    SUBJECT_ENTRY = "subject_entry", _("纳入监测录入")
    ELIMINATION = "elimination", _("风险消除录入")
    CHANGE = "change", _("信息变更录入")


# The subject statuses the national system learns only by a change entry (信息变更录入): a held marking
# (暂不标注, SPEC §4.9) and an episode ended for another reason (SPEC §4.11 ``closed_other``). Monitored and
# "elimination in progress" are local workflow states: the national system holds the subject as monitored until its
# elimination entry.
CHANGE_STATUSES = frozenset({SubjectStatus.ELIMINATION_HOLD, SubjectStatus.CLOSED_OTHER})
