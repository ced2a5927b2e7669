"""Page input validation with Chinese labels and errors; the rules themselves live in services and rules.py."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, BootstrapMixin, SuggestInput
from households import idnumbers
from households.choices import (
    RISK_SOURCES_BY_HAND,
    ChronicCondition,
    ClosedReason,
    HouseholdFlagKind,
    HousingSafety,
    LabourCapacity,
    MemberStatus,
    Relationship,
    RigidExpenseKind,
    RiskType,
    SchoolingStatus,
    VisitKind,
)
from households.models import Household, HouseholdMember, IncomeRecord
from households.selectors import cadres_named
from households.services.income import COMPONENTS
from households.services.registry import HOUSEHOLD_EDITABLE, MEMBER_EDITABLE_FIELDS


def clean_mobile(value: str) -> str:
    phone = value.strip()
    if phone and not (phone.isdigit() and len(phone) == 11):
        raise forms.ValidationError(_("手机号应为 11 位数字"))
    return phone


class HouseholdForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = [
            "address",
            "phone",
            "hukou_area_text",
            "registered_poor_since",
            "exit_year",
            "housing_safety",
            "housing_remedy",
            "water_supply_type",
            "toilet_type",
            "migrant_type",
            "relocation_batch",
            "resettlement_site",
            "destitute_mode",
            "bank_name",
            "bank_account",
            "account_holder_name",
            "contracted_land_mu",
            "forest_land_mu",
            "cooperative_member",
            "hukou_moved",
            "has_residence_permit",
            "land_rights_confirmed",
            "consent_channel",
            "dishonest_listed",
            "dishonest_listed_on",
            "dishonest_reason",
            "relatives_well_off_note",
        ]
        widgets = {"dishonest_listed_on": DATE, "relatives_well_off_note": forms.Textarea(attrs={"rows": 2})}

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        poor, exit_year = data.get("registered_poor_since"), data.get("exit_year")
        if poor and exit_year and exit_year < poor:
            self.add_error("exit_year", _("脱贫年度不能早于建档立卡年度"))
        return data


assert set(HouseholdForm.Meta.fields) <= HOUSEHOLD_EDITABLE


class MemberFields(BootstrapMixin, forms.ModelForm):
    chronic_conditions = forms.MultipleChoiceField(
        label=_("慢性病种"), choices=ChronicCondition.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = HouseholdMember
        fields = list(MEMBER_EDITABLE_FIELDS)


class MemberAddForm(MemberFields):
    id_number = forms.CharField(label=_("身份证号"), max_length=18, min_length=18)

    class Meta(MemberFields.Meta):
        fields = ["name", "id_number", *[f for f in MemberFields.Meta.fields if f != "name"]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        relationship: Any = self.fields["relationship"]
        relationship.choices = [c for c in Relationship.choices if c[0] != Relationship.HEAD]

    def clean_id_number(self) -> str:
        number = idnumbers.normalize(self.cleaned_data["id_number"])
        try:
            idnumbers.parse(number)
        except idnumbers.IdNumberError as exc:
            raise forms.ValidationError(exc.message.shown()) from exc
        return number


class HouseholdCreateForm(BootstrapMixin, forms.Form):
    household_no = forms.CharField(label=_("户编号"), max_length=32)
    village = forms.ChoiceField(label=_("居住村"))
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=11, required=False)
    head_name = forms.CharField(label=_("户主姓名"), max_length=50)
    head_id_number = forms.CharField(label=_("户主身份证号"), max_length=18, min_length=18)
    head_labour_capacity = forms.ChoiceField(label=_("户主劳动能力"), choices=LabourCapacity.choices)
    head_schooling_status = forms.ChoiceField(
        label=_("户主在校生状况"),
        choices=SchoolingStatus.choices,
        initial="left_school",
    )
    exited_poor_year = forms.IntegerField(
        label=_("脱贫年度（脱贫户填写）"), required=False, min_value=2014, max_value=2020
    )

    def __init__(self, *args: Any, villages: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village: Any = self.fields["village"]
        village.choices = [("", "—")] + [(v.pk, f"{v.parent.name} · {v.name}") for v in villages]

    def clean_head_id_number(self) -> str:
        number = idnumbers.normalize(self.cleaned_data["head_id_number"])
        try:
            idnumbers.parse(number)
        except idnumbers.IdNumberError as exc:
            raise forms.ValidationError(exc.message.shown()) from exc
        return number

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data["phone"])


class MemberLeaveForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("离户原因"), choices=[c for c in MemberStatus.choices if c[0] != MemberStatus.PRESENT]
    )
    on = forms.DateField(label=_("变更日期"), widget=DATE)
    new_head = forms.ModelChoiceField(
        label=_("新户主（户主离户时）"), queryset=HouseholdMember.objects.none(), required=False
    )

    def __init__(self, *args: Any, member: HouseholdMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        new_head: Any = self.fields["new_head"]
        new_head.queryset = member.household.members.filter(member_status=MemberStatus.PRESENT).exclude(pk=member.pk)
        if member.relationship != Relationship.HEAD:
            del self.fields["new_head"]


class RigidExpenseForm(BootstrapMixin, forms.Form):
    """A rigid expenditure (刚性支出, SPEC §3.3), usually recorded at home verification (EN-1)."""

    incurred_on = forms.DateField(label=_("发生日期"), widget=DATE)
    kind = forms.ChoiceField(label=_("类别"), choices=RigidExpenseKind.choices)
    gross_amount = forms.DecimalField(label=_("总金额（元）"), max_digits=12, decimal_places=2)
    reimbursed_amount = forms.DecimalField(
        label=_("报销/补偿金额（元）"), max_digits=12, decimal_places=2, required=False, initial=0
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class IncomeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = IncomeRecord
        fields = ["year", "month", *COMPONENTS, "note"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("不能录入未来年度的收入"))
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in COMPONENTS:
            if data.get(field) is not None and data[field] < Decimal(0):
                self.add_error(field, _("不能为负数"))
        return data

    def validate_unique(self) -> None:
        """Saving the same year or month again corrects it (the service upserts); no uniqueness error here."""


class IncomeGridRowForm(forms.Form):
    """One household's row of the collection grid (收入采集表). Every amount carries the value the page showed in a
    hidden input (``show_hidden_initial``), so a row counts as changed against what the user saw, and the service
    can tell a row someone else saved meanwhile. A blank amount is 0 once the row is changed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in COMPONENTS:
            label = getattr(IncomeRecord._meta.get_field(name), "verbose_name", name)
            self.fields[name] = forms.DecimalField(
                label=label,
                required=False,
                show_hidden_initial=True,
                widget=forms.TextInput(
                    # aria-label: on wide screens the visible label gives way to the grid's header row
                    attrs={
                        "inputmode": "decimal",
                        "autocomplete": "off",
                        "class": "form-control form-control-sm px-lg-1",  # compact in the wide grid
                        "aria-label": label,
                    }
                ),
            )

    def amounts(self) -> dict[str, Decimal]:
        return {name: self.cleaned_data[name] or Decimal(0) for name in COMPONENTS}

    def shown(self) -> dict[str, Decimal]:
        """The amounts the page showed (blank ones left out)."""
        shown: dict[str, Decimal] = {}
        for name in COMPONENTS:
            try:
                value = self.fields[name].to_python(self.data.get(self.add_initial_prefix(name)))
            except forms.ValidationError:
                continue  # an altered hidden input: the service then sees a row that no longer holds
            if value is not None:
                shown[name] = value
        return shown

    def first_error(self) -> tuple[str, str]:
        """The first refused field and its message, for the refusal that names the household."""
        name, errors = next(iter(self.errors.items()))
        return name, str(errors[0])


class FlagForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("标识"), choices=HouseholdFlagKind.choices)
    valid_from = forms.DateField(label=_("起始日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class CloseForm(BootstrapMixin, forms.Form):
    reason = forms.ChoiceField(label=_("注销原因"), choices=ClosedReason.choices)
    on = forms.DateField(label=_("注销日期"), widget=DATE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); the service checks type, size and count."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class VisitForm(BootstrapMixin, forms.Form):
    """The phone form of a visit (SPEC §4.13, §2.5 checklist)."""

    visited_on = forms.DateField(label=_("走访日期"), widget=DATE)
    kind = forms.ChoiceField(label=_("走访类型"), choices=VisitKind.choices)
    companions = forms.CharField(label=_("同行人员"), max_length=200, required=False)
    food_ok = forms.BooleanField(label=_("不愁吃"), required=False, initial=True)
    clothing_ok = forms.BooleanField(label=_("不愁穿"), required=False, initial=True)
    housing_safety = forms.ChoiceField(label=_("住房安全等级"), choices=HousingSafety.choices)
    water_quantity_ok = forms.BooleanField(label=_("水量达标"), required=False, initial=True)
    water_quality_ok = forms.BooleanField(label=_("水质达标"), required=False, initial=True)
    water_access_ok = forms.BooleanField(label=_("用水方便"), required=False, initial=True)
    water_reliability_ok = forms.BooleanField(label=_("供水保证率达标"), required=False, initial=True)
    guarantee_note = forms.CharField(
        label=_("未达标情况说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    income_change = forms.CharField(label=_("收入变化"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    member_change = forms.CharField(label=_("家庭成员变化"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    needs = forms.CharField(label=_("群众诉求"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    notes = forms.CharField(label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    risk_found = forms.BooleanField(label=_("发现返贫致贫风险"), required=False)
    risk_types = forms.MultipleChoiceField(
        label=_("风险类型（可多选）"), choices=RiskType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    risk_note = forms.CharField(label=_("风险说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    next_visit_on = forms.DateField(label=_("下次走访日期"), widget=DATE, required=False)
    photos = MultipleFileField(
        label=_("照片（JPEG/PNG/WebP，可多选）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_visited_on(self) -> datetime.date:
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("走访日期不能晚于今天"))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("risk_found") or data.get("risk_types")) and not (data.get("risk_note") or "").strip():
            self.add_error("risk_note", _("发现风险时须说明风险情况"))
        visited, planned = data.get("visited_on"), data.get("next_visit_on")
        if visited and planned and planned <= visited:
            self.add_error("next_visit_on", _("下次走访日期须晚于本次走访日期"))
        return data


class PairingForm(BootstrapMixin, forms.Form):
    """Pair a cadre with a household (SPEC §1.6). The household is given by its number (a township has thousands);
    the cadres offered are those the view passes in, as a function: they are read only when a posted name is
    resolved (reading a county's cadres costs two queries a page that only shows the form)."""

    household_no = forms.CharField(label=_("户编号"), max_length=32)
    # A county's cadres are thousands: typed, with suggestions as one types, and resolved among those offered.
    cadre = forms.CharField(
        label=_("帮扶责任人"),
        max_length=150,
        help_text=_("输入姓名或用户名，从提示中选择"),
        widget=SuggestInput(reverse_lazy("households:pairing-cadres")),
    )
    unit = forms.CharField(label=_("帮扶单位"), max_length=100)
    valid_from = forms.DateField(label=_("结对日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, cadres: Callable[[], Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cadres = cadres

    def clean_cadre(self) -> Any:
        typed = self.cleaned_data["cadre"]
        named = cadres_named(self.cadres(), typed)
        if not named:
            raise forms.ValidationError(_("没有名为“%(name)s”的可结对帮扶责任人，请从输入提示中选择") % {"name": typed})
        if len(named) > 1:
            each = [_("%(name)s（用户名 %(username)s）") % {"name": c, "username": c.username} for c in named]
            raise forms.ValidationError(
                _("有 %(n)s 名帮扶责任人叫“%(name)s”：%(found)s。请填写其中一人的用户名")
                % {"n": len(named), "name": typed, "found": str(_("、")).join(str(one) for one in each)}
            )
        return named[0]


class PairingEndForm(BootstrapMixin, forms.Form):
    valid_to = forms.DateField(label=_("结束日期"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("结束原因"), max_length=200)


class RiskOpenForm(BootstrapMixin, forms.Form):
    """Record a risk by hand on the household's risks page (SPEC §4.3): the household's own report or a sweep's
    finding. Visits and department warnings open theirs through their own forms."""

    risk_type = forms.ChoiceField(label=_("风险类型"), choices=RiskType.choices)
    source = forms.ChoiceField(
        label=_("发现渠道"),
        choices=RISK_SOURCES_BY_HAND,
    )
    source_label = forms.CharField(
        label=_("来源说明"), max_length=200, required=False, help_text=_("如：2026 年集中排查、12317 电话申报。")
    )
    found_on = forms.DateField(label=_("发现日期"), widget=DATE)
    evidence = forms.CharField(label=_("风险情况"), widget=forms.Textarea(attrs={"rows": 2}))


class RiskResolveForm(BootstrapMixin, forms.Form):
    """Resolve an open risk with what removed it (SPEC §4.3, §4.8 precondition 3)."""

    resolution = forms.CharField(
        label=_("消除情况"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：落实的帮扶措施及成效，或经核实风险已不存在。"),
    )
    resolved_on = forms.DateField(label=_("消除日期"), widget=DATE, required=False)
