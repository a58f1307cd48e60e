from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Pupils and exclusions"

    def ready(self):
        # Register this app's Celery tasks in every process, so other apps can queue them by
        # name without importing this app (organisations queues deadline refreshes).
        from cases import tasks  # noqa: F401
        from cases.fair_access.casework import register

        register()
        from cases.casework.events import register as register_events

        register_events()
        from cases.casework.history import register as register_history

        register_history()
        from cases.notices.events import register as register_notices

        register_notices()
        from cases.fair_access.letters import register as register_letters

        register_letters()
        from cases.pupils.imports import register as register_imports

        register_imports()
