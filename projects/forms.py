"""Project and asset page input with Chinese labels; the rules themselves are in the services (STYLE rule 18)."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, BootstrapMixin
from projects.choices import (
    AssetClass,
    AssetNature,
    AssetOwnerKind,
    AssetStatus,
    FundingSource,
    IncomeUse,
    LinkageMode,
    OperatingMode,
)
from projects.models import ProjectCategory


def money(label: Any, **options: Any) -> forms.DecimalField:
    """Yuan to the fen, never negative."""
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=0, **options)


def leaf_categories() -> list[tuple[str, str]]:
    """Active classification leaves; banned ones are listed, marked, so the refusal names the policy."""
    leaves = ProjectCategory.objects.filter(active=True, children__isnull=True).select_related("parent")
    return [
        (str(c.pk), f"{c.parent.name if c.parent else ''} / {c.name}" + (str(_("（禁止入库）")) if c.banned else ""))
        for c in leaves.order_by("code")
    ]


class ProjectForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    year = forms.IntegerField(label=_("项目年度"), min_value=2021, max_value=2100)
    category = forms.ChoiceField(label=_("项目类别"), choices=())
    area = forms.ChoiceField(label=_("建设地点（乡镇或村）"), choices=())
    implementing_unit = forms.CharField(label=_("实施单位"), max_length=100)
    responsible_unit = forms.CharField(label=_("主管部门"), max_length=100, required=False)
    content = forms.CharField(label=_("建设内容及规模"), widget=forms.Textarea(attrs={"rows": 3}))
    planned_start = forms.DateField(label=_("计划开工"), widget=DATE)
    planned_end = forms.DateField(label=_("计划完工"), widget=DATE)
    benefits_business_entity = forms.BooleanField(label=_("扶持新型农业经营主体"), required=False)
    is_work_relief = forms.BooleanField(label=_("以工代赈项目"), required=False)
    work_relief_posts = forms.IntegerField(label=_("用工岗位数"), min_value=0, initial=0, required=False)
    posts_for_groups = forms.IntegerField(label=_("其中吸纳三类人员岗位"), min_value=0, initial=0, required=False)
    labour_pay = money(_("劳务报酬（元）"), initial=0, required=False)

    def __init__(self, *args: Any, areas: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Next year by default: projects are planned the year before they are built (NR-PRJ-10).
        self.fields["year"].initial = timezone.localdate().year + 1
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [("", "—"), *leaf_categories()]
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [("", "—"), *((a.code, f"{a.parent.name if a.parent else ''} {a.name}") for a in areas)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("work_relief_posts", "posts_for_groups"):
            data[name] = data.get(name) or 0
        if data.get("labour_pay") is None:
            data["labour_pay"] = 0
        return data


class FundingForm(BootstrapMixin, forms.Form):
    source = forms.ChoiceField(label=_("资金来源"), choices=[("", "—"), *FundingSource.choices], required=False)
    amount = money(_("计划投资（元）"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") and data.get("amount") is None:
            self.add_error("amount", _("请填写计划投资"))
        if data.get("amount") and not data.get("source"):
            self.add_error("source", _("请选择资金来源"))
        return data


FundingFormSet = forms.formset_factory(FundingForm, extra=4, max_num=len(FundingSource.choices))


class TargetForm(BootstrapMixin, forms.Form):
    indicator = forms.CharField(label=_("绩效指标"), max_length=100)
    target_value = forms.CharField(label=_("目标值"), max_length=50)
    unit = forms.CharField(label=_("单位"), max_length=20, required=False)


class BeneficiaryForm(BootstrapMixin, forms.Form):
    household_no = forms.CharField(label=_("户编号"), max_length=30)
    linkage_mode = forms.ChoiceField(label=_("利益联结方式"), choices=LinkageMode.choices)
    expected_income = money(_("预计年增收（元）"), initial=0)


class CommentForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReasonForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class NoticeForm(BootstrapMixin, forms.Form):
    places = forms.CharField(label=_("公示地点"), max_length=200, initial=_("村务公开栏、项目所在地"))
    starts_on = forms.DateField(label=_("公示开始"), widget=DATE)
    ends_on = forms.DateField(label=_("公示结束"), widget=DATE)


class PlanForm(BootstrapMixin, forms.Form):
    plan = forms.CharField(label=_("实施方案和资金支付计划"), widget=forms.Textarea(attrs={"rows": 3}))


class AcceptForm(BootstrapMixin, forms.Form):
    accepted_on = forms.DateField(label=_("验收日期"), widget=DATE)
    comment = forms.CharField(label=_("验收意见"), widget=forms.Textarea(attrs={"rows": 2}))


class EvaluateForm(BootstrapMixin, forms.Form):
    evaluation = forms.CharField(label=_("绩效评价结论"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, targets: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for target in targets:
            self.fields[f"actual_{target.pk}"] = forms.CharField(
                label=f"{target.indicator}（目标 {target.target_value}{target.unit}）完成值", max_length=50
            )
            self.fields[f"actual_{target.pk}"].widget.attrs["class"] = "form-control"
        self.targets = list(targets)


class AssetForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("资产名称"), max_length=200)
    asset_class = forms.ChoiceField(label=_("资产类别"), choices=AssetClass.choices)
    nature = forms.ChoiceField(label=_("资产性质"), choices=AssetNature.choices)
    area = forms.ChoiceField(label=_("所在地"), choices=())
    owner_kind = forms.ChoiceField(label=_("所有权人类型"), choices=AssetOwnerKind.choices)
    owner_name = forms.CharField(label=_("所有权人"), max_length=100)
    custodian = forms.CharField(label=_("管护责任人"), max_length=100, required=False)
    operating_mode = forms.ChoiceField(label=_("经营方式"), choices=[("", "—"), *OperatingMode.choices], required=False)
    operator = forms.CharField(label=_("经营主体"), max_length=100, required=False)
    value = money(_("资产价值（元）"))
    transferred_on = forms.DateField(label=_("移交日期"), widget=DATE)

    def __init__(self, *args: Any, areas: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [(a.code, f"{a.parent.name if a.parent else ''} {a.name}") for a in areas]


class OperationForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("资产状态"), choices=AssetStatus.choices)
    custodian = forms.CharField(label=_("管护责任人"), max_length=100, required=False)
    operating_mode = forms.ChoiceField(label=_("经营方式"), choices=[("", "—"), *OperatingMode.choices], required=False)
    operator = forms.CharField(label=_("经营主体"), max_length=100, required=False)


class IncomeForm(BootstrapMixin, forms.Form):
    period = forms.CharField(label=_("收益期间"), max_length=20, help_text=_("如 2026 或 2026-H1"))
    amount = money(_("收益金额（元）"))
    received_on = forms.DateField(label=_("到账日期"), widget=DATE)


class DistributionForm(BootstrapMixin, forms.Form):
    use = forms.ChoiceField(label=_("用途"), choices=IncomeUse.choices)
    amount = money(_("金额（元）"))
    paid_on = forms.DateField(label=_("发放日期"), widget=DATE)
    household_no = forms.CharField(label=_("受益农户户编号（分配到户时填写）"), max_length=30, required=False)
    labour_based = forms.BooleanField(label=_("以劳动报酬方式发放（公益岗位、参与村内项目建设等）"), required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
