from django.apps import AppConfig


class LedgersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ledgers"
    verbose_name = "台账"

    def ready(self) -> None:
        from core.xlsx import excel_handed_out
        from ledgers.services import export_record_handed_out

        excel_handed_out.connect(export_record_handed_out, dispatch_uid="ledgers.export_record_handed_out")
        from ledgers.dashboard import watch_dashboard_inputs

        watch_dashboard_inputs()
