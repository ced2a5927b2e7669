"""Page input of the insurance programme: Chinese labels; the services decide (STYLE rule 3)."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, BootstrapMixin
from insurance.choices import ClaimKind, Product


def money(label: Any, **options: Any) -> forms.DecimalField:
    """Yuan to the fen."""
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, **options)


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(label=_("保险年度"), min_value=2021, max_value=2100)


class EnrolForm(BootstrapMixin, forms.Form):
    area = forms.ChoiceField(label=_("村或乡镇"), choices=())
    year = _year_field()
    insurer = forms.CharField(label=_("承保机构"), max_length=100)
    starts_on = forms.DateField(label=_("保险起期"), widget=DATE)
    ends_on = forms.DateField(label=_("保险止期"), widget=DATE)

    def __init__(self, *args: Any, areas: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [(a.code, f"{a.parent.name} · {a.name}" if a.parent else a.name) for a in areas]
        self.fields["year"].initial = timezone.localdate().year


class PolicyForm(BootstrapMixin, forms.Form):
    product = forms.ChoiceField(label=_("险种"), choices=Product.choices)
    year = _year_field()
    insurer = forms.CharField(label=_("承保机构"), max_length=100)
    policy_no = forms.CharField(label=_("保单号"), max_length=60, required=False)
    starts_on = forms.DateField(label=_("保险起期"), widget=DATE)
    ends_on = forms.DateField(label=_("保险止期"), widget=DATE)
    sum_insured = money(_("保险金额（元，特色产业保险填写）"), required=False)
    premium_individual = money(_("个人缴费（元，特色产业保险填写）"), required=False)
    premium_county = money(_("财政补贴（元，特色产业保险填写）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


AMOUNT_FIELDS = {
    ClaimKind.CRITICAL_ILLNESS: ("residual_cost", _("大病保险后剩余目录内住院费用（元）")),
    ClaimKind.ACCIDENT_MEDICAL: ("medical_cost", _("意外医疗费用（元）")),
    ClaimKind.ACCIDENT_DEATH_DISABILITY: ("assessed_amount", _("核定赔付金额（元）")),
    ClaimKind.INDUSTRY_LOSS: ("assessed_amount", _("核定损失赔付金额（元）")),
}


class ClaimForm(BootstrapMixin, forms.Form):
    incident_on = forms.DateField(label=_("出险（入院）日期"), widget=DATE)
    filed_on = forms.DateField(label=_("报案日期"), widget=DATE)
    simple = forms.BooleanField(label=_("简易案件（5个工作日内结案）"), required=False, initial=True)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name, label = AMOUNT_FIELDS[ClaimKind(kind)]
        self.amount_field = name
        self.fields[name] = money(label, min_value=0)
        self.fields["filed_on"].initial = timezone.localdate()


class StepForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("办理日期"), widget=DATE, required=False)


class RefuseForm(StepForm):
    reason = forms.CharField(label=_("拒赔原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class ReportForm(BootstrapMixin, forms.Form):
    county = forms.ChoiceField(label=_("县（区）"), choices=())
    month = forms.DateField(
        label=_("报告月份"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )
    insurer = forms.CharField(label=_("承保机构"), max_length=100)
    insured_people = forms.IntegerField(label=_("承保人数"), min_value=0)
    premium_total = money(_("保费收入（元）"), min_value=0)
    claims_count = forms.IntegerField(label=_("赔案件数"), min_value=0)
    payout_total = money(_("赔付金额（元）"), min_value=0)
    submitted_on = forms.DateField(label=_("报送日期"), widget=DATE)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, counties: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = self.fields["county"]
        assert isinstance(county, forms.ChoiceField)
        county.choices = [(c.code, c.name) for c in counties]
