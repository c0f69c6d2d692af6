"""Can any panel meet the quotas? If not, which quotas conflict and what is the smallest change
that would let them be met: plain words for the people setting the quotas, never a traceback.

Cheap checks on one quota or one feature come first; then the integer program of
`panels.Constraints`. When it has no solution, a second integer program finds the smallest total
change to the mins, maxes and panel size that makes it solvable, and a deletion filter finds a
minimal set of bounds that conflict on their own (removing any one of them would resolve it).
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from coproduce.selection.panels import Constraints, load, solved, solver
from coproduce.selection.pool import Person, Quota, SelectionInputError, SelectionProblem

# Changing the panel size costs a little more than changing a quota by the same number, so of
# two equally small fixes the one that keeps the size the organisers chose is offered.
SIZE_CHANGE_COST = 1.001


@dataclass(frozen=True)
class QuotaChange:
    feature: str
    value: str
    bound: str  # "min" or "max"
    old: int
    new: int

    def __str__(self) -> str:
        return f"{self.feature} = {self.value}: {self.bound} {self.old} → {self.new}"


@dataclass(frozen=True)
class Infeasibility:
    """Why no panel can be selected. `reasons` are plain sentences; `conflicting` names the
    quota bounds in conflict; `changes` and `panel_size` are the smallest relaxation that
    would make selection possible (`panel_size` is None when the size can stay)."""

    reasons: tuple[str, ...]
    conflicting: tuple[str, ...] = ()
    changes: tuple[QuotaChange, ...] = ()
    panel_size: int | None = None

    @property
    def message(self) -> str:
        """All of it on one line, for a command's error or a form's summary."""
        parts = [" ".join(self.reasons)]
        if self.conflicting:
            parts.append("In conflict: " + "; ".join(self.conflicting) + ".")
        fixes = [str(change) for change in self.changes]
        if self.panel_size is not None:
            fixes.append(f"panel size → {self.panel_size}")
        if fixes:
            parts.append("Smallest change that would work: " + "; ".join(fixes) + ".")
        return " ".join(parts)


class InfeasibleQuotas(Exception):
    def __init__(self, explanation: Infeasibility) -> None:
        super().__init__(explanation.message)
        self.explanation = explanation


def check_feasibility(
    people: Iterable[Person], quotas: Iterable[Quota], panel_size: int
) -> Infeasibility | None:
    """None if some panel meets every quota (and the household rule); otherwise why not.
    Fast enough to run as people edit quotas: cheap checks first, one integer program after."""
    try:
        problem = SelectionProblem.build(people, quotas, panel_size)
    except SelectionInputError as error:
        return Infeasibility((f"{str(error)[0].upper()}{str(error)[1:]}.",))
    return explain(problem)


def explain(problem: SelectionProblem) -> Infeasibility | None:
    reasons = _cheap_checks(problem)
    constraints = Constraints.of(problem)
    if not reasons:
        highs = solver()
        load(highs, constraints, integral=True)
        if solved(highs):
            return None
        reasons = ["No panel can meet all these quotas together."]
    changes, size = _smallest_relaxation(problem, constraints)
    return Infeasibility(tuple(reasons), _conflict(problem, constraints), changes, size)


def _cheap_checks(problem: SelectionProblem) -> list[str]:
    size = problem.panel_size
    reasons = []
    households = bool(problem.households)
    if households and problem.household_count < size:
        reasons.append(
            f"With one person per household there are only {problem.household_count} "
            f"households, fewer than the panel size {size}."
        )
    for feature in problem.features:
        rows = [quota for quota in problem.quotas if quota.feature == feature]
        for quota in rows:
            available = problem.households_with(quota)
            if quota.min > available:
                whom = "households have" if households else "people in the pool have"
                reasons.append(
                    f"The min for {quota.label} is {quota.min}, but only {available} {whom} it."
                )
        mins = sum(quota.min for quota in rows)
        if mins > size:
            reasons.append(
                f"The mins for {feature} add up to {mins}, more than the panel size {size}."
            )
        most = sum(min(quota.max, problem.households_with(quota)) for quota in rows)
        if most < size:
            reasons.append(
                f"At most {most} people can be selected across the values of {feature} "
                f"(their maxes, or fewer people), fewer than the panel size {size}."
            )
    return reasons


def _smallest_relaxation(
    problem: SelectionProblem, constraints: Constraints
) -> tuple[tuple[QuotaChange, ...], int | None]:
    """Per quota row two slack columns (lower the min, raise the max), and two for the size
    row; household rows stay hard. Minimise the total slack."""
    quota_count = len(problem.quotas)
    rows = constraints.matrix.shape[0]
    extra = np.zeros((rows, 2 * quota_count + 2))
    for index, quota in enumerate(problem.quotas):
        row = constraints.quota_rows[quota]
        extra[row, 2 * index] = 1.0  # counts as people towards the min
        extra[row, 2 * index + 1] = -1.0  # room above the max
    extra[0, -2] = 1.0  # a smaller panel
    extra[0, -1] = -1.0  # a larger panel
    highs = solver()
    upper = [float(q.min) if i % 2 == 0 else 1e30 for q in problem.quotas for i in range(2)]
    upper += [float(problem.panel_size - 1), float(len(problem.people) - problem.panel_size)]
    load(highs, constraints, integral=True, extra_columns=extra, extra_upper=upper)
    first = len(problem.groups)
    costs = [-1.0] * (2 * quota_count) + [-SIZE_CHANGE_COST, -SIZE_CHANGE_COST]
    columns = np.arange(first, first + len(costs), dtype=np.int32)
    highs.changeColsCost(len(columns), columns, np.array(costs))
    if not solved(highs):  # the household rule alone rules out every panel of any size
        return (), None
    slack = [round(value) for value in highs.getSolution().col_value[first:]]
    changes = []
    for index, quota in enumerate(problem.quotas):
        lower, raise_ = slack[2 * index], slack[2 * index + 1]
        if lower:
            changes.append(
                QuotaChange(quota.feature, quota.value, "min", quota.min, quota.min - lower)
            )
        if raise_:
            changes.append(
                QuotaChange(quota.feature, quota.value, "max", quota.max, quota.max + raise_)
            )
    size = problem.panel_size - slack[-2] + slack[-1]
    return tuple(changes), (None if size == problem.panel_size else int(size))


def _conflict(problem: SelectionProblem, constraints: Constraints) -> tuple[str, ...]:
    """A minimal set of quota bounds that cannot hold together (with the panel size and the
    household rule): drop each bound in turn and keep it dropped if the rest still conflict.
    Bounds that constrain nothing (min 0, max at least the panel size) are never in it."""
    highs = solver()
    load(highs, constraints, integral=True)
    lower, upper = constraints.lower.copy(), constraints.upper.copy()
    bounds = [
        (quota, side)
        for quota in problem.quotas
        for side in ("min", "max")
        if (side == "min" and quota.min > 0)
        or (side == "max" and quota.max < min(problem.people_with(quota), problem.panel_size))
    ]
    kept = []
    for quota, side in bounds:
        row = constraints.quota_rows[quota]
        if side == "min":
            lower[row] = -1e30
        else:
            upper[row] = 1e30
        highs.changeRowBounds(row, lower[row], upper[row])
        if solved(highs):  # needed for the conflict: put it back
            lower[row], upper[row] = constraints.lower[row], constraints.upper[row]
            highs.changeRowBounds(row, lower[row], upper[row])
            kept.append(f"{quota.label} {side} {quota.min if side == 'min' else quota.max}")
    return tuple(kept)
