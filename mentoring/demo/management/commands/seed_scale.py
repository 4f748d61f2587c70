import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mentoring.demo.scale import seed_scale


class Command(BaseCommand):
    help = (
        "Add a program of N participants (pairs, sessions, check-ins, a survey) to measure the reports at scale. "
        "Refuses unless DEBUG is on or --yes-on-this-database is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, required=True, help="How many people take part.")
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument(
            "--yes-on-this-database",
            action="store_true",
            help="Write thousands of made-up rows even though DEBUG is off.",
        )

    def handle(self, *args, participants: int, seed: int, yes_on_this_database: bool, **options):
        if not (settings.DEBUG or yes_on_this_database):
            raise CommandError(
                "seed_scale writes thousands of made-up people into this database. It runs only with DEBUG on, "
                "or with --yes-on-this-database."
            )
        if participants < 2:
            raise CommandError("--participants must be at least 2.")
        began = time.perf_counter()
        summary = seed_scale(participants, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.program.name} (program {summary.program.pk}): {summary.participants:,} participants in "
                f"{len(summary.cohorts)} cohorts, {summary.pairs:,} pairs, {summary.sessions:,} sessions, "
                f"{summary.checkins:,} check-ins in {time.perf_counter() - began:.1f} s."
            )
        )
