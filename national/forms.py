from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, BootstrapMixin
from national.choices import NationalEntryKind


class RecordForm(BootstrapMixin, forms.Form):
    """One entry made in the national system: what, its record number there, the day, a note."""

    kind = forms.ChoiceField(label=_("录入类型"), choices=NationalEntryKind.choices)
    record_no = forms.CharField(label=_("全国系统记录编号"), max_length=64)
    entered_on = forms.DateField(label=_("录入日期"), widget=DATE)
    note = forms.CharField(label=_("备注"), required=False, max_length=500)

    def __init__(self, *args: Any, kinds: list[NationalEntryKind] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:  # offer only what the subject awaits
            field = self.fields["kind"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(kind.value, kind.label) for kind in kinds]


class CorrectForm(BootstrapMixin, forms.Form):
    """A correction: the record number and day as they are in the national system, and why."""

    record_no = forms.CharField(label=_("全国系统记录编号"), max_length=64)
    entered_on = forms.DateField(label=_("录入日期"), widget=DATE)
    note = forms.CharField(label=_("更正原因"), max_length=500)


class BatchForm(BootstrapMixin, forms.Form):
    """What a batch shares: the kind, the day it was entered, a note. Each row brings its own record number."""

    kind = forms.ChoiceField(label=_("录入类型"), choices=NationalEntryKind.choices)
    entered_on = forms.DateField(label=_("录入日期"), widget=DATE)
    note = forms.CharField(label=_("备注"), required=False, max_length=500)
