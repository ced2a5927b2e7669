from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, BootstrapMixin
from core.uploads import attachment_size
from monitoring.choices import SubjectCategory, TriggerCondition
from sweeps.choices import (
    STARTABLE_SWEEP_KINDS,
    ChecklistAnswer,
    RiskEventKind,
    SweepKind,
    WarningDisposition,
)

STARTABLE_KINDS = [(kind.value, kind.label) for kind in STARTABLE_SWEEP_KINDS]


class StartForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("排查类型"), choices=STARTABLE_KINDS, initial=SweepKind.CENTRALIZED)
    county = forms.ChoiceField(label=_("县"), choices=())

    def __init__(self, *args: Any, counties: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["county"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(county.code, county.name) for county in counties]


class AssignForm(BootstrapMixin, forms.Form):
    unit = forms.CharField(label=_("责任单位"), max_length=100)
    person = forms.ChoiceField(label=_("责任人"), required=False, choices=())
    deadline = forms.DateField(label=_("整改期限"), widget=DATE, required=False)
    comment = forms.CharField(label=_("交办意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, people: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *((str(p.pk), f"{p}（{p.area.name if p.area else ''}）") for p in people)]


class CommentForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SubmitForm(BootstrapMixin, forms.Form):
    measures_taken = forms.CharField(label=_("整改措施及成效"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("佐证材料"), required=False, validators=[attachment_size])


class CloseForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("核验意见"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("核验材料"), required=False, validators=[attachment_size])


class UploadForm(BootstrapMixin, forms.Form):
    period = forms.CharField(label=_("筛查期"), max_length=7, help_text=_("如 2026-Q3（第三季度）"))
    file = forms.FileField(label=_("筛查名单（.xlsx）"))


class DisposeForm(BootstrapMixin, forms.Form):
    disposition = forms.ChoiceField(label=_("处置结果"), choices=WarningDisposition.choices)
    note = forms.CharField(label=_("核实情况"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(
        label=_("拟定监测类别"), choices=[("", "—"), *SubjectCategory.choices], required=False,
        help_text=_("仅“启动纳入监测”时填写"),
    )  # fmt: skip
    triggers = forms.MultipleChoiceField(
        label=_("界定条件"), choices=TriggerCondition.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("跟进情况"), widget=forms.Textarea(attrs={"rows": 2}))


class CampaignForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("排查名称"), max_length=100)
    kind = forms.ChoiceField(label=_("排查类型"), choices=STARTABLE_KINDS, initial=SweepKind.CENTRALIZED)
    county = forms.ChoiceField(label=_("县"), choices=())
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)

    def __init__(self, *args: Any, counties: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["county"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(county.code, county.name) for county in counties]


class AnswerForm(BootstrapMixin, forms.Form):
    answer = forms.ChoiceField(label=_("结论"), choices=ChecklistAnswer.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    evidence = forms.FileField(label=_("佐证材料"), required=False, validators=[attachment_size])


class SignForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("签收意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RiskEventForm(BootstrapMixin, forms.Form):
    """A large-scale risk event (SPEC §4.12): the areas are the townships and villages of the user's counties."""

    county = forms.ChoiceField(label=_("县"), choices=())
    kind = forms.ChoiceField(label=_("事件类型"), choices=RiskEventKind.choices)
    name = forms.CharField(label=_("事件名称"), max_length=100)
    areas = forms.MultipleChoiceField(
        label=_("影响范围（乡镇、村）"),
        choices=(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("可多选；选乡镇即包括其下所有村"),
    )
    starts_on = forms.DateField(label=_("发生日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE, required=False)
    estimated_loss = forms.DecimalField(
        label=_("估计损失（元）"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    description = forms.CharField(label=_("事件情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    plan = forms.FileField(label=_("应急预案"), required=False, validators=[attachment_size])

    def __init__(self, *args: Any, counties: Any = (), areas: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = self.fields["county"]
        assert isinstance(county, forms.ChoiceField)
        county.choices = [(c.code, c.name) for c in counties]
        covered = self.fields["areas"]
        assert isinstance(covered, forms.MultipleChoiceField)
        covered.choices = [(a.code, f"{a.parent.name} · {a.name}" if a.level == "village" else a.name) for a in areas]
