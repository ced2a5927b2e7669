from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from households.forms import DATE, BootstrapMixin


class ExportForm(BootstrapMixin, forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=DATE, required=False)
    end = forms.DateField(label=_("结束日期"), widget=DATE, required=False)
    area = forms.ChoiceField(label=_("乡镇或村"), choices=(), required=False)
    category = forms.ChoiceField(label=_("类别"), choices=(), required=False)

    def __init__(self, *args: Any, areas: Any = (), categories: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [("", _("全部")), *((a.code, f"{a.parent.name if a.parent else ''} {a.name}") for a in areas)]
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [("", _("全部")), *categories]
