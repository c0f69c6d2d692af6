"""Fair panel selection at scale: our LEXIMIN against the sortition-algorithms package.

    .venv/bin/python bench/selection.py [--only 1000x60] [--skip-theirs] [--all-theirs]

Generates pools of volunteers with six correlated features (age band, area, gender, service
used, ethnicity, carer status: each person's values lean together through one hidden score),
quotas from the pool's own shares ± 10%, and for each instance times our `run_selection`
(LEXIMIN, column generation with HiGHS) beside sortition-algorithms' maximin (and its leximin,
if it runs without Gurobi) on the same pool. Prints the smallest selection probability, the
Gini coefficient of the probabilities, and the wall-clock and CPU seconds of each (the machine
is shared: CPU seconds show the work done whatever else runs; the load average is printed
first). Their maximin is not run on 2,000 × 200, where it did not finish in 39 minutes, unless
--all-theirs is given.

sortition-algorithms is GPL and only ever used here: `make bench` installs it into
var/bench-lib (never a dependency of Coproduce); this script adds that folder to the end of
sys.path.
"""

import argparse
import contextlib
import io
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "var" / "bench-lib"))  # after ours: our numpy and highspy win

from coproduce.selection.algorithm import run_selection  # noqa: E402
from coproduce.selection.pool import Person, Quota  # noqa: E402

INSTANCES = [(200, 20), (1000, 60), (2000, 200)]
FEATURES = {
    "age band": ["16-29", "30-44", "45-64", "65-79", "80+"],
    "area": ["North", "South", "East", "West", "Central", "Coast"],
    "gender": ["woman", "man", "non-binary"],
    "service used": ["home care", "day centre", "carers support", "mental health", "none"],
    "ethnicity": ["White British", "White other", "Asian", "Black", "Mixed", "Other"],
    "carer status": ["carer", "not a carer"],
}
# How strongly each feature follows the hidden score, and each value's baseline popularity.
LEANING = {"age band": 1.2, "area": 0.6, "gender": 0.3, "service used": 1.0, "ethnicity": 0.8}
LEANING["carer status"] = 0.9
BASELINE = {"gender": [0.0, 0.0, -3.0], "ethnicity": [1.5, 0.0, 0.0, 0.0, -0.5, -1.0]}
MARGIN = 0.1
# Instances where their maximin was still running after 39 minutes: not run unless asked.
THEIRS_UNFINISHED = {(2000, 200)}


