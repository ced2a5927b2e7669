"""Forms of a household's life (transfer and area changes, split, merge, a merged village's households): input
validation and Chinese labels only; the services decide (``households.services.life``)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, BootstrapMixin
from geo.models import AdminArea
from households.models import HouseholdMember

REASON = forms.Textarea(attrs={"rows": 2})


class AreaChoiceField(forms.ModelChoiceField[AdminArea]):
    """A village or group named with its township, so that two villages of the same name tell apart."""

    def label_from_instance(self, obj: AdminArea) -> str:
        parent = obj.parent.name if obj.parent is not None else ""
        return f"{parent} {obj.name}（{obj.code}）"


def _area_by_code(code: str, field: str) -> AdminArea | None:
    code = (code or "").strip()
    if not code:
        return None
    area = AdminArea.objects.filter(code=code).first()
    if area is None:
        raise forms.ValidationError({field: _("区划代码“%(code)s”不存在") % {"code": code}})
    return area


class AreasForm(BootstrapMixin, forms.Form):
    """The four areas of a household (SPEC §2.1, §1.5). Managing and residence areas are chosen among the villages
    the user's territory holds; a hukou or co-managing village may lie anywhere, so it is given by its code."""

    managing_area = AreaChoiceField(queryset=AdminArea.objects.none(), label=_("管理地"))
    residence_area = AreaChoiceField(queryset=AdminArea.objects.none(), label=_("居住地"))
    hukou_code = forms.CharField(
        label=_("户籍地区划代码"), required=False, max_length=15, help_text=_("区内村或村民小组的代码；区外留空")
    )
    hukou_area_text = forms.CharField(label=_("户籍地（区外）"), required=False, max_length=200)
    co_managing_code = forms.CharField(
        label=_("协同管理地区划代码"), required=False, max_length=15, help_text=_("人户分离的户籍村；没有则留空")
    )
    reason = forms.CharField(label=_("变更原因"), widget=REASON, max_length=500)

    def __init__(self, *args: Any, villages: QuerySet[AdminArea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("managing_area", "residence_area"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = villages

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["hukou_area"] = _area_by_code(data.get("hukou_code", ""), "hukou_code")
        data["co_managing_area"] = _area_by_code(data.get("co_managing_code", ""), "co_managing_code")
        return data


class MemberChoices(forms.ModelMultipleChoiceField[HouseholdMember]):
    def label_from_instance(self, obj: HouseholdMember) -> str:
        return f"{obj.name}（{obj.get_relationship_display()}）"


class HeadChoice(forms.ModelChoiceField[HouseholdMember]):
    def label_from_instance(self, obj: HouseholdMember) -> str:
        return obj.name


class SplitForm(BootstrapMixin, forms.Form):
    members = MemberChoices(
        queryset=HouseholdMember.objects.none(), label=_("分出的成员"), widget=forms.CheckboxSelectMultiple
    )
    head = HeadChoice(queryset=HouseholdMember.objects.none(), label=_("新户户主"), help_text=_("须为分出的成员之一"))
    household_no = forms.CharField(
        label=_("新户户编号"), required=False, max_length=32, help_text=_("留空则按本村户编号顺序自动编号")
    )
    on = forms.DateField(label=_("分户日期"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("分户原因"), widget=REASON, max_length=500)

    def __init__(self, *args: Any, present: QuerySet[HouseholdMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("members", "head"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = present


class MergeForm(BootstrapMixin, forms.Form):
    survivor_no = forms.CharField(
        label=_("并入农户的户编号"), max_length=32, help_text=_("本户成员、收入和在办事项并入该户，本户注销")
    )
    on = forms.DateField(label=_("并户日期"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("并户原因"), widget=REASON, max_length=500)


class VillageMergeForm(BootstrapMixin, forms.Form):
    successor = AreaChoiceField(
        queryset=AdminArea.objects.none(),
        label=_("并入村"),
        required=False,
        help_text=_("该村已撤并时自动采用登记的并入村"),
    )
    on = forms.DateField(label=_("撤并日期"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("迁转原因"), widget=REASON, max_length=500)

    def __init__(self, *args: Any, villages: QuerySet[AdminArea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["successor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = villages
