from django.apps import AppConfig


class SweepsConfig(AppConfig):
    name = "sweeps"
    verbose_name = "四查四补"

    def ready(self) -> None:
        # Open department warnings stop risk elimination (SPEC §4.8 EL-5): monitoring, below this app, reads the
        # check through its registry rather than importing sweeps.
        from monitoring.selectors.eligibility import register_exit_checks
        from sweeps.selectors import warning_exit_checks

        register_exit_checks(warning_exit_checks)
