"""The database refuses placements of one pupil that together exceed full time on any day.

A constraint trigger, because the rule spans rows: on every insert or update of a placement it
takes the pupil's row lock (so two transactions placing the same pupil queue up), then for each day
on which a live placement of that pupil starts inside the changed placement's dates, adds up the
hours of the pupil's live placements covering that day. The most hours on any day is reached on one
of those start days. Over the LA's full-time hours: check_violation.
"""

from django.db import migrations

LIVE = "('offered', 'accepted', 'active', 'ended')"
RANGE = "daterange({p}.start_date, COALESCE({p}.ended_on, {p}.planned_end), '[]')"

# Built from this file's constants, no input: not an injection (bandit B608).
FUNCTION = f"""
CREATE OR REPLACE FUNCTION placements_hours_within_full_time() RETURNS trigger AS $$
DECLARE
    full_time numeric;
    worst numeric;
    worst_day date;
BEGIN
    IF NEW.state NOT IN {LIVE} THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM cases_pupil WHERE id = NEW.pupil_id FOR UPDATE;
    SELECT la.full_time_hours INTO full_time
      FROM cases_pupil p JOIN organisations_localauthority la ON la.id = p.la_id
     WHERE p.id = NEW.pupil_id;
    SELECT d.day, (
             SELECT sum(o.hours_per_week) FROM placements_placement o
              WHERE o.pupil_id = NEW.pupil_id AND o.state IN {LIVE}
                AND {RANGE.format(p="o")} @> d.day
           ) AS total
      INTO worst_day, worst
      FROM (
             SELECT greatest(s.start_date, NEW.start_date) AS day FROM placements_placement s
              WHERE s.pupil_id = NEW.pupil_id AND s.state IN {LIVE}
                AND {RANGE.format(p="s")} && {RANGE.format(p="NEW")}
           ) d
     ORDER BY total DESC NULLS LAST
     LIMIT 1;
    IF worst > full_time THEN
        RAISE EXCEPTION 'placements of pupil % come to % hours a week on %, over full time (%)',
            NEW.pupil_id, worst, worst_day, full_time
            USING ERRCODE = 'check_violation', CONSTRAINT = 'placements_within_full_time';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER placements_within_full_time
    AFTER INSERT OR UPDATE OF start_date, planned_end, ended_on, hours_per_week, state, pupil_id
    ON placements_placement
    FOR EACH ROW EXECUTE FUNCTION placements_hours_within_full_time();
"""  # nosec B608

REVERSE = """
DROP TRIGGER IF EXISTS placements_within_full_time ON placements_placement;
DROP FUNCTION IF EXISTS placements_hours_within_full_time();
"""


class Migration(migrations.Migration):
    dependencies = [("placements", "0001_placements_returns_reviews_moves")]

    operations = [migrations.RunSQL(FUNCTION, REVERSE)]
