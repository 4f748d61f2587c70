"""An existing database upgrades in place across the move to one app per domain.

The demo is loaded into a fresh database by the code of the last commit before the move (BEFORE_THE_MOVE, exported
with `git archive`), then this code's `migrate` runs on it. Every row of the tables the move touched is still
there, unchanged; the relations resolve through the new models; the content types carry the new app labels; and
the migrations are complete and all applied. It runs on PostgreSQL when DATABASE_URL is PostgreSQL (in its own
database, created and dropped here), on SQLite (a temporary file) otherwise.

To extend it: a table whose rows must survive goes in CHECKED_TABLES (or under one of CHECKED_PREFIXES); a table
a later migration drops on purpose goes in DROPPED_LATER, with the reason.
"""

import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
BEFORE_THE_MOVE = "2983e57"  # the last commit before "One app per domain: mentoring/ splits into ..."

# The tables whose models moved out of the old `mentoring` app (programs, partnerships, surveys). The demo must
# have rows in each, or the check proves nothing for it.
MOVED_TABLES = [
    "mentoring_program",
    "mentoring_cohort",
    "mentoring_enrollment",
    "mentoring_invitation",
    "mentoring_partnership",
    "mentoring_agreement",
    "mentoring_agreementversion",
    "mentoring_agreementsignature",
    "mentoring_goal",
    "mentoring_assessment",
    "mentoring_assessmentresponse",
    "mentoring_assessmentskillrating",
    "mentoring_assessmentemail",
]
# Every table of these apps is compared too: sessions and match runs point at the moved models.
CHECKED_PREFIXES = ("mentoring_", "sessions_log_", "matching_")
CHECKED_TABLES = ["auth_permission", "accounts_user", "accounts_skill"]
# Tables a later migration drops on purpose (their rows live elsewhere from then on).
DROPPED_LATER = {
    "mentoring_assessmentemail": "survey e-mails move into the notifications outbox",
    "sessions_log_sessionemail": "session e-mails move into the notifications outbox",
}
# Where each moved model lives now; its content type (same id, so permissions stay) must carry this app label.
MOVED_TO = {
    "programs": ["program", "cohort", "enrollment", "invitation"],
    "partnerships": ["partnership", "agreement", "agreementversion", "agreementsignature", "goal"],
    "surveys": ["assessment", "assessmentresponse", "assessmentskillrating", "assessmentemail"],
}

pytestmark = pytest.mark.upgrade


# --- the database, seen without Django ------------------------------------------------------------------------


