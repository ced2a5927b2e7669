"""A user's own account: changing the password (also the forced change at a provisioned account's first login);
and the account administration of a county (README "Security model"): open, change, disable an account, reset
its password or lift its lockout, each one audited ``AccountEvent``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login

from accounts import selectors, services, twofactor
from accounts.forms import AccountChangeForm, AccountCreateForm, AccountFilterForm, ReasonForm
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from core.errors import DomainError
from geo.shortcuts import not_place_bound, scoped_view


class LogoutView(auth_views.LogoutView):
    """Django's logout, which also tells the browser to delete what this site stored on the device
    (``Clear-Site-Data: "storage"``): the households and visits the offline app keeps in IndexedDB and its service
    worker's cache leave the phone with the login (issue "Visits without signal", item 2)."""

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, the new one twice, the validators of settings), in the house's
    page; the new password ends every API token of the old one (``User.save``) and lifts the forced change."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        User.objects.filter(pk=form.user.pk).update(must_change_password=False)
        messages.success(self.request, _("密码已修改"))
        return response


# ------------------------------------------------------------ account administration by area (README "Security model")


def _require_manager(request: AuthenticatedHttpRequest) -> None:
    if not selectors.can_manage_users(request.user):
        raise PermissionDenied


def _account_or_404(request: AuthenticatedHttpRequest, pk: int) -> User:
    """An account of the administrator's territory; any other (or a missing one) is the same 404."""
    return get_object_or_404(User.objects.manageable_by(request.user), pk=pk)


def _form_refused(form: Any, exc: DomainError) -> None:
    problems = getattr(exc, "problems", None) or [(exc.field, exc.message)]
    for field, message in problems:
        form.add_error(field if field in form.fields else None, message)


def _one_time_password(
    request: AuthenticatedHttpRequest, account: User, password: str, *, opened: bool
) -> HttpResponse:
    """The new account's (or the reset) password, shown once on this page and never stored or sent anywhere else."""
    response = render(
        request, "accounts/one_time_password.html", {"account": account, "password": password, "opened": opened}
    )
    response["Cache-Control"] = "no-store"
    return response


@scoped_view
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = AccountFilterForm(request.GET or None, actor=request.user)
    chosen = selectors.AccountFilter()
    if form.is_valid():
        data = form.cleaned_data
        chosen = selectors.AccountFilter(q=data["q"].strip(), role=data["role"], state=data["state"])
    page = Paginator(selectors.accounts_for(request.user, chosen), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/user_list.html", {"form": form, "page": page, "query": query.urlencode()})


@scoped_view
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = AccountCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = services.temporary_password()
        try:
            account = services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                unit_name=data["unit_name"],
                role_codes=data["roles"],
                area_code=data["area"].code,
                department=data["department"],
                password=password,
            )
        except DomainError as exc:
            _form_refused(form, exc)
        else:
            return _one_time_password(request, account, password, opened=True)
    return render(request, "accounts/user_form.html", {"form": form})


@scoped_view(model=User)
def user_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(request, pk)
    initial = {
        "full_name": account.get_full_name(),
        "phone": account.phone,
        "unit_name": account.unit_name,
        "area": account.area,
        "roles": [role.value for role in account.roles],
        "department": account.department,
    }
    form = AccountChangeForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.user_update(
                actor=request.user,
                user=account,
                full_name=data["full_name"],
                phone=data["phone"],
                unit_name=data["unit_name"],
                role_codes=data["roles"],
                area_code=data["area"].code,
                department=data["department"],
                reason=data["reason"],
            )
        except DomainError as exc:
            _form_refused(form, exc)
        else:
            messages.success(request, _("账号已修改") if event else _("没有修改任何内容"))
            return redirect("user-detail", pk=account.pk)
    context = {
        "account": account,
        "form": form,
        "reason_form": ReasonForm(),
        "locked": services.is_locked_out(account),
        "two_factor": twofactor.confirmed_device(account) is not None,
        "events": selectors.account_events(request.user, account)[:50],
        "is_self": account.pk == request.user.pk,
    }
    return render(request, "accounts/user_detail.html", context)


def _account_command(
    request: AuthenticatedHttpRequest, pk: int, run: Callable[[User, str], object], done: str
) -> HttpResponse:
    account = _account_or_404(request, pk)
    if request.method != "POST":
        return redirect("user-detail", pk=account.pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        run(account, reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("user-detail", pk=account.pk)


@scoped_view(model=User, post_only=True)
def user_disable(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def run(account: User, reason: str) -> object:
        return services.user_disable(actor=request.user, user=account, reason=reason)

    return _account_command(request, pk, run, _("账号已停用：不能再登录，已签发的接口令牌同时作废"))


@scoped_view(model=User, post_only=True)
def user_enable(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def run(account: User, reason: str) -> object:
        return services.user_enable(actor=request.user, user=account, reason=reason)

    return _account_command(request, pk, run, _("账号已启用"))


@scoped_view(model=User, post_only=True)
def user_unlock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def run(account: User, reason: str) -> object:
        return services.user_unlock(actor=request.user, user=account)

    return _account_command(request, pk, run, _("已解除登录锁定"))


@scoped_view(model=User, post_only=True)
def user_two_factor_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def run(account: User, reason: str) -> object:
        return services.user_two_factor_reset(actor=request.user, user=account)

    return _account_command(request, pk, run, _("已重置两步验证：本人下次登录只需密码，随后可在新手机上重新添加"))


@scoped_view(model=User, post_only=True)
def user_password_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(request, pk)
    if request.method != "POST":
        return redirect("user-detail", pk=account.pk)
    try:
        password = services.user_password_reset(actor=request.user, user=account)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("user-detail", pk=account.pk)
    return _one_time_password(request, account, password, opened=False)


# ------------------------------------------------------------- two-factor sign-in (README "Security model")


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )


def _next_or_home(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if target and allowed else reverse("home")


@not_place_bound
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add a phone authenticator: scan the QR code (or type the secret), then give the first code."""
    confirmed = twofactor.confirmed_device(request.user)
    required = twofactor.required_for(request.user)
    if confirmed is not None:
        return render(request, "accounts/two_factor.html", {"confirmed": confirmed, "required": required})
    device = twofactor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.confirm(device, form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("两步验证已启用：以后登录时，输入密码后还要输入手机验证器上的验证码"))
            return redirect(_next_or_home(request))
        form.add_error("token", _("验证码不正确：请确认手机时间准确，并输入验证器上当前显示的 6 位数字"))
    context = {
        "form": form,
        "required": required,
        "qr_svg": mark_safe(twofactor.qr_svg(device)),  # noqa: S308  # segno's own SVG markup, no user input
        "secret": twofactor.secret_of(device),
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/two_factor.html", context)


@not_place_bound
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of signing in: the current code of the user's authenticator."""
    if twofactor.confirmed_device(request.user) is None:
        return redirect("two-factor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_or_home(request))
        form.add_error("token", _("验证码不正确或已过期，请输入验证器上当前显示的 6 位数字"))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": request.GET.get("next", "")})


@not_place_bound
def two_factor_remove(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off (not where the settings require it)."""
    if request.method == "POST":
        if twofactor.required_for(request.user):
            messages.error(request, _("您的账号必须使用两步验证，不能停用；换手机请联系本县账号管理员重置"))
        else:
            twofactor.remove(request.user)
            messages.success(request, _("两步验证已停用"))
    return redirect("two-factor-setup")
