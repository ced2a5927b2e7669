from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views
from accounts.views import LogoutView, PasswordChangeView
from geo.shortcuts import not_place_bound

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("password/", not_place_bound(PasswordChangeView.as_view()), name="password-change"),
    path("2fa/", views.two_factor_setup, name="two-factor-setup"),
    path("2fa/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("2fa/remove/", views.two_factor_remove, name="two-factor-remove"),
    # The county's account administration (README "Security model").
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/disable/", views.user_disable, name="user-disable"),
    path("users/<int:pk>/enable/", views.user_enable, name="user-enable"),
    path("users/<int:pk>/password/", views.user_password_reset, name="user-password-reset"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user-unlock"),
    path("users/<int:pk>/two-factor/", views.user_two_factor_reset, name="user-two-factor-reset"),
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
