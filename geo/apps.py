from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = "行政区划"

    def ready(self) -> None:
        from core.signals import on_save_or_delete
        from geo.models import CalendarOverride
        from geo.workdays import forget_overrides

        # The working-day calendar keeps the override table cached.
        on_save_or_delete(forget_overrides, CalendarOverride, uid="geo.calendar")
