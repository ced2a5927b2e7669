"""Monitoring's widget on the household page: the household app must not import monitoring (STYLE §2 dependency
direction), so the page loads this tag instead."""

from typing import Any

from django import template

from accounts.permissions import has_capability
from accounts.roles import Capability
from monitoring.choices import OPEN_ENTRY_STATES, OPEN_SUBJECT_STATUSES
from monitoring.models import EntryApplication, MonitoringSubject

register = template.Library()


@register.inclusion_tag("monitoring/_household_monitoring.html", takes_context=True)
def household_monitoring(context: dict[str, Any], household: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "household": household,
        "application": EntryApplication.objects.visible_to(user)
        .filter(household=household, state__in=OPEN_ENTRY_STATES)
        .first(),
        "subject": MonitoringSubject.objects.visible_to(user)
        .filter(household=household, status__in=OPEN_SUBJECT_STATUSES)
        .first(),
        "can_report": has_capability(user, Capability.OPEN_ENTRY) and household.closed_on is None,
    }