class Database:
    """A database of its own, created and dropped here: PostgreSQL when DATABASE_URL is, else an SQLite file."""

    def __init__(self, tmp_path: Path):
        url = os.environ.get("DATABASE_URL", "")
        self.postgres = url.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            parts = urlsplit(url)
            # Named after the configured database, so it sits beside it (and is easy to spot if left behind).
            self.name = f"{parts.path.lstrip('/')}_upgrade_{os.getpid()}_{secrets.token_hex(3)}"[:63]
            self.url = urlunsplit(parts._replace(path="/" + self.name))
            self._server = parts
            self._admin("CREATE DATABASE {}")
        else:
            self.name = str(tmp_path / "upgrade.sqlite3")
            self.url = f"sqlite:///{self.name}"

    def _connect(self, dbname: str):
        import psycopg2

        parts = self._server
        return psycopg2.connect(
            dbname=dbname,
            user=parts.username or "",
            password=parts.password or "",
            host=parts.hostname or "",
            port=parts.port or 5432,
        )

    def _admin(self, statement: str) -> None:
        connection = self._connect("postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement.format('"' + self.name + '"'))
        finally:
            connection.close()

    def drop(self) -> None:
        if self.postgres:
            self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")

    def query(self, sql: str) -> list[tuple]:
        if self.postgres:
            connection = self._connect(self.name)
            try:
                with connection.cursor() as cursor:
                    cursor.execute(sql)
                    return cursor.fetchall()
            finally:
                connection.close()
        connection = sqlite3.connect(self.name)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def tables(self) -> set[str]:
        if self.postgres:
            return {t for (t,) in self.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        return {t for (t,) in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def columns(self, table: str) -> list[str]:
        if self.postgres:
            return [
                c
                for (c,) in self.query(
                    "SELECT column_name FROM information_schema.columns "
                    f"WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position"
                )
            ]
        return [row[1] for row in self.query(f'PRAGMA table_info("{table}")')]

    def rows(self, table: str, columns: list[str]) -> list[tuple]:
        """Every row, as the database returns it, in a stable order."""
        selected = ", ".join(f'"{c}"' for c in columns)
        return sorted(self.query(f'SELECT {selected} FROM "{table}"'), key=repr)


def manage(code: Path, database: Database, *arguments: str, timeout: int = 300) -> str:
    """`manage.py` of that tree on that database, with this virtualenv's Python; Celery eager (no broker)."""
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "REDIS_URL": "",
        "EMAIL_URL": "",  # printed, never sent
        "DJANGO_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "mentoring.settings",
    }
    env.pop("PYTHONPATH", None)
    completed = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert completed.returncode == 0, f"{code.name}: manage.py {' '.join(arguments)}\n{completed.stderr[-3000:]}"
    return completed.stdout


def export_tree_before_the_move(target: Path) -> Path:
    """The code of BEFORE_THE_MOVE, from git; a clone without it (shallow) fails here with the way out."""
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{BEFORE_THE_MOVE}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0:
        pytest.fail(
            f"The upgrade-in-place test needs commit {BEFORE_THE_MOVE} (the last one before the move to one app "
            "per domain), and this clone does not have it. Fetch the history: `git fetch --unshallow` (or clone "
            f"without --depth; in a CI checkout, fetch-depth: 0). git said: {found.stderr.strip() or 'nothing'}",
            pytrace=False,
        )
    archive = target.with_suffix(".tar")
    with archive.open("wb") as out:
        subprocess.run(["git", "archive", "--format=tar", BEFORE_THE_MOVE], cwd=ROOT, stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


# The demo, then what it leaves empty, done with the old code's own services: two invitations to the enrolling
# cohort, and the "your survey is open" e-mails of the open survey (recorded, then sent by the eager task).
DEMO_BEFORE_THE_MOVE = """
from django.core.management import call_command

from accounts.models import User
from mentoring.assessment_services import assessment_emails_queue
from mentoring.models import Cohort
from mentoring.services import invitations_send

call_command("load_demo")
admin = User.objects.get(email="hr@northwind.example")
cohort = Cohort.objects.get(status="enrolling")
emails = ["newcomer@northwind.example", "ana@northwind.example"]
invitations_send(cohort=cohort, emails=emails, invited_by=admin, base_url="http://twoway.example")
assessment_emails_queue(base_url="http://twoway.example")
"""

# --- what this code sees, run in a subprocess with the new models ----------------------------------------------

PROBE = """
import json
from io import StringIO

from django.apps import apps
from django.core.management import call_command
from matching.models import MatchRun
from mentoring.partnerships.models import Goal
from sessions_log.models import Session

APPS = ("programs", "partnerships", "surveys", "sessions_log", "matching")
models = [m for label in APPS for m in apps.get_app_config(label).get_models()]
dangling = {}
for model in models:
    for field in model._meta.concrete_fields:
        if field.is_relation:
            target = field.related_model._default_manager.values(field.target_field.attname)
            broken = model._default_manager.exclude(**{field.attname: None}).exclude(
                **{field.attname + "__in": target}
            )
            dangling[f"{model._meta.label}.{field.name}"] = broken.count()
showmigrations = StringIO()
call_command("showmigrations", "--plan", stdout=showmigrations)
makemigrations = StringIO()
try:
    call_command("makemigrations", "--check", "--dry-run", stdout=makemigrations)
    missing = ""
except SystemExit:
    missing = makemigrations.getvalue()
print(json.dumps({
    "labels": {m._meta.db_table: [m._meta.app_label, m._meta.model_name] for m in apps.get_models()},
    "counts": {m._meta.db_table: m._default_manager.count() for m in models},
    "dangling": dangling,
    "session_program": {
        s.pk: s.partnership.cohort.program.pk
        for s in Session.objects.select_related("partnership__cohort__program")
    },
    "run_cohort": {r.pk: r.cohort.pk for r in MatchRun.objects.select_related("cohort")},
    "goal_partnership": {g.pk: g.partnership.pk for g in Goal.objects.select_related("partnership")},
    "not_applied": [line for line in showmigrations.getvalue().splitlines() if not line.startswith("[X]")],
    "missing_migrations": missing,
}))
"""


# --- the test ---------------------------------------------------------------------------------------------------


@pytest.fixture
def database(tmp_path):
    database = Database(tmp_path)
    yield database
    database.drop()


def test_a_database_of_the_single_mentoring_app_upgrades_in_place_with_every_row_and_relation(tmp_path, database):
    started = time.monotonic()
    old_code = export_tree_before_the_move(tmp_path / "before-the-move")
    manage(old_code, database, "migrate", "--noinput")
    manage(old_code, database, "shell", "-c", DEMO_BEFORE_THE_MOVE)

    tables = database.tables()
    assert not set(MOVED_TABLES) - tables, "the old code has no such table: fix MOVED_TABLES"
    checked = sorted(t for t in tables if t.startswith(CHECKED_PREFIXES) or t in CHECKED_TABLES)
    before = {t: (database.columns(t), database.rows(t, database.columns(t))) for t in checked}
    content_types = "SELECT id, app_label, model FROM django_content_type"
    old_types = {(label, model): pk for pk, label, model in database.query(content_types)}
    empty = [t for t in MOVED_TABLES if not before[t][1]]
    assert not empty, f"the demo has no rows in {empty}: the upgrade would prove nothing for them"

    manage(ROOT, database, "migrate", "--noinput")

    after_tables = database.tables()
    dropped = [t for t in checked if t not in after_tables]
    lost = sorted(set(dropped) - set(DROPPED_LATER))
    assert not lost, f"tables lost in the upgrade: {lost}"
    after = {}
    for table in (t for t in checked if t not in dropped):
        columns, rows = before[table]
        assert not set(columns) - set(database.columns(table)), f"{table} lost columns"
        # Later migrations may add columns, and rows (a new model's permissions); the old ones stay as they were.
        after[table] = database.rows(table, columns)
        kept = set(map(repr, after[table]))
        missing = [row for row in rows if repr(row) not in kept]
        assert not missing, f"{table}: {len(missing)} of {len(rows)} rows changed or gone, first {missing[0]}"

    probe = json.loads(manage(ROOT, database, "shell", "--no-imports", "-c", PROBE))
    labels = probe["labels"]

    # Each table of the apps is read by a model of this code, which finds all of its rows.
    assert not {t for t in MOVED_TABLES if t not in dropped} - set(labels), "a moved table has no model"
    for table, count in probe["counts"].items():
        if table in after:
            assert count == len(after[table]), table
    assert {k: v for k, v in probe["dangling"].items() if v} == {}

    # The relations, followed through the new models, lead where the old rows pointed.
    def by_id(table):
        columns, rows = before[table]
        return {row[columns.index("id")]: dict(zip(columns, row, strict=True)) for row in rows}

    partnerships, cohorts = by_id("mentoring_partnership"), by_id("mentoring_cohort")
    sessions, runs, goals = by_id("sessions_log_session"), by_id("matching_matchrun"), by_id("mentoring_goal")
    assert sessions and runs and goals
    expected_program = {
        str(pk): cohorts[partnerships[s["partnership_id"]]["cohort_id"]]["program_id"] for pk, s in sessions.items()
    }
    assert probe["session_program"] == expected_program
    assert probe["run_cohort"] == {str(pk): r["cohort_id"] for pk, r in runs.items()}
    assert probe["goal_partnership"] == {str(pk): g["partnership_id"] for pk, g in goals.items()}

    # The content types moved with their models (same ids, so every permission granted on them stays).
    new_types = {pk: (label, model) for pk, label, model in database.query(content_types)}
    for app_label, model_names in MOVED_TO.items():
        for model_name in model_names:
            table, moved = f"mentoring_{model_name}", new_types.get(old_types["mentoring", model_name])
            if table in dropped:  # its content type may have gone with it
                assert moved in (None, (app_label, model_name))
            else:
                assert moved == (app_label, model_name)
                assert labels[table] == [app_label, model_name]

    assert probe["not_applied"] == []
    assert probe["missing_migrations"] == ""
    print(f"\nupgrade in place ({'PostgreSQL' if database.postgres else 'SQLite'}): {time.monotonic() - started:.1f} s")
