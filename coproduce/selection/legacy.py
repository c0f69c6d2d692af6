"""The "legacy" greedy method practitioners used before LEXIMIN, kept for comparison.

One person at a time: among the quota values whose min is not yet met, take the one whose
remaining need is largest relative to the people still available with it (the most urgent);
pick a random available person with that value (anyone available once every min is met); drop
everyone who would now break a max or shares the person's household. A dead end (a need that
no one left can meet, or no one left at all) starts the whole panel again, up to `ATTEMPTS`
times. Nobody computes its selection chances, so they are estimated by running it many times.
"""

from collections.abc import Callable

import numpy as np

from coproduce.selection.draw import SeededStream
from coproduce.selection.pool import SelectionProblem

ATTEMPTS = 100


class LegacyDeadEnd(Exception):
    """Every attempt of the legacy method hit a dead end."""


class _Pool:
    def __init__(self, problem: SelectionProblem) -> None:
        rows = {(q.feature, q.value): index for index, q in enumerate(problem.quotas)}
        self.ids = [person.id for person in problem.people]
        self.codes = np.array(
            [[rows[f, p.features[f]] for f in problem.features] for p in problem.people]
        )
        self.minimum = np.array([q.min for q in problem.quotas])
        self.maximum = np.array([q.max for q in problem.quotas])
        homes = [p.household or f"\0{p.id}" for p in problem.people]
        index = {home: number for number, home in enumerate(dict.fromkeys(homes))}
        self.homes = np.array([index[home] for home in homes])
        self.size = problem.panel_size


def legacy_panel(problem: SelectionProblem, seed: str | int, purpose: str = "panel") -> list[str]:
    """One panel by the legacy method, from the seed's `purpose` stream."""
    return _legacy(_Pool(problem), SeededStream(seed, purpose))


def _legacy(pool: _Pool, stream: SeededStream) -> list[str]:
    quotas = len(pool.minimum)
    for _ in range(ATTEMPTS):
        available = np.ones(len(pool.ids), dtype=bool)
        counts = np.zeros(quotas, dtype=np.int64)
        chosen: list[int] = []
        while len(chosen) < pool.size:
            need = np.maximum(pool.minimum - counts, 0)
            supply = np.bincount(pool.codes[available].ravel(), minlength=quotas)
            if not available.any() or (need > supply).any():
                break
            candidates = available
            if need.any():
                urgency = np.where(need > 0, need / np.maximum(supply, 1), -1.0)
                most = np.flatnonzero(urgency == urgency.max())
                value = most[stream.below(len(most))]
                candidates = available & (pool.codes == value).any(axis=1)
            indices = np.flatnonzero(candidates)
            person = int(indices[stream.below(len(indices))])
            chosen.append(person)
            counts[pool.codes[person]] += 1
            full = counts >= pool.maximum
            available &= ~full[pool.codes].any(axis=1) & (pool.homes != pool.homes[person])
        else:
            if (counts >= pool.minimum).all():
                return sorted(pool.ids[person] for person in chosen)
    raise LegacyDeadEnd(f"the legacy method hit a dead end {ATTEMPTS} times in a row")


def legacy_chances(
    problem: SelectionProblem,
    seed: str | int,
    runs: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, float]:
    """Each person's share of `runs` legacy panels, run i drawn from the seed's
    "legacy-estimate-<i>" stream. Runs that dead-end every attempt count as drawing no one."""
    pool = _Pool(problem)
    selected = dict.fromkeys(pool.ids, 0)
    for run in range(runs):
        try:
            panel = _legacy(pool, SeededStream(seed, f"legacy-estimate-{run}"))
        except LegacyDeadEnd:
            panel = []
        for person in panel:
            selected[person] += 1
        if progress is not None and ((run + 1) % 50 == 0 or run + 1 == runs):
            progress(run + 1, runs)
    return {person: count / runs for person, count in selected.items()}
