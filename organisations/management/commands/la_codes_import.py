"""Bring the list of DfE LA codes up to date from a GIAS establishment file (all of England).

    manage.py la_codes_import edubasealldata20261201.csv

GIAS publishes its files in ISO-8859-1 (Latin-1); the columns read are "LA (code)" and
"LA (name)". Codes are added or renamed, never removed: a UPN keeps its LA code for life.
"""

import csv

from django.core.management.base import BaseCommand, CommandError

from organisations.la_codes import la_codes_record


class Command(BaseCommand):
    help = "Add the LA codes in a GIAS establishment file to the list UPNs are checked against"

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        with open(path, newline="", encoding="iso-8859-1") as handle:
            reader = csv.DictReader(handle)
            if not {"LA (code)", "LA (name)"} <= set(reader.fieldnames or ()):
                raise CommandError('The file has no "LA (code)" and "LA (name)" columns')
            seen = {(row["LA (code)"], row["LA (name)"]) for row in reader}
        added = la_codes_record(sorted(seen))
        self.stdout.write(f"{len(seen)} LA codes read, {added} new")
