"""Page input of employment assistance: Chinese labels; the rules and refusals live in ``employment.services``."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, BootstrapMixin
from employment.choices import WORKSHOP_SUBSIDIES, EmploymentStatus, ServiceKind, SubsidyKind


class RecordForm(BootstrapMixin, forms.Form):
    recorded_on = forms.DateField(label=_("信息日期"), widget=DATE)
    status = forms.ChoiceField(label=_("就业状态"), choices=EmploymentStatus.choices)
    place = forms.CharField(label=_("就业地点"), max_length=100, required=False)
    employer = forms.CharField(label=_("就业单位"), max_length=100, required=False)
    months_employed = forms.IntegerField(label=_("本年务工月数"), min_value=0, max_value=12, initial=0)
    labour_contract = forms.BooleanField(label=_("签订劳动合同"), required=False)
    social_insurance = forms.BooleanField(label=_("缴纳社会保险"), required=False)
    skills = forms.CharField(label=_("掌握技能"), max_length=100, required=False)
    certificate = forms.CharField(label=_("技能证书"), max_length=100, required=False)
    wish_to_work = forms.BooleanField(label=_("有就业意愿"), required=False)
    wish_to_train = forms.BooleanField(label=_("有培训意愿"), required=False)
    measure = forms.ChoiceField(label=_("关联帮扶措施"), required=False, choices=())

    def __init__(self, *args: Any, measures: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["measure"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("不关联")), *((str(m.pk), f"{m.started_on} {m.description}") for m in measures)]
        self.fields["recorded_on"].initial = timezone.localdate()


class ServiceForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("服务类型"), choices=ServiceKind.choices)
    served_on = forms.DateField(label=_("服务日期"), widget=DATE)
    detail = forms.CharField(label=_("服务内容"), max_length=200)


class TransportForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("补贴年度"), min_value=2021, max_value=2100)


class PaidForm(BootstrapMixin, forms.Form):
    paid_on = forms.DateField(label=_("发放日期"), widget=DATE)


class WorkshopForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("车间名称"), max_length=100)
    area = forms.ChoiceField(label=_("所在地"), choices=())
    operator = forms.CharField(label=_("经营主体"), max_length=100)
    recognised_on = forms.DateField(label=_("认定日期"), widget=DATE)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, areas: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(a.code, f"{a.parent.name} {a.name}" if a.parent else a.name) for a in areas]


class HireForm(BootstrapMixin, forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    hired_on = forms.DateField(label=_("入职日期"), widget=DATE)
    disabled_or_guardian = forms.BooleanField(label=_("残疾人或重度残疾人监护人"), required=False)


class LeaveForm(BootstrapMixin, forms.Form):
    left_on = forms.DateField(label=_("离职日期"), widget=DATE)


class WorkshopSubsidyForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("奖补类型"), choices=[(k, label) for k, label in SubsidyKind.choices if k in WORKSHOP_SUBSIDIES]
    )
