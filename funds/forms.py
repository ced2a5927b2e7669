from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, BootstrapMixin
from funds.choices import FundCategory, FundLevel, FundUse
from projects.choices import FundingSource


def money(label: Any, **options: Any) -> forms.DecimalField:
    """Yuan to the fen."""
    return forms.DecimalField(label=label, max_digits=16, decimal_places=2, **options)


class BatchForm(BootstrapMixin, forms.Form):
    county = forms.ChoiceField(label=_("县（区）"), choices=())
    # 2021: the first year of the transition period (NR-POL-01); the service bounds the year by today's date.
    year = forms.IntegerField(label=_("资金年度"), min_value=2021, max_value=2100)
    level = forms.ChoiceField(label=_("下达层级"), choices=FundLevel.choices)
    source = forms.ChoiceField(label=_("资金来源"), choices=FundingSource.choices)
    category = forms.ChoiceField(label=_("资金类别"), choices=FundCategory.choices)
    document_no = forms.CharField(label=_("资金文号"), max_length=100)
    amount = money(_("下达金额（元）"))
    issued_on = forms.DateField(label=_("下达日期"), widget=DATE)
    industry_share_required = forms.DecimalField(
        label=_("文件要求产业资金占比（%）"), max_digits=5, decimal_places=2, required=False
    )
    fee_withheld = money(_("上级提取项目管理费（元）"), initial=0, required=False)

    def __init__(self, *args: Any, counties: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = self.fields["county"]
        assert isinstance(county, forms.ChoiceField)
        county.choices = [(c.code, c.name) for c in counties]
        self.fields["year"].initial = timezone.localdate().year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("fee_withheld") is None:
            data["fee_withheld"] = 0
        return data


class AllocationForm(BootstrapMixin, forms.Form):
    project = forms.ChoiceField(label=_("项目"), choices=())
    use = forms.ChoiceField(label=_("资金用途"), choices=FundUse.choices)
    amount = money(_("分配金额（元）"))
    allocated_on = forms.DateField(label=_("分配日期"), widget=DATE)
    document_no = forms.CharField(label=_("分配文号"), max_length=100, required=False)

    def __init__(self, *args: Any, projects: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = self.fields["project"]
        assert isinstance(project, forms.ChoiceField)
        # The status is shown so a clerk sees which projects are not in the library yet (NR-PRJ-02) before choosing.
        project.choices = [
            ("", "—"),
            *((str(p.pk), f"{p.code} {p.name}（{p.get_status_display()}）") for p in projects),
        ]


class PaymentForm(BootstrapMixin, forms.Form):
    paid_on = forms.DateField(label=_("支付日期"), widget=DATE)
    amount = money(_("支付金额（元）"))
    payee = forms.CharField(label=_("收款单位"), max_length=100)
    voucher_no = forms.CharField(label=_("凭证号"), max_length=60)
