import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.management.commands.load_demo import accounts_table


class Command(BaseCommand):
    help = "Print where the service is and the demo accounts, as `make run` does when it starts."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, url, **options):
        path = settings.VAR_DIR / "demo-accounts.json"
        if not path.exists():
            raise CommandError("No demo accounts yet: run manage.py load_demo first.")
        accounts = json.loads(path.read_text())
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"approvision is running at {url}"))
        self.stdout.write("")
        self.stdout.write("Demo accounts (also in var/demo-accounts.json):")
        self.stdout.write(accounts_table(accounts))
        self.stdout.write("")
        self.stdout.write(
            "Every sign-in asks for a code from an authenticator app. Add an account's"
        )
        self.stdout.write(
            "totp_secret from var/demo-accounts.json to your app, or print the current code"
        )
        self.stdout.write("with:  make otp user=officer")
        self.stdout.write("")
        self.stdout.write("Celery logs: var/run/celery-worker.log and var/run/celery-beat.log")
        self.stdout.write("Press Ctrl-C to stop.")
