"""The audit log is append-only: no UPDATE or DELETE by any role the application connects as.

A row trigger refuses both, whoever asks (security bar G13). TRUNCATE is left to the table's
owner, for test-database resets and for the database administrator only.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION audit_rows_are_final() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit rows cannot be changed or deleted (%)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_pupilread_final BEFORE UPDATE OR DELETE ON audit_pupilread
    FOR EACH ROW EXECUTE FUNCTION audit_rows_are_final();
CREATE TRIGGER audit_denial_final BEFORE UPDATE OR DELETE ON audit_denial
    FOR EACH ROW EXECUTE FUNCTION audit_rows_are_final();
"""

REVERSE = """
DROP TRIGGER IF EXISTS audit_pupilread_final ON audit_pupilread;
DROP TRIGGER IF EXISTS audit_denial_final ON audit_denial;
DROP FUNCTION IF EXISTS audit_rows_are_final();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_denial_alter_pupilread_action_ratecount")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
