import base64
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP


class Command(BaseCommand):
    help = "Print a demo account's current sign-in code, for someone without an authenticator app."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        # Only accounts the demo made: this is no way round a real user's second factor.
        path = settings.VAR_DIR / "demo-accounts.json"
        if not path.exists():
            raise CommandError(
                "No demo accounts yet: run `make run` (or manage.py load_demo) first."
            )
        accounts = {row["username"]: row for row in json.loads(path.read_text())}
        if username not in accounts:
            raise CommandError(
                f"{username!r} is not a demo account. Demo accounts: {', '.join(accounts)}"
            )
        key = base64.b32decode(accounts[username]["totp_secret"])
        totp = TOTP(key, step=30, t0=0, digits=6)
        self.stdout.write(
            f"{totp.token():06d}  (valid for {30 - int(totp.time) % 30} more seconds)"
        )
