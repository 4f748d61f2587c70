"""Run the matching engine on a JSON file, without a database: `manage.py match_json INPUT.json`."""

import csv
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from matching import jsonio
from matching.engine import InputError, allowed_pairs, solve

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Pair the people of a cohort file with the matching engine and print (or write) the result as JSON. "
        "Needs no database. Bad input exits with status 2 and writes nothing."
    )
    requires_system_checks = []  # works offline, without a database

    def add_arguments(self, parser):
        parser.add_argument("input", help="cohort file: {rules, people, locked, excluded}")
        parser.add_argument("--output", help="write the result here instead of standard output")
        parser.add_argument("--edges", help="also write every allowed pair with its score as CSV (a,b,score)")

    def handle(self, *args, **options):
        try:
            text = Path(options["input"]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {options['input']}: {exc}", returncode=EXIT_BAD_INPUT) from None
        for target in (options["output"], options["edges"]):
            if target and not Path(target).resolve().parent.is_dir():
                raise CommandError(f"folder of {target} does not exist", returncode=EXIT_BAD_INPUT)
        try:
            problem = jsonio.loads(text)
            result = solve(problem.people, problem.rules, locked=problem.locked, excluded=problem.excluded)
        except InputError as exc:
            raise CommandError(str(exc), returncode=EXIT_BAD_INPUT) from None

        # Write to temporary files first and move them into place only when everything succeeded.
        written: list[tuple[str, str]] = []
        try:
            if options["edges"]:
                written.append((self._edges(problem, options["edges"]), options["edges"]))
            if options["output"]:
                written.append((self._temp(options["output"], jsonio.dumps(result)), options["output"]))
        except BaseException:
            for temp, _ in written:
                os.unlink(temp)
            raise
        for temp, target in written:
            os.replace(temp, target)
        if options["output"]:
            self.stderr.write(
                f"Matched {result.matched_people} of {result.matched_people + len(result.unmatched)} people in "
                f"{len(result.pairs)} pairs, total score {result.total_score}; written to {options['output']}."
            )
        else:
            self.stdout.write(jsonio.dumps(result), ending="")

    def _temp(self, target: str, content: str) -> str:
        fd, temp = tempfile.mkstemp(dir=Path(target).resolve().parent, prefix=".match_json-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(content)
        return temp

    def _edges(self, problem: jsonio.Problem, target: str) -> str:
        fd, temp = tempfile.mkstemp(dir=Path(target).resolve().parent, prefix=".match_json-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(["a", "b", "score"])
                writer.writerows(allowed_pairs(problem.people, problem.rules, excluded=problem.excluded))
        except BaseException:
            os.unlink(temp)
            raise
        return temp
