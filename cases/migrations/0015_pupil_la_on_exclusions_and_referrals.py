"""An exclusion's and a referral's pupil LA and home LA, kept on the row by the database.

An LA officer's lists were scoped by joining each exclusion or referral to its pupil to read the
pupil's LA: in a deployment of several LAs that join reads every pupil of every LA. The two
columns let the scope read the row alone, through an index.

They are filled here, then kept by triggers, so no way of writing a row (a service, an import, the
generator's bulk insert, a test's create) can leave them wrong:
- before a row is inserted, or its pupil (or either column) changes: copied from the pupil;
- after a pupil's LA or home LA changes: copied onto their exclusions and referrals.
"""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = """
CREATE FUNCTION cases_copy_pupil_la() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT la_id, home_la_id INTO NEW.pupil_la_id, NEW.pupil_home_la_id
      FROM cases_pupil WHERE id = NEW.pupil_id;
    RETURN NEW;
END $$;

CREATE FUNCTION cases_pupil_la_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases_exclusion SET pupil_la_id = NEW.la_id, pupil_home_la_id = NEW.home_la_id
     WHERE pupil_id = NEW.id;
    UPDATE cases_referral SET pupil_la_id = NEW.la_id, pupil_home_la_id = NEW.home_la_id
     WHERE pupil_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER cases_pupil_la_changed AFTER UPDATE OF la_id, home_la_id ON cases_pupil
    FOR EACH ROW
    WHEN (OLD.la_id IS DISTINCT FROM NEW.la_id OR OLD.home_la_id IS DISTINCT FROM NEW.home_la_id)
    EXECUTE FUNCTION cases_pupil_la_changed();

UPDATE cases_exclusion AS t SET pupil_la_id = p.la_id, pupil_home_la_id = p.home_la_id
  FROM cases_pupil AS p WHERE p.id = t.pupil_id;
CREATE TRIGGER cases_exclusion_pupil_la
    BEFORE INSERT OR UPDATE OF pupil_id, pupil_la_id, pupil_home_la_id ON cases_exclusion
    FOR EACH ROW EXECUTE FUNCTION cases_copy_pupil_la();

UPDATE cases_referral AS t SET pupil_la_id = p.la_id, pupil_home_la_id = p.home_la_id
  FROM cases_pupil AS p WHERE p.id = t.pupil_id;
CREATE TRIGGER cases_referral_pupil_la
    BEFORE INSERT OR UPDATE OF pupil_id, pupil_la_id, pupil_home_la_id ON cases_referral
    FOR EACH ROW EXECUTE FUNCTION cases_copy_pupil_la();
"""

BACKWARD = """
DROP TRIGGER cases_exclusion_pupil_la ON cases_exclusion;
DROP TRIGGER cases_referral_pupil_la ON cases_referral;
DROP TRIGGER cases_pupil_la_changed ON cases_pupil;
DROP FUNCTION cases_pupil_la_changed();
DROP FUNCTION cases_copy_pupil_la();
"""


def la_field(*, null):
    return models.ForeignKey(
        db_index=False,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="organisations.localauthority",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_notice_channel"),
        ("organisations", "0014_import_jobs"),
    ]

    operations = [
        *[
            migrations.AddField(model_name=model, name=name, field=la_field(null=True))
            for model in ("exclusion", "referral")
            for name in ("pupil_la", "pupil_home_la")
        ],
        migrations.RunSQL(FORWARD, BACKWARD),
        *[
            migrations.AlterField(model_name=model, name="pupil_la", field=la_field(null=False))
            for model in ("exclusion", "referral")
        ],
        migrations.AddIndex(
            model_name="exclusion",
            index=models.Index(
                fields=["pupil_la", "-start_date", "-id"], name="exclusion_la_newest"
            ),
        ),
        migrations.AddIndex(
            model_name="exclusion",
            index=models.Index(
                condition=models.Q(pupil_home_la__isnull=False),
                fields=["pupil_home_la"],
                name="exclusion_home_la",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["pupil_la", "state"], name="referral_la_state"),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(pupil_home_la__isnull=False),
                fields=["pupil_home_la"],
                name="referral_home_la",
            ),
        ),
    ]
