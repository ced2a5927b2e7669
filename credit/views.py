"""Microcredit pages (SPEC §11.1): the loans of the user's area, a loan with its repayments, subsidy by year and
history, a household's loans, and the forms that sign a loan and record a repayment (STYLE rule 18: thin views)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from accounts.http import AuthenticatedHttpRequest
from core.errors import DomainError
from credit import facts, permissions, selectors, services
from credit.choices import OPEN_STATUSES, LoanKind, LoanStatus
from credit.forms import LoanForm, ReasonForm, RepaymentForm
from credit.models import MicroLoan
from geo.mixins import JurisdictionScopedMixin
from geo.shortcuts import get_visible_or_404, scoped_view
from households.choices import MemberStatus
from households.models import Household
from monitoring.choices import OPEN_SUBJECT_STATUSES, MeasureType
from monitoring.models import AssistanceMeasure


def _filter(request: AuthenticatedHttpRequest) -> selectors.LoanFilter:
    return selectors.LoanFilter(
        status=request.GET.get("status", ""),
        kind=request.GET.get("kind", ""),
        bank=request.GET.get("bank", "").strip(),
        overdue=request.GET.get("overdue") == "1",
        query=request.GET.get("q", "").strip(),
    )


def _show_errors(form: Any, exc: DomainError) -> None:
    """A refusal under the fields it names (every one), or above the form."""
    errors = getattr(exc, "errors", None) or {exc.field or "": [exc.message]}
    for name, reasons in errors.items():
        for reason in reasons:
            form.add_error(name if name in form.fields else None, reason)


class LoanListView(JurisdictionScopedMixin, ListView[MicroLoan]):
    """名单制管理 (003 L1568): the loans of the user's area, by status, kind, bank and overdue."""

    model = MicroLoan
    paginate_by = 25
    template_name = "credit/loan_list.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not permissions.can_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def scope_queryset(self, queryset: QuerySet[MicroLoan]) -> QuerySet[MicroLoan]:
        return selectors.loan_list_narrow(queryset, chosen=_filter(self.request), on=timezone.localdate())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            chosen=_filter(self.request),
            statuses=LoanStatus.choices,
            kinds=LoanKind.choices,
            rows=[
                (
                    loan,
                    facts.balance(loan),
                    LoanStatus(facts.status_shown(loan, today)),
                    facts.days_overdue(loan, today),
                )
                for loan in context["object_list"]
            ],
        )
        return context


class LoanDetailView(JurisdictionScopedMixin, DetailView[MicroLoan]):
    model = MicroLoan
    template_name = "credit/loan_detail.html"

    def scope_queryset(self, queryset: QuerySet[MicroLoan]) -> QuerySet[MicroLoan]:
        return queryset.select_related(
            "household__managing_area__parent", "borrower", "previous", "measure", "created_by"
        ).prefetch_related("repayments", "events__actor")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        loan: MicroLoan = self.object
        today = timezone.localdate()
        can_manage = permissions.can_manage(self.request.user, loan.household)
        is_open = loan.status in OPEN_STATUSES
        context.update(
            balance=facts.balance(loan),
            status_shown=LoanStatus(facts.status_shown(loan, today)),
            days_overdue=facts.days_overdue(loan, today),
            subsidy=services.subsidy_by_year(loan),
            history=selectors.loan_changes(loan),
            can_manage=can_manage,
            can_repay=can_manage and is_open,
            can_extend=can_manage and is_open,
            can_renew=can_manage and loan.status == LoanStatus.REPAID,
            can_blacklist=can_manage and not loan.blacklisted and loan.maturity < today and loan.status != "repaid",
            repayment_form=RepaymentForm(initial={"paid_on": today}),
            reason_form=ReasonForm(),
        )
        return context


