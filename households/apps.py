from typing import Any

from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = "农户档案"

    def ready(self) -> None:
        from accounts.grants import pairing_changed

        pairing_changed.connect(_paired_cadre_changed, dispatch_uid="households.facts.paired_cadre")


def _paired_cadre_changed(sender: Any, *, household: Any, **kwargs: Any) -> None:
    """A pairing was granted or revoked: the household's paired cadre (a fact) is refreshed in the same
    transaction, so the pages and ledgers after it name the new cadre."""
    from households.facts import facts_refresh_households

    facts_refresh_households([household.pk])
