from django.core.management import call_command


def test_models_and_migrations_agree(db):
    # --check exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
