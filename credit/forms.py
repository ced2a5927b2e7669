"""Page input of microcredit: Chinese labels; the rules themselves are the services' (``credit.services``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from credit.choices import LoanKind, LoanPurpose
from credit.models import MicroLoan
from households.models import HouseholdMember
from monitoring.models import AssistanceMeasure

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what an <input type="date"> reads


class LoanForm(forms.Form):
    borrower = forms.ModelChoiceField(label=_("借款人"), queryset=HouseholdMember.objects.none())
    kind = forms.ChoiceField(label=_("贷款类型"), choices=LoanKind.choices, initial=LoanKind.NEW)
    previous = forms.ModelChoiceField(
        label=_("原贷款合同"),
        queryset=MicroLoan.objects.none(),
        required=False,
        help_text=_("续贷、展期时选择"),
    )
    bank = forms.CharField(label=_("贷款银行"), max_length=100)
    contract_no = forms.CharField(label=_("合同编号"), max_length=60)
    amount = forms.DecimalField(label=_("贷款金额（元）"), max_digits=12, decimal_places=2, min_value=0)
    signed_on = forms.DateField(label=_("签约日期"), widget=DATE)
    maturity = forms.DateField(label=_("到期日期"), widget=DATE)
    rate = forms.DecimalField(label=_("年利率（%）"), max_digits=5, decimal_places=2, min_value=0)
    lpr = forms.DecimalField(
        label=_("参照LPR（%）"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        help_text=_("期限1年以内填1年期LPR，1至3年填5年期以上LPR"),
    )
    purpose = forms.ChoiceField(label=_("贷款用途"), choices=LoanPurpose.choices)
    purpose_note = forms.CharField(label=_("用途说明"), max_length=200, required=False)
    guaranteed = forms.BooleanField(label=_("银行要求担保或抵押"), required=False)
    company_use = forms.BooleanField(label=_("贷款交由企业或他人使用"), required=False)
    measure = forms.ModelChoiceField(
        label=_("关联帮扶措施"),
        queryset=AssistanceMeasure.objects.none(),
        required=False,
        help_text=_("监测户可选择已登记的“小额信贷”措施；不选则自动登记一条"),
    )

    def __init__(
        self,
        *args: Any,
        members: QuerySet[HouseholdMember],
        loans: QuerySet[MicroLoan],
        measures: QuerySet[AssistanceMeasure],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["borrower"].queryset = members  # type: ignore[attr-defined]
        self.fields["previous"].queryset = loans  # type: ignore[attr-defined]
        self.fields["measure"].queryset = measures  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if not isinstance(field.widget, forms.CheckboxInput):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)
            else:
                field.widget.attrs.setdefault("class", "form-check-input")
            field.widget.attrs.setdefault("data-field", name)


class RepaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("还款日期"), widget=DATE)
    principal = forms.DecimalField(label=_("归还本金（元）"), max_digits=12, decimal_places=2, min_value=0)
    interest = forms.DecimalField(label=_("支付利息（元）"), max_digits=12, decimal_places=2, min_value=0, initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)
