from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = "Data rights"

    def ready(self):
        # Registers the retention task in every process, so beat and workers know it by name.
        from rights import tasks  # noqa: F401
