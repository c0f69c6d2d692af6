"""Fair panel selection: the one entry point, `run_selection`, and its result.

Plain Python, importing nothing from Django, so `coproduce select` runs without settings or a
database and the web app calls the same code from a background task.
"""

import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from coproduce.selection.draw import draw_from_lottery, order_reserves
from coproduce.selection.feasibility import InfeasibleQuotas, explain
from coproduce.selection.legacy import legacy_chances, legacy_panel
from coproduce.selection.leximin import Lottery, leximin_lottery
from coproduce.selection.pool import Person, Quota, SelectionProblem

Algorithm = Literal["leximin", "legacy"]
ALGORITHMS: tuple[Algorithm, ...] = ("leximin", "legacy")
LEGACY_RUNS = 1000


@dataclass(frozen=True)
class SelectionResult:
    """Everything needed to publish and re-check a selection."""

    algorithm: Algorithm
    seed: str | int
    panel_size: int
    selected: tuple[str, ...]  # sorted by id
    reserves: tuple[str, ...]  # in the order to call them
    probabilities: dict[str, float]  # each person's chance of selection, by id
    min_probability: float
    feature_counts: dict[str, dict[str, int]]  # in the selected panel
    pool_hash: str
    quotas_hash: str
    seconds: float
    lottery: Lottery | None = None  # leximin: the distribution the panel was drawn from
    groups: tuple[tuple[str, ...], ...] = ()  # leximin: the people each count refers to
    legacy_runs: int | None = None  # legacy: runs behind the estimated probabilities

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "selected": list(self.selected),
            "reserves": list(self.reserves),
            "probabilities": self.probabilities,
            "min_probability": self.min_probability,
            "algorithm": self.algorithm,
            "seed": self.seed,
            "feature_counts": self.feature_counts,
            "panel_size": self.panel_size,
            "pool_hash": self.pool_hash,
            "quotas_hash": self.quotas_hash,
            "seconds": round(self.seconds, 3),
        }
        if self.lottery is not None:
            data["lottery"] = {
                "groups": [list(members) for members in self.groups],
                "panels": [
                    {
                        "weight": weight,
                        "counts": {
                            str(group): int(composition[group])
                            for group in np.flatnonzero(composition)
                        },
                    }
                    for composition, weight in zip(
                        self.lottery.compositions, self.lottery.weights, strict=True
                    )
                ],
            }
        if self.legacy_runs is not None:
            data["legacy_runs"] = self.legacy_runs
        return data


def run_selection(
    people: Iterable[Person],
    quotas: Iterable[Quota],
    panel_size: int,
    *,
    algorithm: Algorithm = "leximin",
    seed: str | int | None = None,
    reserves: int = 0,
    legacy_runs: int = LEGACY_RUNS,
    progress: Callable[[int, int], None] | None = None,
) -> SelectionResult:
    """Select a panel of `panel_size` from `people` meeting `quotas`.

    Raises `SelectionInputError` for malformed input and `InfeasibleQuotas` (with an
    `.explanation`) when no panel meets the quotas; `LegacyDeadEnd` if the legacy method
    fails every attempt. `progress(done, total)` is called as the work advances: people
    whose chance is settled (leximin) or estimation runs done (legacy). Without a seed a random
    one is chosen; it is in the result so the draw can be repeated."""
    began = time.perf_counter()
    problem = SelectionProblem.build(people, quotas, panel_size)
    explanation = explain(problem)
    if explanation is not None:
        raise InfeasibleQuotas(explanation)
    if seed is None:
        seed = secrets.randbelow(10**9)
    lottery = None
    runs = None
    if algorithm == "leximin":
        lottery = leximin_lottery(problem, progress)
        sizes = np.array([len(group.members) for group in problem.groups])
        chances = lottery.group_chances(sizes)
        probabilities = {
            person: float(chance)
            for group, chance in zip(problem.groups, chances, strict=True)
            for person in group.members
        }
        panel = draw_from_lottery(problem, lottery, seed)
    elif algorithm == "legacy":
        probabilities = legacy_chances(problem, seed, legacy_runs, progress)
        runs = legacy_runs
        panel = legacy_panel(problem, seed)
    else:
        raise ValueError(f"unknown algorithm {algorithm!r}: use one of {', '.join(ALGORITHMS)}")
    probabilities = {person.id: probabilities[person.id] for person in problem.people}
    return SelectionResult(
        algorithm=algorithm,
        seed=seed,
        panel_size=panel_size,
        selected=tuple(panel),
        reserves=tuple(order_reserves(problem, panel, seed, reserves)),
        probabilities=probabilities,
        min_probability=min(probabilities.values()),
        feature_counts=feature_counts(problem, panel),
        pool_hash=problem.pool_hash(),
        quotas_hash=problem.quotas_hash(),
        seconds=time.perf_counter() - began,
        lottery=lottery,
        groups=tuple(group.members for group in problem.groups) if lottery else (),
        legacy_runs=runs,
    )


def feature_counts(problem: SelectionProblem, panel: Iterable[str]) -> dict[str, dict[str, int]]:
    """How many of the panel have each value of each feature (zero included)."""
    counts = {f: {q.value: 0 for q in problem.quotas if q.feature == f} for f in problem.features}
    people = {person.id: person for person in problem.people}
    for id_ in panel:
        for feature, value in people[id_].features.items():
            counts[feature][value] += 1
    return counts
