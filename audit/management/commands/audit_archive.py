"""Archive whole months of the read-audit log: `manage.py audit_archive --before 2025-01`."""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.partitions import audit_archive


class Command(BaseCommand):
    help = (
        "Write each month of the read-audit log before --before (YYYY-MM) to a gzipped CSV in "
        "--to (default var/audit-archive), then drop that month's partition."
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="the first month kept, as YYYY-MM")
        parser.add_argument("--to", default=None, help="the folder the files go to")

    def handle(self, *args, before, to, **options):
        try:
            year, month = (int(part) for part in before.split("-"))
            first_kept = date(year, month, 1)
        except ValueError as error:
            raise CommandError("Give --before as a year and month: 2025-01") from error
        directory = Path(to) if to else settings.VAR_DIR / "audit-archive"
        try:
            done = audit_archive(before=first_kept, directory=directory)
        except ValueError as error:
            raise CommandError(str(error)) from error
        for item in done:
            self.stdout.write(f"{item.partition}: {item.rows} rows to {item.path}")
        if not done:
            self.stdout.write(f"No month before {first_kept:%B %Y} to archive.")
