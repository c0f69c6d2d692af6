"""Reading the pool and the quotas from CSV files, with errors that say which file and row."""

import csv
from pathlib import Path

from coproduce.selection.pool import Person, Quota, SelectionInputError

QUOTA_COLUMNS = ("feature", "value", "min", "max")


def _rows(path: Path) -> list[list[str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = [[cell.strip() for cell in row] for row in csv.reader(file)]
    except FileNotFoundError:
        raise SelectionInputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise SelectionInputError(f"{path}: cannot read it ({error})") from None
    rows = [row for row in rows if any(row)]
    if not rows:
        raise SelectionInputError(f"{path}: the file is empty")
    return rows


def read_people(path: Path, household_column: str | None = None) -> list[Person]:
    """people.csv: `id` first, then one column per feature (and the household column if
    named, which is not a feature)."""
    header, *body = _rows(path)
    if header[0] != "id":
        raise SelectionInputError(f"{path}: the first column must be named id, not {header[0]!r}")
    if len(set(header)) != len(header):
        raise SelectionInputError(f"{path}: a column name appears twice in the header")
    if household_column is not None and household_column not in header[1:]:
        raise SelectionInputError(f"{path}: there is no household column {household_column!r}")
    features = [column for column in header[1:] if column != household_column]
    people = []
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise SelectionInputError(
                f"{path} row {number}: {len(row)} values for {len(header)} columns"
            )
        values = dict(zip(header, row, strict=True))
        people.append(
            Person(
                values["id"],
                {feature: values[feature] for feature in features},
                (values[household_column] or None) if household_column else None,
            )
        )
    return people


def read_quotas(path: Path) -> list[Quota]:
    """features.csv: columns feature, value, min, max (in any order)."""
    header, *body = _rows(path)
    if sorted(header) != sorted(QUOTA_COLUMNS):
        raise SelectionInputError(
            f"{path}: the columns must be feature,value,min,max, not {','.join(header)}"
        )
    quotas = []
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise SelectionInputError(f"{path} row {number}: {len(row)} values for 4 columns")
        values = dict(zip(header, row, strict=True))
        bounds = []
        for bound in ("min", "max"):
            if not values[bound].isdigit():
                raise SelectionInputError(
                    f"{path} row {number}: min and max must be whole numbers, "
                    f"not {bound} {values[bound]!r}"
                )
            bounds.append(int(values[bound]))
        quotas.append(Quota(values["feature"], values["value"], bounds[0], bounds[1]))
    return quotas
