from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts.views import PasswordChangeView
from geo.shortcuts import not_place_bound

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", not_place_bound(PasswordChangeView.as_view()), name="password-change"),
]

if settings.EMAIL_URL:  # a reset link needs a mail server; without one an administrator sets a new password
    urlpatterns += [
        path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
        path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
        path(
            "password/reset/<uidb64>/<token>/",
            auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("password_reset_complete")),
            name="password_reset_confirm",
        ),
        path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    ]
