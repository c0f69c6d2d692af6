"""LEXIMIN: the fairest lottery over quota-meeting panels (Flanigan et al., Nature 2021).

Among all probability distributions over panels that meet the quotas, LEXIMIN picks the one
that maximises the smallest chance any volunteer has of being selected, then, keeping that, the
second smallest, and so on. Each round solves "maximise z, the smallest chance among the people
not yet settled, keeping everyone settled at their chance" by column generation:

- the master LP (solved as its dual) chooses weights for the panels found so far; its duals
  say how much raising each group's chance would help (a "price" per person);
- the pricing program (an integer program, `PanelFinder`) finds the panel worth most at given
  prices; a panel worth more than the master's bound joins the master. Any prices also bound
  the round's optimum from above, so the round ends when that bound meets the master's z;
- people with a positive price in prices that prove the optimum cannot go above z in any
  optimal lottery (complementary slackness), so they are settled at z and the next round lifts
  the rest.

Plain column generation needs many rounds here (the duals jump between extremes, and the
optimal lottery mixes about as many panels as there are groups), so each round also smooths
the prices towards the best bound so far and explores: a cheap local search from the panels in
use, at randomly perturbed prices, adds a few hundred varied panels per round.

We work with groups of interchangeable people (see `pool.Group`): everyone in a group gets the
same chance, so a panel is a count per group and the LP has one row per group, not per person.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from coproduce.selection.panels import INFINITY, Counts, PanelFinder, solved, solver
from coproduce.selection.pool import SelectionProblem

Progress = Callable[[int, int], None]

# A panel must beat the master's bound by this much to join: below it the gain is noise.
PRICE_TOLERANCE = 1e-7
# Settled chances are held this far below the round's optimum, so LP round-off never makes
# the next round infeasible; the reported chances come from the final lottery all the same.
SETTLE_MARGIN = 1e-9
# Weight of the centre in the prices searched (the rest is the master's duals).
SMOOTHING = 0.8
# A round ends when the best bound is this close to the master's optimum.
GAP_TOLERANCE = 1e-10
# A price settles its group if even this small a rise in the group's chance would show in
# the gap: gap / price bounds how far the group's chance could still rise.
SETTLE_ERROR = 1e-6
# Each round, local search starts from this many of the master's most-used panels.
SWAP_STARTS = 256
# Scale of the random part of the prices the local search explores with, against the centre's
# equal prices: random prices give varied panels, so the master needs far fewer rounds.
EXPLORATION = 100.0
# From this many panels the master is solved by interior point (with crossover to a vertex,
# whose duals are the prices and weights) rather than warm-started dual simplex: its panel
# rows are dense, so simplex steps get costly and a warm start saves few of them. Measured on
# masters saved from the 2,000 × 200 benchmark: 3 to 5 times faster from about 400 panels.
INTERIOR_POINT_FROM = 300
# Weights this small are dropped from the lottery (then the rest are rescaled to sum to one).
NEGLIGIBLE_WEIGHT = 1e-10


@dataclass(frozen=True)
class Lottery:
    """A probability distribution over panel compositions (count per group)."""

    compositions: tuple[Counts, ...]
    weights: tuple[float, ...]

    def group_chances(self, group_sizes: np.ndarray) -> np.ndarray:
        """Each group member's chance of selection: expected count over group size."""
        expected = np.zeros(len(group_sizes))
        for composition, weight in zip(self.compositions, self.weights, strict=True):
            expected += weight * composition
        return np.clip(expected / group_sizes, 0.0, 1.0)  # float round-off only


def leximin_lottery(problem: SelectionProblem, progress: Progress | None = None) -> Lottery:
    """The LEXIMIN lottery for a problem whose quotas are feasible (check them first)."""
    finder = PanelFinder(problem)
    master = _DualMaster(finder.sizes)
    first = finder.any_panel()
    assert first is not None, "quotas must be checked as feasible before the lottery"
    master.add(first)
    settled = np.zeros(len(finder.sizes), dtype=bool)
    values = np.zeros(len(finder.sizes))
    people = int(finder.sizes.sum())
    while not settled.all():
        chance, prices, gap = _maximin_round(finder, master, settled, values)
        newly = ~settled & (prices * SETTLE_ERROR > gap)
        if not newly.any():
            newly = ~settled & (prices == prices[~settled].max())
        master.settle(np.flatnonzero(newly), chance - SETTLE_MARGIN)
        values[newly] = chance - SETTLE_MARGIN
        settled |= newly
        if progress is not None:
            progress(int(finder.sizes[settled].sum()), people)
    return master.lottery()


