"""Page input of the posts: labels and errors in Chinese; the rules are the services' (STYLE rule 3)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, BootstrapMixin
from welfare_posts.choices import Assessment, ExitReason, PostFunding, PostType


def money(label: Any, **options: Any) -> forms.DecimalField:
    """Yuan to the fen."""
    return forms.DecimalField(label=label, max_digits=10, decimal_places=2, **options)


class PostForm(BootstrapMixin, forms.Form):
    village = forms.ChoiceField(label=_("所在村"), choices=())
    name = forms.CharField(label=_("岗位名称"), max_length=100)
    post_type = forms.ChoiceField(label=_("岗位类型"), choices=PostType.choices)
    funding_source = forms.ChoiceField(label=_("资金来源"), choices=PostFunding.choices)
    monthly_subsidy = money(_("月补贴标准（元）"))
    positions = forms.IntegerField(label=_("岗位数"), min_value=1, max_value=999, initial=1)
    need = forms.CharField(label=_("设岗依据"), widget=forms.Textarea(attrs={"rows": 3}))
    created_on = forms.DateField(label=_("设岗日期"), widget=DATE)

    def __init__(self, *args: Any, villages: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village = self.fields["village"]
        assert isinstance(village, forms.ChoiceField)
        village.choices = [(v.code, f"{v.parent.name if v.parent else ''} {v.name}".strip()) for v in villages]


class HireForm(BootstrapMixin, forms.Form):
    member = forms.ChoiceField(label=_("上岗人员"), choices=())
    hired_on = forms.DateField(label=_("上岗日期"), widget=DATE)
    priority_waiver = forms.CharField(
        label=_("未优先安置的理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("本村还有优先安置对象未上岗而聘任非优先人员时必填"),
    )
    measure = forms.ChoiceField(label=_("关联帮扶措施"), choices=(), required=False)

    def __init__(self, *args: Any, candidates: Any = (), measures: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, forms.ChoiceField)
        # The priority is in the choice's label, so the clerk sees it before choosing (SPEC §11.4).
        member.choices = [
            ("", "—"),
            *((str(c.member.pk), f"{c.member.name}（{c.member.household.household_no}）· {c.basis.label}")
              for c in candidates),
        ]  # fmt: skip
        measure = self.fields["measure"]
        assert isinstance(measure, forms.ChoiceField)
        measure.choices = [
            ("", _("不关联")),
            *((str(m.pk), f"{m.subject.household.head_name} · {m}") for m in measures),
        ]


class CloseForm(BootstrapMixin, forms.Form):
    closed_on = forms.DateField(label=_("撤岗日期"), widget=DATE)


class PaymentForm(BootstrapMixin, forms.Form):
    month = forms.DateField(label=_("补贴月份"), input_formats=["%Y-%m"], widget=forms.DateInput(
        attrs={"type": "month"}, format="%Y-%m"))  # fmt: skip
    amount = money(_("补贴金额（元）"))
    paid_on = forms.DateField(label=_("发放日期"), widget=DATE)


class ExitForm(BootstrapMixin, forms.Form):
    ended_on = forms.DateField(label=_("退岗日期"), widget=DATE)
    exit_reason = forms.ChoiceField(label=_("退岗原因"), choices=[("", "—"), *ExitReason.choices])
    exit_note = forms.CharField(label=_("退岗说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GridRowForm(forms.Form):
    """One holder's row of the village's attendance grid; prefixed by the hire's id."""

    days_worked = forms.IntegerField(label=_("出勤天数"), min_value=0, max_value=31)
    assessment = forms.ChoiceField(label=_("考核结果"), choices=[("", "—"), *Assessment.choices])
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


def month_param(value: str, default: datetime.date) -> datetime.date:
    """A month given as YYYY-MM, as its first day; anything else is ``default``."""
    year, _sep, month = value.partition("-")
    if not (year.isdigit() and month.isdigit() and len(year) == 4 and 1 <= int(month) <= 12):
        return default
    return datetime.date(int(year), int(month), 1)
