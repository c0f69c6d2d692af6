"""Reading comments and labelled examples from CSV files, writing themes and assignments.

No Django here: the command line uses these with no settings and no database. Every error is
a ThemingInputError whose message is one line naming the file (and row) and what to change.
"""

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# Spreadsheets often leave a theme cell empty rather than typing 0.
_NO = {"0", ""}
_YES = {"1"}


class ThemingInputError(Exception):
    """Input that cannot be used; the message says why in one line."""


@dataclass(frozen=True)
class Comments:
    ids: list[str]
    texts: list[str]
    id_column: str


@dataclass(frozen=True)
class Labelled:
    texts: list[str]
    themes: list[str]
    labels: np.ndarray  # comments × themes, 0/1


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.reader(file))
    except FileNotFoundError:
        raise ThemingInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ThemingInputError(f"{path}: is a folder, not a CSV file") from None
    except UnicodeDecodeError:
        raise ThemingInputError(f"{path}: is not UTF-8 text; save it as CSV UTF-8") from None
    except (OSError, csv.Error) as error:
        raise ThemingInputError(f"{path}: cannot read it ({error})") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ThemingInputError(f"{path}: the file is empty")
    header = [cell.strip() for cell in rows[0]]
    if len(set(header)) != len(header):
        raise ThemingInputError(f"{path}: a column name appears twice in the header")
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ThemingInputError(
                f"{path} row {number}: {len(row)} values for {len(header)} columns"
            )
    if len(rows) == 1:
        raise ThemingInputError(f"{path}: there are no rows after the header")
    return header, rows[1:]


def _column(path: Path, header: list[str], name: str, what: str) -> int:
    if name not in header:
        raise ThemingInputError(f"{path}: there is no {what} column {name!r}")
    return header.index(name)


def read_comments(path: Path, text_column: str, id_column: str | None = None) -> Comments:
    """The comments to theme. Without an id column, each comment's id is its row number in
    the file (the header is row 1), so results can still be matched back."""
    header, body = _read(path)
    text_at = _column(path, header, text_column, "text")
    if id_column is None:
        ids = [str(number) for number in range(2, len(body) + 2)]
    else:
        id_at = _column(path, header, id_column, "id")
        ids = [row[id_at].strip() for row in body]
        for number, value in enumerate(ids, start=2):
            if not value:
                raise ThemingInputError(f"{path} row {number}: the id is empty")
        seen: set[str] = set()
        for value in ids:
            if value in seen:
                raise ThemingInputError(f"{path}: the id {value!r} appears more than once")
            seen.add(value)
    return Comments(ids, [row[text_at].strip() for row in body], id_column or "row")


def read_labelled(path: Path, text_column: str, id_column: str | None = None) -> Labelled:
    """Examples tagged by people: the text column and one 0/1 column per theme (every other
    column, except the id column if named). An empty cell counts as 0."""
    header, body = _read(path)
    text_at = _column(path, header, text_column, "text")
    skip = {text_at}
    if id_column is not None and id_column in header:
        skip.add(header.index(id_column))
    theme_at = [index for index in range(len(header)) if index not in skip]
    if not theme_at:
        raise ThemingInputError(f"{path}: there are no theme columns besides {text_column!r}")
    labels = np.zeros((len(body), len(theme_at)), dtype=np.int8)
    for number, row in enumerate(body, start=2):
        for position, index in enumerate(theme_at):
            value = row[index].strip()
            if value in _YES:
                labels[number - 2, position] = 1
            elif value not in _NO:
                raise ThemingInputError(
                    f"{path} row {number}: theme {header[index]!r} must be 0 or 1, not {value!r}"
                )
    if not labels.any():
        raise ThemingInputError(f"{path}: no comment is tagged with any theme (all 0)")
    return Labelled([row[text_at].strip() for row in body], [header[i] for i in theme_at], labels)


def write_assignments(
    path: Path,
    id_column: str,
    ids: Sequence[str],
    themes: Sequence[str],
    decisions: np.ndarray,
    scores: np.ndarray,
) -> None:
    """The id column, one 0/1 column per theme in the training file's order, then a
    score_<theme> column per theme (the classifier's confidence, 0 to 1)."""
    header = [id_column, *themes, *(f"score_{theme}" for theme in themes)]
    try:
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            for row, identifier in enumerate(ids):
                writer.writerow(
                    [
                        identifier,
                        *(int(value) for value in decisions[row]),
                        *(f"{value:.4f}" for value in scores[row]),
                    ]
                )
    except OSError as error:
        raise ThemingInputError(f"cannot write {path}: {error.strerror or error}") from None


def write_json(path: Path, data: Any) -> None:
    try:
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:
        raise ThemingInputError(f"cannot write {path}: {error.strerror or error}") from None
