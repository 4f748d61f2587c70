"""The program reports and the program admin's cohort page at 1,000 and 10,000 participants.

Run with `make bench` (SQLite), and with DATABASE_URL=postgres://... for PostgreSQL. Each size is one program built
by ``mentoring.demo.scale.seed_scale`` (two active cohorts of 80 % and 20 % of the people, 20 weekly sessions per
pair, check-ins for about 70 % of held sessions, a mid-point survey). For each page and export it prints the median
of 5 requests (after one warm-up), the query count and the response size. The issue's target: every report page and
export under 500 ms median at 10,000 participants and under 100 ms at 1,000.
``TWOWAY_BENCH_REPORT_SIZES=1000`` measures only the given sizes (comma-separated).
"""

import os
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.demo.scale import seed_scale
from tests.factories import LeaderFactory, ProgramAdminFactory

SIZES = [int(s) for s in os.environ.get("TWOWAY_BENCH_REPORT_SIZES", "1000,10000").split(",") if s.strip()]
RUNS = 5


def _measure(client, url: str) -> tuple[float, float, int, int]:
    client.get(url)  # warm-up
    times, sql = [], []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - began)
        sql.append(sum(float(q["time"]) for q in queries.captured_queries))
        assert response.status_code == 200, url
    return statistics.median(times), statistics.median(sql), len(queries), len(response.content)


# Committed rows, as in production (the test's tables are emptied afterwards): rows a transaction has not
# committed are read slower by PostgreSQL, and VACUUM (outside a transaction) cannot see them.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("participants", SIZES)
def test_reports_at_scale(client, participants):
    began = time.perf_counter()
    summary = seed_scale(participants)
    built = time.perf_counter() - began
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
    cohort = summary.cohorts[0]
    program = summary.program
    print(
        f"\n[reports] {connection.vendor}, {participants:,} participants: {summary.pairs:,} pairs, "
        f"{summary.sessions:,} sessions, {summary.checkins:,} check-ins (built in {built:.1f} s); "
        f"cohort measured: {cohort.name} ({cohort.enrollments.count():,} participants)"
    )
    leader, admin = LeaderFactory(), ProgramAdminFactory()
    pages = [
        ("reports index", leader, reverse("reports:index")),
        ("cohort report", leader, reverse("reports:cohort", args=[cohort.pk])),
        ("cohort report (program admin)", admin, reverse("reports:cohort", args=[cohort.pk])),
        ("program report", leader, reverse("reports:program", args=[program.pk])),
        ("cohort CSV", leader, reverse("reports:cohort_csv", args=[cohort.pk])),
        ("program CSV", leader, reverse("reports:program_csv", args=[program.pk])),
        ("admin cohort page", admin, reverse("programs:cohort_detail", args=[cohort.pk])),
    ]
    for label, user, url in pages:
        client.force_login(user)
        median, sql, queries, size = _measure(client, url)
        print(
            f"[reports] {participants:>6,} {label:<32} median {median * 1000:6.0f} ms (SQL {sql * 1000:5.0f} ms)  "
            f"{queries:3d} queries  {size / 1024:6.0f} KB"
        )
