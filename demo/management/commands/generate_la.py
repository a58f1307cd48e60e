"""Generate a large, realistic local authority for benchmarks.

    manage.py generate_la --pupils 200000 --schools 600 --years 5 --seed 1

What it makes: demo/large_la.py."""

import random
import sys
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from demo.large_la import LargeLA, Progress
from organisations.models import (
    LocalAuthority,
)


class Command(BaseCommand):
    help = "Generate a large local authority (any size) for benchmarks. Deterministic for a seed."

    def add_arguments(self, parser):
        parser.add_argument("--pupils", type=int, default=200_000)
        parser.add_argument("--schools", type=int, default=600)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--code", default="990", help="The DfE code of the generated LA")
        parser.add_argument("--today", type=date.fromisoformat, default=None)

    def handle(self, *args, **options):
        code = options["code"]
        if LocalAuthority.objects.filter(code=code).exists():
            self.stdout.write(f"A local authority with code {code} exists already: left as it is.")
            return
        if options["schools"] < 10 or options["pupils"] < options["schools"] * 20:
            raise CommandError("Ask for at least 10 schools and 20 pupils a school")
        started = time.monotonic()
        self.rng = random.Random(options["seed"])
        self.today = options["today"] or timezone.localdate()
        self.progress = Progress(sys.stderr, 9)
        generator = LargeLA(rng=self.rng, today=self.today, progress=self.progress)
        with transaction.atomic():
            generator.generate(code, options["pupils"], options["schools"], options["years"])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics after a bulk load
        sys.stderr.write("\n")
        self.stdout.write(
            f"Generated LA {code}: {options['schools']} schools, {options['pupils']} pupils, "
            f"{options['years']} years, in {time.monotonic() - started:.0f} s."
        )

    # -----------------------------------------------------------------------------------------
