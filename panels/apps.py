from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = "Panels"

    def ready(self):
        from panels.casework import register

        register()