def make_pool(size: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    people = []
    for number in range(size):
        score = rng.gauss(0, 1)
        person = {"id": f"p{number:05d}"}
        for feature, values in FEATURES.items():
            middle = (len(values) - 1) / 2
            baseline = BASELINE.get(feature, [0.0] * len(values))
            leaning = [
                baseline[i] + LEANING[feature] * score * (i - middle) / middle
                for i in range(len(values))
            ]
            person[feature] = rng.choices(values, [math.exp(x) for x in leaning])[0]
        people.append(person)
    return people


def make_quotas(people: list[dict[str, str]], panel: int) -> list[dict[str, Any]]:
    rows = []
    for feature, values in FEATURES.items():
        for value in values:
            share = sum(person[feature] == value for person in people) / len(people)
            if share == 0:
                continue
            target = share * panel
            low, high = math.floor(target * (1 - MARGIN)), math.ceil(target * (1 + MARGIN))
            rows.append({"feature": feature, "value": value, "min": low, "max": high})
    return rows


def gini(values: list[float]) -> float:
    ordered = sorted(values)
    count, total = len(ordered), sum(ordered)
    weighted = sum((2 * (i + 1) - count - 1) * value for i, value in enumerate(ordered))
    return weighted / (count * total)


def ours(people: list[dict[str, str]], quotas: list[dict[str, Any]], panel: int) -> list[float]:
    result = run_selection(
        [Person(p["id"], {f: p[f] for f in FEATURES}) for p in people],
        [Quota(q["feature"], q["value"], q["min"], q["max"]) for q in quotas],
        panel,
        seed="bench",
    )
    return list(result.probabilities.values())


def theirs(method: str) -> Callable[[list[dict[str, str]], list[dict[str, Any]], int], list[float]]:
    def run(people: list[dict[str, str]], quotas: list[dict[str, Any]], panel: int) -> list[float]:
        from sortition_algorithms import Settings, read_in_features, read_in_people
        from sortition_algorithms.committee_generation.leximin import find_distribution_leximin
        from sortition_algorithms.committee_generation.maximin import find_distribution_maximin

        rows = [{key: str(value) for key, value in row.items()} for row in quotas]
        features, _, _ = read_in_features(["feature", "value", "min", "max"], rows, panel)
        settings = Settings(id_column="id", columns_to_keep=[])
        pool, _ = read_in_people(["id", *FEATURES], people, features, settings)
        find = find_distribution_maximin if method == "maximin" else find_distribution_leximin
        quiet = io.StringIO()  # its progress lines would split the table
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            panels, weights, _ = find(features, pool, panel, [])
        chances = dict.fromkeys((person["id"] for person in people), 0.0)
        for members, weight in zip(panels, weights, strict=True):
            for member in members:
                chances[member] += weight
        return list(chances.values())

    return run


def measure(
    solve: Callable[[list[dict[str, str]], list[dict[str, Any]], int], list[float]],
    people: list[dict[str, str]],
    quotas: list[dict[str, Any]],
    panel: int,
    repeat: int,
) -> tuple[str, str, str, str]:
    times, cpu_times, chances = [], [], []
    try:
        for _ in range(repeat):
            began, began_cpu = time.perf_counter(), time.process_time()
            chances = solve(people, quotas, panel)
            times.append(time.perf_counter() - began)
            cpu_times.append(time.process_time() - began_cpu)
    except Exception as error:  # their leximin needs Gurobi: report, do not stop the table
        reason = " ".join(f"{type(error).__name__}: {error}".split())[:60]
        return "n/a", "n/a", "n/a", reason
    return (
        f"{min(chances):.6f}",
        f"{gini(chances):.4f}",
        f"{statistics.median(times):.1f}",
        f"{statistics.median(cpu_times):.1f}",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="one instance, as PEOPLExPANEL (e.g. 1000x60)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of each (1)")
    parser.add_argument("--skip-theirs", action="store_true", help="time ours only")
    parser.add_argument(
        "--all-theirs",
        action="store_true",
        help="run their maximin on 2000x200 too (over 39 minutes)",
    )
    arguments = parser.parse_args()
    instances = INSTANCES
    if arguments.only:
        people_count, panel = (int(part) for part in arguments.only.split("x"))
        instances = [(people_count, panel)]
    methods: list[tuple[str, Any]] = [("ours leximin", ours)]
    if not arguments.skip_theirs:
        methods += [("their maximin", theirs("maximin")), ("their leximin", theirs("leximin"))]
    load = ", ".join(f"{average:.1f}" for average in os.getloadavg())
    print(f"load average (1, 5, 15 minutes): {load} on {os.cpu_count()} CPUs")
    print(
        f"{'instance':<12} {'method':<14} {'min prob':>10} {'gini':>7} {'seconds':>8} {'cpu s':>8}"
    )
    for people_count, panel in instances:
        people = make_pool(people_count, seed=people_count)
        quotas = make_quotas(people, panel)
        instance = f"{people_count}x{panel}"
        for name, solve in methods:
            if (
                name == "their maximin"
                and (people_count, panel) in THEIRS_UNFINISHED
                and not arguments.all_theirs
            ):
                print(f"{instance:<12} {name:<14} not run: over 39 minutes (--all-theirs)")
                continue
            low, spread, seconds, cpu = measure(solve, people, quotas, panel, arguments.repeat)
            row = f"{instance:<12} {name:<14} {low:>10} {spread:>7} {seconds:>8} {cpu:>8}"
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
