"""The pupils and exclusions in each LA's scope, kept by the database (cases.pupils.counts).

Statement triggers with transition tables: one grouped insert a statement, however many rows it
wrote (a bulk insert of 200,000 pupils adds one row an LA). A row counts for its LA and, when
another, its home LA. An update adds rows only where an LA or home LA changed (the sum of its
-1s and +1s is not zero). Filled here from the rows already there.
"""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = """
CREATE FUNCTION cases_pupil_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO cases_lacount (la_id, subject, delta)
        SELECT la, 'pupils', count(*) FROM (
            SELECT la_id AS la FROM new_rows
            UNION ALL SELECT home_la_id FROM new_rows WHERE home_la_id <> la_id
        ) AS s GROUP BY la;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO cases_lacount (la_id, subject, delta)
        SELECT la, 'pupils', -count(*) FROM (
            SELECT la_id AS la FROM old_rows
            UNION ALL SELECT home_la_id FROM old_rows WHERE home_la_id <> la_id
        ) AS s GROUP BY la;
    ELSE
        INSERT INTO cases_lacount (la_id, subject, delta)
        SELECT la, 'pupils', sum(d) FROM (
            SELECT la_id AS la, 1 AS d FROM new_rows
            UNION ALL SELECT home_la_id, 1 FROM new_rows WHERE home_la_id <> la_id
            UNION ALL SELECT la_id, -1 FROM old_rows
            UNION ALL SELECT home_la_id, -1 FROM old_rows WHERE home_la_id <> la_id
        ) AS s GROUP BY la HAVING sum(d) <> 0;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER cases_pupil_counted_insert AFTER INSERT ON cases_pupil
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_pupil_counted();
CREATE TRIGGER cases_pupil_counted_delete AFTER DELETE ON cases_pupil
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_pupil_counted();
CREATE TRIGGER cases_pupil_counted_update AFTER UPDATE ON cases_pupil
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_pupil_counted();

CREATE FUNCTION cases_exclusion_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO cases_lacount (la_id, subject, delta)
        SELECT la, 'exclusions', count(*) FROM (
            SELECT pupil_la_id AS la FROM new_rows
            UNION ALL SELECT pupil_home_la_id FROM new_rows WHERE pupil_home_la_id <> pupil_la_id
        ) AS s GROUP BY la;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO cases_lacount (la_id, subject, delta)
        SELECT la, 'exclusions', -count(*) FROM (
            SELECT pupil_la_id AS la FROM old_rows
            UNION ALL SELECT pupil_home_la_id FROM old_rows WHERE pupil_home_la_id <> pupil_la_id
        ) AS s GROUP BY la;
    ELSE
        INSERT INTO cases_lacount (la_id, subject, delta)
        SELECT la, 'exclusions', sum(d) FROM (
            SELECT pupil_la_id AS la, 1 AS d FROM new_rows
            UNION ALL SELECT pupil_home_la_id, 1 FROM new_rows
                WHERE pupil_home_la_id <> pupil_la_id
            UNION ALL SELECT pupil_la_id, -1 FROM old_rows
            UNION ALL SELECT pupil_home_la_id, -1 FROM old_rows
                WHERE pupil_home_la_id <> pupil_la_id
        ) AS s GROUP BY la HAVING sum(d) <> 0;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER cases_exclusion_counted_insert AFTER INSERT ON cases_exclusion
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_exclusion_counted();
CREATE TRIGGER cases_exclusion_counted_delete AFTER DELETE ON cases_exclusion
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_exclusion_counted();
CREATE TRIGGER cases_exclusion_counted_update AFTER UPDATE ON cases_exclusion
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_exclusion_counted();

INSERT INTO cases_lacount (la_id, subject, delta)
SELECT la, 'pupils', count(*) FROM (
    SELECT la_id AS la FROM cases_pupil
    UNION ALL SELECT home_la_id FROM cases_pupil WHERE home_la_id <> la_id
) AS s GROUP BY la;
INSERT INTO cases_lacount (la_id, subject, delta)
SELECT la, 'exclusions', count(*) FROM (
    SELECT pupil_la_id AS la FROM cases_exclusion
    UNION ALL SELECT pupil_home_la_id FROM cases_exclusion WHERE pupil_home_la_id <> pupil_la_id
) AS s GROUP BY la;
"""

BACKWARD = """
DROP TRIGGER cases_pupil_counted_insert ON cases_pupil;
DROP TRIGGER cases_pupil_counted_delete ON cases_pupil;
DROP TRIGGER cases_pupil_counted_update ON cases_pupil;
DROP FUNCTION cases_pupil_counted();
DROP TRIGGER cases_exclusion_counted_insert ON cases_exclusion;
DROP TRIGGER cases_exclusion_counted_delete ON cases_exclusion;
DROP TRIGGER cases_exclusion_counted_update ON cases_exclusion;
DROP FUNCTION cases_exclusion_counted();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_pupil_la_on_exclusions_and_referrals"),
        ("organisations", "0014_import_jobs"),
    ]

    operations = [
        migrations.CreateModel(
            name="LaCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "subject",
                    models.CharField(
                        choices=[("pupils", "Pupils"), ("exclusions", "Exclusions")],
                        max_length=20,
                    ),
                ),
                ("delta", models.BigIntegerField()),
                (
                    "la",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.localauthority",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["subject", "la"], name="cases_lacount_subject_la")
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
