from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = "Panels"

    def ready(self):
        from panels.casework import register

        register()
        from panels.letters import register as register_letters

        register_letters()
