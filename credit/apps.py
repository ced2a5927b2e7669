from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = "小额信贷"

    def ready(self) -> None:
        from credit.records import loan_records
        from monitoring.measure_records import register

        register(loan_records)