def _maximin_round(
    finder: PanelFinder, master: "_DualMaster", settled: np.ndarray, values: np.ndarray
) -> tuple[float, np.ndarray, float]:
    """Column generation for one round, stabilised by smoothing the duals (Wentges): panels
    are searched at prices that mix the master's duals with the best prices so far (the
    "centre"). The master's duals alone jump between extremes and take many rounds; the centre
    starts as an equal price per unsettled person, which on many pools proves the optimum.

    Any prices summing to one over the unsettled groups bound the round's optimum from above:
    the best panel's price less what the settled are owed. Returns the optimum z, prices and
    their gap to z (how far z could be below the true optimum)."""
    sizes = finder.sizes
    open_people = np.where(settled, 0.0, sizes)
    centre = open_people / open_people.sum()
    centre_bound = INFINITY
    smoothing = 1.0  # the first search is at the centre itself
    explore = np.random.default_rng(0)
    while True:
        z, duals, bound = master.solve()
        if centre_bound - z <= GAP_TOLERANCE:
            return z, centre, max(centre_bound - z, 0.0)
        prices = smoothing * centre + (1 - smoothing) * duals
        weights = prices / sizes
        best = finder.best_panel(weights)
        prices_bound = float(best @ weights - prices[settled] @ values[settled])
        if prices_bound < centre_bound:
            centre, centre_bound = prices, prices_bound
        # A panel helps the master only if it beats the master's own bound at its duals.
        dual_weights = duals / sizes
        beat = bound + PRICE_TOLERANCE
        candidates = [best] + [
            finder.improve(
                start, (duals + EXPLORATION * centre * explore.random(len(sizes))) / sizes
            )
            for start in master.in_use(SWAP_STARTS)
        ]
        added = sum(master.add(panel) for panel in candidates if panel @ dual_weights > beat)
        if added:
            smoothing = min(smoothing, SMOOTHING)
        elif smoothing == 0.0:
            return z, duals, max(float(best @ dual_weights) - bound, 0.0)
        else:  # searched too far from the duals to help the master: come closer
            smoothing = smoothing / 2 if smoothing > 0.1 else 0.0


class _DualMaster:
    """The master LP's dual, solved with HiGHS's dual simplex (new panels are new rows, so the
    last basis stays dual feasible): minimise ŷ − Σ settled value × y_g subject to
    Σ_g share_g(P) y_g ≤ ŷ for every panel P found so far, Σ y_g over unsettled groups = 1,
    y ≥ 0. The y_g are the groups' prices; the panel rows' duals are the lottery weights."""

    def __init__(self, sizes: np.ndarray) -> None:
        self.sizes = sizes.astype(float)
        self.groups = len(sizes)
        self.highs = solver()
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("simplex_strategy", 1)
        self.highs.setOptionValue("run_crossover", "on")
        self.highs.passModel(
            self.groups + 1,
            1,
            self.groups,
            1,
            1,
            0.0,
            np.concatenate([np.zeros(self.groups), [1.0]]),
            np.concatenate([np.zeros(self.groups), [-INFINITY]]),
            np.full(self.groups + 1, INFINITY),
            np.array([1.0]),
            np.array([1.0]),
            np.append(np.arange(self.groups), [self.groups, self.groups]).astype(np.int32),
            np.zeros(self.groups, dtype=np.int32),
            np.ones(self.groups),
            np.zeros(self.groups + 1, dtype=np.int32),
        )
        self.panels: list[Counts] = []
        self.seen: set[bytes] = set()

    def add(self, composition: Counts) -> bool:
        key = composition.tobytes()
        if key in self.seen:
            return False
        self.seen.add(key)
        self.panels.append(composition)
        columns = np.flatnonzero(composition)
        self.highs.addRow(
            -INFINITY,
            0.0,
            len(columns) + 1,
            np.append(columns, self.groups).astype(np.int32),
            np.append(composition[columns] / self.sizes[columns], -1.0),
        )
        return True

    def solve(self) -> tuple[float, np.ndarray, float]:
        large = len(self.panels) >= INTERIOR_POINT_FROM
        self.highs.setOptionValue("solver", "ipm" if large else "simplex")
        try:
            found = solved(self.highs)
        except RuntimeError:
            if not large:
                raise
            # Interior point can stop short on a degenerate master: simplex always finishes.
            self.highs.setOptionValue("solver", "simplex")
            found = solved(self.highs)
        if not found:
            raise RuntimeError("the master LP has no solution")
        solution = self.highs.getSolution()
        values = np.asarray(solution.col_value)
        return self.highs.getObjectiveValue(), np.maximum(values[:-1], 0.0), float(values[-1])

    def _weights(self) -> np.ndarray:
        return np.abs(np.asarray(self.highs.getSolution().row_dual)[1:])

    def in_use(self, most: int) -> list[Counts]:
        weights = self._weights()
        return [self.panels[i] for i in np.argsort(-weights, kind="stable")[:most]]

    def settle(self, groups: np.ndarray, chance: float) -> None:
        for group in groups:
            self.highs.changeCoeff(0, int(group), 0.0)
            self.highs.changeColCost(int(group), -chance)

    def lottery(self) -> Lottery:
        weights = self._weights()
        weights[weights < NEGLIGIBLE_WEIGHT] = 0.0
        weights /= weights.sum()
        kept = np.flatnonzero(weights)
        return Lottery(tuple(self.panels[i] for i in kept), tuple(float(weights[i]) for i in kept))
