from typing import Any

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "防返贫动态监测"

    def ready(self) -> None:
        from households.facts import register
        from households.services.registry import household_closed
        from monitoring.facts import MonitoringFacts

        register(MonitoringFacts())
        household_closed.connect(_household_closed, dispatch_uid="monitoring.subject_close_for_household")


def _household_closed(sender: Any, *, household: Any, actor: Any, **kwargs: Any) -> None:
    """A household left the registry: its monitoring ends with it, in the same transaction (SPEC §4.11)."""
    from monitoring.services.closing import subject_close_for_household

    subject_close_for_household(household=household, actor=actor)
