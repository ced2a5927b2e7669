from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import Department
from core.forms import DATE, BootstrapMixin
from core.uploads import attachment_size
from monitoring.choices import (
    MEASURE_SUBTYPES,
    IdentificationChannel,
    LookbackOutcome,
    MeasureFunding,
    MeasureStatus,
    MeasureTiming,
    MeasureType,
    NegativeListItem,
    ReviewBody,
    RiskType,
    SubjectCategory,
    TriggerCondition,
)

TriggerChoices = list[tuple[str, str, str, bool]]  # (code, label, category, suggested by the data)


def _offer_triggers(form: forms.Form, choices: TriggerChoices, *, ticked: list[str]) -> None:
    """Show only the region profile's trigger conditions (SPEC §4.2, ``selectors.trigger_choices``), mark those the
    household's data suggests, and tick ``ticked`` on an unbound form."""
    hint = _("（数据提示）")
    field = form.fields["triggers"]
    assert isinstance(field, forms.MultipleChoiceField)
    field.choices = [(code, f"{label}{hint}" if suggested else label) for code, label, _of, suggested in choices]
    if not form.is_bound:
        form.initial["triggers"] = ticked


class ReportForm(BootstrapMixin, forms.Form):
    channel = forms.ChoiceField(label=_("识别渠道"), choices=IdentificationChannel.choices)
    sub_channel = forms.CharField(label=_("具体方式"), max_length=32, required=False)
    proposed_category = forms.ChoiceField(label=_("拟定类别"), choices=SubjectCategory.choices)
    risk_types = forms.MultipleChoiceField(
        label=_("风险类型"), choices=RiskType.choices, widget=forms.CheckboxSelectMultiple
    )
    triggers = forms.MultipleChoiceField(
        label=_("界定条件"),
        choices=TriggerCondition.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("UE：脱贫不稳定户；MA：边缘易致贫户；SH：突发严重困难户。标“数据提示”的由档案数据推出，请核实。"),
    )
    trigger_evidence = forms.CharField(
        label=_("界定条件佐证"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("如：医院诊断证明、灾情核定、经营亏损情况。"),
    )
    reason = forms.CharField(label=_("申报理由"), widget=forms.Textarea(attrs={"rows": 3}))
    consent_given = forms.BooleanField(label=_("农户已承诺授权查询家庭情况"), required=False)

    def __init__(self, *args: Any, trigger_choices: TriggerChoices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if trigger_choices is not None:
            category = self.initial.get("proposed_category")
            suggested = [code for code, _label, of, hint in trigger_choices if hint and of == category]
            _offer_triggers(self, trigger_choices, ticked=suggested)


class CommentForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReviewForm(BootstrapMixin, forms.Form):
    held_on = forms.DateField(label=_("评议日期"), widget=DATE)
    body = forms.ChoiceField(label=_("评议组织"), choices=ReviewBody.choices)
    participants_count = forms.IntegerField(label=_("参会人数"), min_value=1)
    representatives_present = forms.IntegerField(label=_("到会村民代表数"), min_value=0)
    votes_for = forms.IntegerField(label=_("赞成票"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对票"), min_value=0)
    attendees = forms.CharField(label=_("参会人员及身份（每行一人）"), widget=forms.Textarea(attrs={"rows": 3}))
    objections = forms.CharField(label=_("主要意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    minutes_file = forms.FileField(label=_("会议记录"), required=False, validators=[attachment_size])


class NoticeForm(BootstrapMixin, forms.Form):
    places = forms.CharField(label=_("公示地点"), max_length=200)
    starts_on = forms.DateField(label=_("公示开始"), widget=DATE)
    ends_on = forms.DateField(label=_("公示结束"), widget=DATE)
    photo = forms.FileField(label=_("公示照片"), required=False, validators=[attachment_size])


class ObjectionForm(BootstrapMixin, forms.Form):
    received_on = forms.DateField(label=_("收到日期"), widget=DATE)
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(BootstrapMixin, forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    handling = forms.CharField(label=_("处理情况"), widget=forms.Textarea(attrs={"rows": 2}))
    upheld = forms.BooleanField(label=_("异议成立"), required=False)


class VerifyForm(BootstrapMixin, forms.Form):
    """EN-1: the village confirms or corrects the trigger conditions with their evidence (SPEC §4.6)."""

    triggers = forms.MultipleChoiceField(
        label=_("核实的界定条件"), choices=TriggerCondition.choices, widget=forms.CheckboxSelectMultiple
    )
    trigger_evidence = forms.CharField(
        label=_("界定条件佐证"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    comment = forms.CharField(label=_("核实意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(
        self, *args: Any, application: Any = None, trigger_choices: TriggerChoices | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if application is not None and not self.is_bound:
            self.initial["trigger_evidence"] = application.trigger_evidence
        if trigger_choices is not None and application is not None:
            allowed = [row for row in trigger_choices if row[2] == application.proposed_category]
            _offer_triggers(self, allowed, ticked=list(application.triggers))


class ApproveForm(BootstrapMixin, forms.Form):
    category = forms.ChoiceField(label=_("监测类别"), choices=SubjectCategory.choices)
    risk_types = forms.MultipleChoiceField(
        label=_("风险类型"), choices=RiskType.choices, widget=forms.CheckboxSelectMultiple
    )
    triggers = forms.MultipleChoiceField(
        label=_("界定条件"), choices=TriggerCondition.choices, widget=forms.CheckboxSelectMultiple
    )
    decision_no = forms.CharField(label=_("批准文号"), max_length=100, required=False)
    comment = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(
        self, *args: Any, application: Any = None, trigger_choices: TriggerChoices | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if application is not None and not self.is_bound:
            self.initial.update(category=application.proposed_category, risk_types=application.risk_types)
        if trigger_choices is not None and application is not None:
            _offer_triggers(self, trigger_choices, ticked=list(application.triggers))


class NegativeHitForm(BootstrapMixin, forms.Form):
    item = forms.ChoiceField(label=_("负面清单情形"), choices=NegativeListItem.choices)
    evidence = forms.CharField(label=_("情况及佐证"), widget=forms.Textarea(attrs={"rows": 2}))


class NegativeOverrideForm(BootstrapMixin, forms.Form):
    """A county override answers one negative-list hit (SPEC §4.7); the page offers the hits still unanswered."""

    item = forms.ChoiceField(label=_("放行的负面清单情形"), choices=NegativeListItem.choices)
    comment = forms.CharField(label=_("放行理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, waiting: Iterable[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if waiting is not None:
            field = self.fields["item"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(hit.item, f"{hit.item} {hit.get_item_display()}") for hit in waiting]


class MeasureForm(BootstrapMixin, forms.Form):
    measure_type = forms.ChoiceField(label=_("措施类型"), choices=MeasureType.choices)
    subtype = forms.ChoiceField(label=_("具体措施"), required=False)
    timing = forms.ChoiceField(label=_("性质"), choices=MeasureTiming.choices)
    funding_source = forms.ChoiceField(label=_("资金来源"), choices=MeasureFunding.choices)
    responsible_department = forms.ChoiceField(label=_("责任部门"), choices=Department.choices)
    responsible_person = forms.CharField(label=_("责任人"), max_length=50, required=False)
    description = forms.CharField(label=_("措施内容"), max_length=200)
    started_on = forms.DateField(label=_("开始日期"), widget=DATE)
    amount_yuan = forms.DecimalField(label=_("金额（元）"), max_digits=12, decimal_places=2, required=False)
    risks = forms.TypedMultipleChoiceField(
        label=_("应对的风险"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("措施见效（登记为“已落实”并填写成效）时，所选风险随之消除。"),
    )

    def __init__(self, *args: Any, risk_choices: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if risk_choices:  # the household's open risks (SPEC §4.3); none open, no question
            risks: Any = self.fields["risks"]
            risks.choices = list(risk_choices)
        else:
            del self.fields["risks"]
        subtype: Any = self.fields["subtype"]
        subtype.choices = [("", "—")] + [
            (code, f"{MeasureType(kind).label} · {label}")
            for kind, options in MEASURE_SUBTYPES.items()
            for code, label in options.items()
        ]


class MeasureStatusForm(BootstrapMixin, forms.Form):
    measure = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("状态"), choices=MeasureStatus.choices)
    outcome_note = forms.CharField(label=_("帮扶成效/原因"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    ended_on = forms.DateField(label=_("结束日期"), widget=DATE, required=False)


class ProposalForm(BootstrapMixin, forms.Form):
    proposal = forms.CharField(label=_("发起理由"), widget=forms.Textarea(attrs={"rows": 2}))


class TownshipMeetingForm(BootstrapMixin, forms.Form):
    meeting_on = forms.DateField(label=_("会议日期"), widget=DATE)
    opinion = forms.CharField(label=_("会议审核意见"), widget=forms.Textarea(attrs={"rows": 2}))
    minutes_file = forms.FileField(label=_("会议记录"), required=False, validators=[attachment_size])


class DecideForm(BootstrapMixin, forms.Form):
    meeting_on = forms.DateField(label=_("专题会议日期"), widget=DATE)
    decision_no = forms.CharField(label=_("审定文号"), max_length=100)
    places = forms.CharField(label=_("公告地点"), max_length=200)
    starts_on = forms.DateField(label=_("公告开始"), widget=DATE)
    ends_on = forms.DateField(label=_("公告结束"), widget=DATE)
    photo = forms.FileField(label=_("公告照片"), required=False, validators=[attachment_size])


class LookbackForm(BootstrapMixin, forms.Form):
    review = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("核查结论"), choices=LookbackOutcome.choices)
    note = forms.CharField(label=_("核查情况"), widget=forms.Textarea(attrs={"rows": 2}))
    triggers = forms.MultipleChoiceField(
        label=_("重新纳入的界定条件"),
        choices=TriggerCondition.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("仅“返回监测”时需要；不选则沿用上次监测的界定条件。"),
    )


# ---------------------------------------------------------------------------------------------------- batches


class BatchReviewForm(ReviewForm):
    """The meeting of a batch democratic review (SPEC §4.6 EN-2, §4.8 EL-2), held once for the village: date,
    body, attendance and minutes. The votes and objections are each case's (``BatchCaseForm``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("votes_for", "votes_against", "objections"):
            del self.fields[name]


class BatchApproveForm(BootstrapMixin, forms.Form):
    """What a county decision shares across its batch (SPEC §4.6 EN-5); each case's category and outcome are its
    own."""

    decision_no = forms.CharField(label=_("批准文号"), max_length=100, required=False)
    comment = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class BatchCaseForm(forms.Form):
    """What is filled for one case of a batch (``BatchStep.per_case``): its votes at the review, or the decision on
    it, a category where the county approves, and the reason a return, a rejection or a "not eliminated" needs."""

    votes_for = forms.IntegerField(label=_("赞成票"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对票"), min_value=0)
    objections = forms.CharField(label=_("主要意见"), max_length=500, required=False)
    outcome = forms.ChoiceField(label=_("办理结果"))
    category = forms.ChoiceField(label=_("监测类别"), choices=SubjectCategory.choices)
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)

    # How wide each field is in a case's row: stacked on a phone with the short fields in pairs, one line of the
    # table on a laptop (the household takes the first four twelfths, ``batch.html``).
    COLUMNS = {
        "votes_for": "col-6 col-lg-2",
        "votes_against": "col-6 col-lg-2",
        "objections": "col-12 col-lg",
        "outcome": "col-6 col-lg-2",
        "category": "col-6 col-lg-2",
        "reason": "col-12 col-lg",
    }

    def __init__(
        self,
        *args: Any,
        per_case: tuple[str, ...],
        outcomes: tuple[tuple[str, Any], ...] = (),
        household: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in per_case:
                del self.fields[name]
        if "outcome" in self.fields:
            outcome: Any = self.fields["outcome"]
            outcome.choices = list(outcomes)
            self.initial.setdefault("outcome", outcomes[0][0])
        if "reason" in self.fields:  # "选“退回乡镇”或“不予纳入”时必填": the outcomes whose service needs a reason
            needing = "或".join(f"“{label}”" for _code, label in outcomes[1:])
            self.fields["reason"].widget.attrs["placeholder"] = _("选%(outcomes)s时必填") % {"outcomes": needing}
        for field in self.fields.values():
            widget = field.widget
            small = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs["class"] = small
            widget.attrs["aria-label"] = f"{household} {field.label}"  # the row's household, for screen readers
            if isinstance(field, forms.IntegerField):
                widget.attrs["inputmode"] = "numeric"

    def columns(self) -> list[tuple[forms.BoundField, str]]:
        return [(self[name], self.COLUMNS[name]) for name in self.fields]
