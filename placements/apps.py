from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = "Placements"

    def ready(self):
        from placements import tasks  # noqa: F401
        from placements.commissioning.casework import register

        register()
        from placements.events import register as register_events

        register_events()
        from placements.notices import register as register_notices

        register_notices()
        from placements.letters import register as register_letters

        register_letters()
