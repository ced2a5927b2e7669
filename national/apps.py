from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "national"
    verbose_name = "全国系统录入"

    def ready(self) -> None:
        # The subject page (monitoring, below this app) shows its national entries through the panel registry
        # rather than importing this app.
        from monitoring.panels import register
        from national.panels import entries_panel

        register(entries_panel)
