"""Who looked at this pupil? answers from a GIN index on the ids each read names."""

import django.contrib.postgres.indexes
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_audit_rows_are_final")]

    operations = [
        migrations.AddIndex(
            model_name="pupilread",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["pupil_ids"], name="pupilread_pupil_ids"
            ),
        ),
    ]
