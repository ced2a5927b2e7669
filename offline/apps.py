from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfflineConfig(AppConfig):
    """Visits without signal: the field roles' installable web app, the households they take offline, and the
    synchronisation of visits captured on the phone (issue "Visits without signal")."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "offline"
    verbose_name = _("离线走访")
