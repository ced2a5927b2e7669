from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, BootstrapMixin, LongSelect
from households.choices import DisclosureChannel


def _area_choices(areas: Any) -> list[tuple[str, str]]:
    """A village is named with its township ("豫海镇草湾村"); a township or county by its own name."""
    return [(a.code, f"{a.parent.name if a.parent and a.level == 'village' else ''}{a.name}") for a in areas]


class ExportForm(BootstrapMixin, forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=DATE, required=False)
    end = forms.DateField(label=_("结束日期"), widget=DATE, required=False)
    area = forms.ChoiceField(label=_("乡镇或村"), choices=(), required=False, widget=LongSelect)
    category = forms.ChoiceField(label=_("类别"), choices=(), required=False)

    def __init__(self, *args: Any, areas: Any = (), categories: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [("", _("全部")), *_area_choices(areas)]
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [("", _("全部")), *categories]


class FreezeForm(BootstrapMixin, forms.Form):
    ledger = forms.ChoiceField(label=_("台账"), choices=())
    period = forms.CharField(
        label=_("统计期"), max_length=7, help_text=_("月度如 2026-11，季度如 2026-Q4；统计期结束后才能冻结")
    )
    area = forms.ChoiceField(label=_("村、乡镇或县"), choices=(), widget=LongSelect)

    def __init__(self, *args: Any, ledgers: Any = (), areas: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ledger = self.fields["ledger"]
        assert isinstance(ledger, forms.ChoiceField)
        ledger.choices = [(d.code, f"{d.code} {d.title}") for d in ledgers]
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = _area_choices(areas)


class SignForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("签核意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=500
    )


class ReconcileForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("全国系统导出文件（.xlsx）"), help_text=_("农户和家庭成员格式，与导入模板相同"))
    area = forms.ChoiceField(label=_("核对范围"), choices=())

    def __init__(self, *args: Any, areas: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = _area_choices(areas)


class DisclosureFilterForm(BootstrapMixin, forms.Form):
    who = forms.CharField(label=_("查看人"), max_length=50, required=False)
    channel = forms.ChoiceField(
        label=_("途径"), choices=(("", _("全部途径")), *DisclosureChannel.choices), required=False
    )
    start = forms.DateField(label=_("开始日期"), widget=DATE, required=False)
    end = forms.DateField(label=_("结束日期"), widget=DATE, required=False)
