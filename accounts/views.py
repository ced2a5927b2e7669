"""A user's own account: changing the password (also the forced change at a provisioned account's first login)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from accounts.models import User


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
