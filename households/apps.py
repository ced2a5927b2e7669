from typing import Any

from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = "农户档案"

    def ready(self) -> None:
        from accounts.grants import pairing_changed
        from households import models
        from households.facts import watch

        pairing_changed.connect(_paired_cadre_changed, dispatch_uid="households.facts.paired_cadre")
        # Every input of a household's facts (``households.facts.facts_select``); the apps above add theirs.
        watch(
            models.Household, models.HouseholdMember, models.IncomeRecord, models.HouseholdFlag,
            models.RigidExpense, models.Visit, models.GuaranteeCheck, models.RiskFlag, models.AssistancePairing,
        )  # fmt: skip
        # The paired cadre is a pairing in force of an active assistance cadre: an account deactivated or moved
        # out of the role changes its households' fact.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_save

        user = get_user_model()
        post_save.connect(_cadre_saved, sender=user, dispatch_uid="households.facts.stale.cadre")
        m2m_changed.connect(_cadre_saved, sender=user.groups.through, dispatch_uid="households.facts.stale.role")


def _paired_cadre_changed(sender: Any, *, household: Any, **kwargs: Any) -> None:
    """A pairing was granted or revoked: the household's paired cadre (a fact) is refreshed in the same
    transaction, so the pages and ledgers after it name the new cadre."""
    from households.facts import facts_refresh_households

    facts_refresh_households([household.pk])


def _cadre_saved(sender: Any, *, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """An account was saved (not only its last login) or its roles changed: the households it is paired with
    are marked for their facts to be computed again."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return
    users = set(kwargs.get("pk_set") or ()) if kwargs.get("reverse") else {instance.pk}
    from accounts.grants import households_ever_paired_with
    from households.facts import facts_mark_stale

    facts_mark_stale(households_ever_paired_with(users))
