from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = "Panels"

    def ready(self):
        # Registered in every process, so the decision e-mail can be queued by name.
        from panels import tasks  # noqa: F401
        from panels.casework import register

        register()
