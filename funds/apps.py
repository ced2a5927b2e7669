from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = "衔接资金"

    def ready(self) -> None:
        from funds.panels import allocations_panel
        from projects.panels import register

        register(allocations_panel)
