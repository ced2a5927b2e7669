from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import BootstrapMixin
from ledgers.models import KpiIndicator


class YearForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100, required=False)


class IndicatorChoiceField(forms.ModelChoiceField[KpiIndicator]):
    def label_from_instance(self, obj: Any) -> str:
        return _(obj.name)


class ValueForm(BootstrapMixin, forms.Form):
    """The actual value of an entered indicator for a period (the service checks the period's form)."""

    indicator = IndicatorChoiceField(label=gettext_lazy("指标"), queryset=KpiIndicator.objects.none())
    period = forms.CharField(
        label=gettext_lazy("统计期"),
        max_length=7,
        help_text=gettext_lazy("年度如 2026，季度如 2026-Q4，月度如 2026-11"),
    )
    value = forms.DecimalField(
        label=gettext_lazy("实际值"),
        max_digits=16,
        decimal_places=4,
        help_text=gettext_lazy("按指标的单位填写；覆盖类指标填覆盖比例（%）"),
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, indicators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        if indicators is not None:
            field.queryset = indicators
