"""The cache table (settings.CACHES): counted figures shared by every worker."""

from django.core.management import call_command
from django.db import migrations


def make_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS approvision_cache")


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0006_historicallocalauthority_retain_pupil_records_to_age_and_more"),
    ]

    operations = [migrations.RunPython(make_cache_table, drop_cache_table)]