def _loan_form(request: AuthenticatedHttpRequest, household: Household) -> LoanForm:
    members = household.members.filter(member_status=MemberStatus.PRESENT).order_by("pk")
    loans = MicroLoan.objects.filter(household=household).order_by("-signed_on")
    measures = AssistanceMeasure.objects.filter(
        subject__household=household,
        subject__status__in=sorted(OPEN_SUBJECT_STATUSES),
        measure_type=MeasureType.FINANCE,
        subtype="microcredit",
        micro_loan__isnull=True,
    )
    initial: dict[str, Any] = {"borrower": household.head_id, "signed_on": timezone.localdate()}
    previous = (
        loans.filter(pk=request.GET.get("previous") or 0).first() if request.GET.get("previous", "").isdigit() else None
    )
    if previous is not None:
        initial.update(previous=previous.pk, borrower=previous.borrower_id, bank=previous.bank, rate=previous.rate,
                       lpr=previous.lpr, purpose=previous.purpose)  # fmt: skip
        if previous.status in OPEN_STATUSES:
            initial.update(kind=LoanKind.EXTENSION, amount=facts.balance(previous))
        else:
            initial.update(kind=LoanKind.RENEWAL)
    return LoanForm(request.POST or None, members=members, loans=loans, measures=measures, initial=initial)


@scoped_view(model=Household)
def household_loans(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A household's loans, from its page."""
    household = get_visible_or_404(Household, request.user, pk=pk)
    if not permissions.can_view(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    loans = MicroLoan.objects.visible_to(request.user).filter(household=household).prefetch_related("repayments")
    rows = [(loan, facts.balance(loan), LoanStatus(facts.status_shown(loan, today))) for loan in loans]
    return render(
        request,
        "credit/household_loans.html",
        {"household": household, "rows": rows, "can_manage": permissions.can_manage(request.user, household)},
    )


@scoped_view(model=Household)
def loan_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """签订贷款: a loan of the household (new, top-up, renewal or extension)."""
    household = get_visible_or_404(Household, request.user, pk=pk)
    if not permissions.can_manage(request.user, household):
        raise PermissionDenied
    form = _loan_form(request, household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            loan = services.loan_sign(
                actor=request.user,
                household=household,
                data=services.LoanInput(
                    borrower=data["borrower"],
                    bank=data["bank"],
                    contract_no=data["contract_no"],
                    amount=data["amount"],
                    signed_on=data["signed_on"],
                    maturity=data["maturity"],
                    rate=data["rate"],
                    lpr=data["lpr"],
                    purpose=data["purpose"],
                    kind=data["kind"],
                    purpose_note=data["purpose_note"],
                    previous=data["previous"],
                    guaranteed=data["guaranteed"],
                    company_use=data["company_use"],
                    measure=data["measure"],
                ),
            )
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("贷款合同已登记"))
            return redirect(loan)
    return render(request, "credit/loan_form.html", {"form": form, "household": household})


@scoped_view(model=MicroLoan)
def repayment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """还款登记."""
    loan = get_visible_or_404(MicroLoan, request.user, pk=pk)
    if not permissions.can_manage(request.user, loan.household):
        raise PermissionDenied
    form = RepaymentForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_repay(actor=request.user, loan=loan, **form.cleaned_data)
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("还款已登记"))
            return redirect(loan)
    return render(request, "credit/repayment_form.html", {"form": form, "loan": loan})


def _command(request: AuthenticatedHttpRequest, pk: int, step: Any, done: str) -> HttpResponse:
    loan = get_visible_or_404(MicroLoan, request.user, pk=pk)
    if not permissions.can_manage(request.user, loan.household):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写原因"))
        return redirect(loan)
    try:
        step(actor=request.user, loan=loan, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(loan)


@require_POST
@scoped_view(model=MicroLoan, post_only=True)
def loan_convert(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """NR-LOAN-11: convert to an ordinary farmer loan."""
    return _command(request, pk, services.loan_convert, _("已转为普通农户贷款"))


@require_POST
@scoped_view(model=MicroLoan, post_only=True)
def loan_write_off(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _command(request, pk, services.loan_write_off, _("贷款已核销"))


@require_POST
@scoped_view(model=MicroLoan, post_only=True)
def loan_blacklist(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """NR-LOAN-11: list a malicious defaulter."""
    return _command(request, pk, services.loan_blacklist, _("已列入失信名单"))
