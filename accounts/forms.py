"""The account administration forms (README "Security model"): the choices offered are already narrowed to the
administrator's territory and the roles they may hand out; the services check both again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Department
from accounts.services import assignable_roles
from core.forms import BootstrapMixin
from geo.models import AdminArea

INDENT = {"province": 0, "city": 1, "county": 2, "township": 3, "village": 4, "group": 5}


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "\u3000" * max(INDENT.get(obj.level, 0) - 2, 0) + f"{obj.name}（{obj.get_level_display()}）"


def _areas_for(actor: User) -> Any:
    """The open areas of the administrator's territory, through the one jurisdiction filter."""
    return AdminArea.objects.visible_to(actor).active().order_by("code")


class AccountForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    unit_name = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    area = AreaChoiceField(label=_("所属区划"), queryset=AdminArea.objects.none(), empty_label=_("请选择区划"))
    roles = forms.MultipleChoiceField(label=_("角色"), widget=forms.CheckboxSelectMultiple)
    department = forms.ChoiceField(
        label=_("所属部门"),
        required=False,
        choices=[("", _("不属于行业部门")), *list(Department.choices)],
        help_text=_("行业部门筛查人员必须选择所属部门"),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas_for(actor)  # type: ignore[attr-defined]
        self.fields["roles"].choices = [(role.value, role.label) for role in assignable_roles(actor)]  # type: ignore[attr-defined]


class AccountCreateForm(AccountForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("登录时使用，开通后不能修改"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    field_order = ["username", "full_name", "phone", "unit_name", "area", "roles", "department"]


class AccountChangeForm(AccountForm):
    reason = forms.CharField(
        label=_("调整原因"),
        max_length=200,
        required=False,
        help_text=_("调整角色或区划时必填，例如“岗位调整”“调往其他乡镇”"),
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class AccountFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("用户名或姓名"), required=False, max_length=50)
    role = forms.ChoiceField(label=_("角色"), required=False)
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), ("active", _("在用")), ("disabled", _("已停用"))],
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("全部角色"))] + [(role.value, role.label) for role in assignable_roles(actor)]
        self.fields["role"].choices = choices  # type: ignore[attr-defined]
