from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "防返贫动态监测"

    def ready(self) -> None:
        from households.facts import register
        from monitoring.facts import MonitoringFacts

        register(MonitoringFacts())
