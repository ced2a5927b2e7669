from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与角色"

    def ready(self) -> None:
        from accounts import (
            sessions,  # noqa: F401  # the login stamp and the token revocation at logout
            twofactor,  # noqa: F401  # the check of TWO_FACTOR_REQUIRED_ROLES
        )
