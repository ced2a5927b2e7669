from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = "行政区划"

    def ready(self) -> None:
        from geo.models import CalendarOverride
        from geo.workdays import forget_overrides

        # Signals only invalidate caches (STYLE rule 3): the working-day calendar keeps the override table cached.
        post_save.connect(forget_overrides, sender=CalendarOverride, dispatch_uid="geo-calendar-saved")
        post_delete.connect(forget_overrides, sender=CalendarOverride, dispatch_uid="geo-calendar-deleted")
