from django.conf import settings
from django.core.management.base import BaseCommand

from demo import (
    cases,
    casework,
    identity,
    notices,
    organisations,
    panels,
    placements,
    providers,
    reports,
    rights,
)
from demo.organisations import DemoContext

# Each app's demo records, as `load(context, var_dir=...)`; they run in the order imports run, so
# each can build on the records of the ones before.
LOADERS = [
    organisations,
    identity,
    providers,
    cases,
    placements,
    panels,
    casework,
    notices,
    reports,
    rights,
]


class Command(BaseCommand):
    help = "Load the demo local authority (idempotent) and write var/demo-accounts.json."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet-accounts", action="store_true", help="Do not print the accounts."
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Volume of records such as a year of exclusions: 1 is the demo LA's real size.",
        )

    def handle(self, *args, **options):
        context = DemoContext(scale=options["scale"])
        for loader in LOADERS:
            loader.load(context, var_dir=settings.VAR_DIR)
        self.stdout.write(self.style.SUCCESS("Demo local authority loaded."))
        if not options["quiet_accounts"]:
            self.stdout.write(accounts_table(context.accounts))


def accounts_table(accounts: list[dict]) -> str:
    headers = ["username", "password", "role", "organisation"]
    widths = {h: max(len(h), *(len(a[h]) for a in accounts)) for h in headers}
    line = "  ".join(h.ljust(widths[h]) for h in headers)
    rows = ["  ".join(a[h].ljust(widths[h]) for h in headers) for a in accounts]
    return "\n".join([line, "-" * len(line), *rows])
