"""What every benchmark needs: a throw-away environment and database, and timing of pages.

Import this module first: it points Coproduce at a temporary folder (so var/coproduce.sqlite3
is never touched) and starts Django. `fresh_database()` then makes a new database for the run,
as the test runner does — a temporary SQLite file, or with DATABASE_URL set, a new
`test_<name>` database beside the one named — and removes it afterwards.
"""

import atexit
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEMP = Path(tempfile.mkdtemp(prefix="coproduce-bench-"))
atexit.register(shutil.rmtree, TEMP, ignore_errors=True)

os.environ["COPRODUCE_VAR_DIR"] = str(TEMP)
os.environ.setdefault("COPRODUCE_TESTING", "true")
os.environ.setdefault("TASKS_BACKEND", "immediate")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
sys.path.insert(0, str(ROOT))
(TEMP / "static").mkdir(exist_ok=True)
warnings.simplefilter("ignore")

import django  # noqa: E402

django.setup()


@contextmanager
def fresh_database() -> Iterator[None]:
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(TEMP / "bench.sqlite3")
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)


def analyse() -> None:
    """Planner statistics, as a live database has them: without them PostgreSQL picks slow
    plans for freshly bulk-loaded tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(get: Callable[[], Any], repeat: int) -> tuple[int, list[float]]:
    """Query count of one request (counted, not timed) and the times of `repeat` more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm up: templates compiled, connections open
        get()
    with CaptureQueriesContext(connection) as queries:
        response = get()
    count = len(queries)
    if response.status_code != 200:
        raise SystemExit(f"benchmark page answered {response.status_code}")
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        get()
        times.append((time.perf_counter() - began) * 1000)
    return count, times


def print_pages(results: list[tuple[str, str, int, list[float]]]) -> None:
    """A table of pages: queries, median and p90, and the ratio to the bare view measured in
    the same run for the same kind of visitor (rows named 'bare view')."""
    bare = {who: statistics.median(times) for name, who, _, times in results if name == "bare view"}
    print(
        f"{'page':<36} {'signed in':<10} {'queries':>7} {'median ms':>10} {'p90 ms':>8} "
        f"{'x bare':>7}"
    )
    for name, who, queries, times in results:
        median = statistics.median(times)
        print(
            f"{name:<36} {who:<10} {queries:>7} {median:>10.2f} "
            f"{percentile(times, 0.9):>8.2f} {median / bare[who]:>7.1f}"
        )
