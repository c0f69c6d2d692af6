"""What one answer adds to the results' running counts (`AnswerTally`, see ADR 10).

Plain Python: no Django, so the data migration that first builds the counts, the services that
keep them up to date and the rebuild all use this one definition.

Each contribution is (measure, row, option, amount):

- ``answered``: the answer itself, for every kind of question (row and option empty);
- ``chosen``: the option picked (choose one, scale) or each option picked (choose all);
- ``first``: the item put first (ranking);
- ``places``: the place each item was put in, summed (ranking: the average place is the sum
  over the number who answered);
- ``grid``: each grid row's point (matrix).

Numbers are not counted here: their smallest and largest cannot be taken away again, so results
ask the database for them.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

ANSWERED = "answered"
CHOSEN = "chosen"
FIRST = "first"
PLACES = "places"
GRID = "grid"

Contribution = tuple[str, str, str, int]


def contributions(
    kind: str, choice: str, choices: Sequence[Any], matrix: Mapping[str, Any]
) -> Iterator[Contribution]:
    """The counts one answer to a question of `kind` adds to (its stored values as given)."""
    yield ANSWERED, "", "", 1
    if kind in ("single_choice", "scale"):
        if choice:
            yield CHOSEN, "", choice, 1
    elif kind == "multiple_choice":
        for item in choices:
            yield CHOSEN, "", str(item), 1
    elif kind == "ranking":
        if choices:
            yield FIRST, "", str(choices[0]), 1
        for place, item in enumerate(choices, start=1):
            yield PLACES, "", str(item), place
    elif kind == "matrix":
        for row, point in matrix.items():
            yield GRID, str(row), str(point), 1
