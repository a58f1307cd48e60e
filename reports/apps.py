from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from reports import tasks  # noqa: F401
        from reports.roll_import import register

        register()
