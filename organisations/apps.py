from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations and people"

    def ready(self):
        from organisations import tasks  # noqa: F401
        from organisations.import_kinds import register
        from organisations.roles import roles_sync_after_migrate

        register()

        # The same hook Django uses to create permissions: every migrate leaves each role's group
        # holding exactly the permissions organisations/roles.py gives it.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="organisations.roles_sync")
