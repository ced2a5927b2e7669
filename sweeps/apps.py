from typing import Any

from django.apps import AppConfig


class SweepsConfig(AppConfig):
    name = "sweeps"
    verbose_name = "四查四补"

    def ready(self) -> None:
        # Open department warnings stop risk elimination (SPEC §4.8 EL-5): monitoring, below this app, reads the
        # check through its registry rather than importing sweeps.
        from households.services.visits import visit_recorded
        from households.signals import household_areas_changed, household_members_moved, households_merged
        from monitoring.selectors.eligibility import register_exit_checks
        from monitoring.selectors.suggestions import register_identification_hints
        from sweeps.selectors import risk_event_hints, warning_exit_checks

        register_exit_checks(warning_exit_checks)
        # The risk events that hit a household suggest identifying it (SPEC §4.2 UE-2/UE-3, §4.12).
        register_identification_hints(risk_event_hints)
        visit_recorded.connect(_visit_recorded, dispatch_uid="sweeps.event_problems_close_on_visit")
        # Open problems and warnings follow their household's transfers, splits and merges (sweeps.services.follow).
        household_areas_changed.connect(_areas_changed, dispatch_uid="sweeps.problems_follow_households")
        household_members_moved.connect(_members_moved, dispatch_uid="sweeps.items_follow_members")
        households_merged.connect(_households_merged, dispatch_uid="sweeps.items_follow_merge")


def _visit_recorded(sender: Any, *, visit: Any, actor: Any, **kwargs: Any) -> None:
    """A visit after a disaster settles the household's "灾后未及时走访" problem, in its transaction (SPEC §4.12)."""
    from sweeps.services.events import event_problems_close_on_visit

    event_problems_close_on_visit(visit=visit, actor=actor)


def _areas_changed(sender: Any, *, household_ids: list[int], **kwargs: Any) -> None:
    """Households moved (a transfer, a merged village): their open problems move with them (SPEC §7.5)."""
    from sweeps.services.follow import problems_follow_households

    problems_follow_households(household_ids=household_ids)


def _members_moved(sender: Any, *, source: Any, target: Any, members: dict[int, int], **kwargs: Any) -> None:
    """Members moved in a split or a merge: their open problems and warnings follow them (SPEC §6.5, §7.5)."""
    from sweeps.services.follow import items_follow_members

    items_follow_members(source=source, target=target, members=members)


def _households_merged(sender: Any, *, absorbed: Any, survivor: Any, **kwargs: Any) -> dict[str, Any]:
    """A household joined another: its own open problems and warnings go to the survivor."""
    from sweeps.services.follow import items_follow_merge

    moved = items_follow_merge(absorbed=absorbed, survivor=survivor)
    return {"problems": moved["problems"], "warnings": moved["warnings"]}
