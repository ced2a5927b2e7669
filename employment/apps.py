from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "employment"
    verbose_name = "就业帮扶"

    def ready(self) -> None:
        # The measure pages show the job a measure created without importing this app (monitoring sits below it).
        from employment.measures import employment_records
        from monitoring import measure_records

        measure_records.register(employment_records)
