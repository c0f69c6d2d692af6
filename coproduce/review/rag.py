"""Red, amber and green against target: the sums behind every rating in the outcomes framework.

Plain Python: this module imports nothing from Django, so it can be tested on its own.

The rule, in plain words
------------------------
- Green: the target is met (at or above it when higher is better, at or below it when lower is
  better).
- Amber: not met, but close. "Close" is measured against the distance the indicator was asked
  to travel: from the baseline to the target. A value whose gap to the target is at most
  ``amber_share`` of that distance is amber (the default, a quarter, means "at least three
  quarters of the way there"). With no baseline, or a baseline equal to the target (the aim is
  to keep a level), the distance is the size of the target itself.
- Red: anything further away, including a value that has gone the wrong way from the baseline.
- No rating: no value yet.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

DEFAULT_AMBER_SHARE = Decimal("0.25")


class Rating(Enum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            Rating.GREEN: "Green: target met",
            Rating.AMBER: "Amber: close to target",
            Rating.RED: "Red: off target",
            Rating.NONE: "No figure yet",
        }[self]


@dataclass(frozen=True)
class Goal:
    """What an indicator is asked to reach."""

    target: Decimal
    baseline: Decimal | None = None
    higher_is_better: bool = True
    amber_share: Decimal = DEFAULT_AMBER_SHARE

    def __post_init__(self) -> None:
        if not Decimal("0") <= self.amber_share <= Decimal("1"):
            raise ValueError("amber_share must be between 0 and 1")

    def met(self, value: Decimal) -> bool:
        return value >= self.target if self.higher_is_better else value <= self.target

    def distance(self) -> Decimal:
        """How far the indicator was asked to travel (never negative)."""
        if self.baseline is not None and self.baseline != self.target:
            return abs(self.target - self.baseline)
        return abs(self.target)

    def gap(self, value: Decimal) -> Decimal:
        """How far a value falls short of the target (0 when it is met)."""
        if self.met(value):
            return Decimal("0")
        return abs(self.target - value)


def rate(value: Decimal | None, goal: Goal) -> Rating:
    """The rating of one value against the goal."""
    if value is None:
        return Rating.NONE
    if goal.met(value):
        return Rating.GREEN
    if goal.gap(value) <= goal.amber_share * goal.distance():
        return Rating.AMBER
    return Rating.RED


def progress(value: Decimal | None, goal: Goal) -> Decimal | None:
    """Share of the way from the baseline to the target, capped to 0..1 (None without a
    baseline that differs from the target, or without a value)."""
    if value is None or goal.baseline is None or goal.baseline == goal.target:
        return None
    travelled = (value - goal.baseline) / (goal.target - goal.baseline)
    return max(Decimal("0"), min(Decimal("1"), travelled))
