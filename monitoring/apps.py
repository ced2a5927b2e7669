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
        from households.facts import watch
        from monitoring.models import EntryApplication, MonitoringSubject

        watch(MonitoringSubject, EntryApplication)  # the inputs of MonitoringFacts
        household_closed.connect(_household_closed, dispatch_uid="monitoring.subject_close_for_household")
        # A merge (并户) moves the absorbed household's open cases to the survivor, and is refused when both have
        # open monitoring (monitoring.services.household_life).
        from households.services.life import register_merge_checks
        from households.signals import households_merged
        from monitoring.services.household_life import merge_checks

        register_merge_checks(merge_checks)
        households_merged.connect(_households_merged, dispatch_uid="monitoring.cases_follow_merge")


def _household_closed(sender: Any, *, household: Any, actor: Any, **kwargs: Any) -> None:
    """A household left the registry: its monitoring ends with it, in the same transaction (SPEC §4.11)."""
    from monitoring.services.closing import subject_close_for_household

    subject_close_for_household(household=household, actor=actor)


def _households_merged(sender: Any, *, absorbed: Any, survivor: Any, actor: Any, **kwargs: Any) -> dict[str, Any]:
    """A household joined another (并户): its open cases go with it, in the same transaction (SPEC §2.6, §4.6)."""
    from monitoring.services.household_life import cases_follow_merge

    return cases_follow_merge(absorbed=absorbed, survivor=survivor, actor=actor)
