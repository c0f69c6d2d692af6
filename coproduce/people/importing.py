"""Reading and checking import files: CSV or Excel (.xlsx), one record a row under a row of
column headings.

Plain Python (and openpyxl): nothing here touches the database or Django. `open_table` reads
a file as rows of text; `RowCleaner` matches the headings to a list of `Column`s and checks
each cell, saying what is wrong in words a person can act on ("Row 7, column email: 'pat at
example' is not an email address. Use the form name@example.com."). What needs the database
(communities that must exist, the register's own rules) is checked by `import_services`.
"""

import codecs
import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 100

# Kinds of column
TEXT = "text"
EMAIL = "email"
PHONE = "phone"
URL = "url"
CHOICE = "choice"
CHOICES = "choices"  # several, separated by semicolons
YES_NO = "yes_no"
DATE = "date"

YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0", ""})
EMAIL_RE = re.compile(r"^[^@\s,;<>()\[\]]+@[^@\s,;<>()\[\]]+\.[^@\s,;<>()\[\].]+$")
PHONE_RE = re.compile(r"^\+?[\d\s().-]+$")
URL_RE = re.compile(r"^https?://[^\s/.]+(\.[^\s/.]+)+(/\S*)?$", re.IGNORECASE)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")


class ImportFileError(Exception):
    """The whole file cannot be read: wrong type, too large, empty or unreadable."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, in words. `row` is the row number a spreadsheet shows
    (the headings are row 1); `column` is the heading as written in the file."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return f"Row {self.row}, column {self.column}: {self.message}"
        if self.row is not None:
            return f"Row {self.row}: {self.message}"
        return self.message


@dataclass(frozen=True)
class Column:
    """A column the importer understands. Headings match `key`, `label` or any alias,
    ignoring case, spaces, underscores and punctuation. Choices are (code, label) pairs: a
    cell may hold either."""

    key: str
    label: str
    kind: str = TEXT
    required: bool = False
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    aliases: tuple[str, ...] = ()
    unique: bool = False  # no two rows may share a value (ignoring case)
    hint: str = ""
    example: str = ""


def heading_key(text: str) -> str:
    """'Preferred_Channel ', 'preferred channel' and 'E-mail' -> 'preferredchannel', 'email':
    letters and digits only, so spaces, underscores, hyphens and case do not matter."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(character for character in text if character.isalnum())


def column_letter(index: int) -> str:
    """0 -> 'A', 26 -> 'AA': as spreadsheets name columns."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def quoted(value: str, limit: int = 60) -> str:
    return f"'{value if len(value) <= limit else value[: limit - 1] + '…'}'"


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: numbers without '.0', dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


# Reading files ----------------------------------------------------------------------------


@dataclass
class Table:
    """The headings and an iterator of (row number, cells) for the rows under them. Blank rows
    are skipped (their numbers are not reused); more than MAX_ROWS rows raises
    ImportFileError while iterating."""

    headings: list[str]
    rows: Iterator[tuple[int, list[str]]]
    file_format: str  # "csv" or "xlsx"


def detect_format(head: bytes, filename: str) -> str:
    name = filename.lower()
    if head.startswith(b"PK\x03\x04"):
        if name.endswith((".xlsx", ".xlsm")):
            return "xlsx"
        raise ImportFileError(
            "The file must be a CSV file or an Excel workbook (.xlsx). If it is an "
            "OpenDocument spreadsheet, save it as .xlsx or CSV first."
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "The file is in the old Excel format (.xls). Save it as an Excel workbook (.xlsx) "
            "or as CSV, then upload it again."
        )
    if name.endswith((".xlsx", ".xlsm")):
        raise ImportFileError("The file is named as an Excel workbook (.xlsx) but is not one.")
    if b"\x00" in head or not name.endswith((".csv", ".txt")):
        raise ImportFileError("The file must be a CSV file or an Excel workbook (.xlsx).")
    return "csv"


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in this encoding.
        return data.decode("cp1252", errors="replace")


def _numbered(rows: Iterator[Sequence[Any]]) -> Iterator[tuple[int, list[str]]]:
    for number, row in enumerate(rows, start=1):
        cells = [cell_text(value) for value in row[: MAX_COLUMNS + 1]]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield number, cells


def _limited(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise ImportFileError(
                f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files and "
                "import each one."
            )
        yield row


@contextmanager
def open_table(path: Path, filename: str) -> Iterator[Table]:
    """Opens a stored upload. Raises ImportFileError if it is not a readable CSV or .xlsx
    file, is larger than MAX_BYTES, or has no headings."""
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError("The file is empty.")
    if size > MAX_BYTES:
        raise ImportFileError(
            f"The file is {size / 1024 / 1024:.1f} MB: the largest we can take is "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )
    with path.open("rb") as stream:
        file_format = detect_format(stream.read(4096), filename)
    if file_format == "csv":
        text = _decode(path.read_bytes())
        first_line = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=first_line.count)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            rows = _numbered(reader)
            yield _table(rows, file_format)
        except csv.Error as error:
            raise ImportFileError(f"The CSV file cannot be read: {error}.") from error
        return
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    # A file object, not the path: stored uploads have no extension for openpyxl to check.
    with path.open("rb") as stream:
        try:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
            raise ImportFileError(
                "The Excel workbook cannot be read. Open it in Excel and save it again as "
                ".xlsx, or save it as CSV."
            ) from error
        try:
            sheet = workbook.worksheets[0]
            rows = _numbered(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True))
            yield _table(rows, file_format)
        finally:
            workbook.close()


def _table(rows: Iterator[tuple[int, list[str]]], file_format: str) -> Table:
    first = next(rows, None)
    if first is None:
        raise ImportFileError("The file is empty: it has no headings and no rows.")
    number, headings = first
    if number != 1:
        raise ImportFileError(
            f"The column headings must be in row 1, but row 1 is blank (they are in row "
            f"{number}). Delete the blank rows above them."
        )
    if len(headings) > MAX_COLUMNS:
        raise ImportFileError(f"The file has more than {MAX_COLUMNS} columns.")
    return Table(headings=headings, rows=_limited(rows), file_format=file_format)


# Checking rows ----------------------------------------------------------------------------


def _choice_key(text: str) -> str:
    return heading_key(text)


def describe_choices(choices: Sequence[tuple[str, str]], limit: int = 30) -> str:
    shown = [code if code == label else f"{code} ({label})" for code, label in choices[:limit]]
    more = f" and {len(choices) - limit} more" if len(choices) > limit else ""
    return ", ".join(shown) + more


@dataclass
class RowCleaner:
    """Matches headings to columns once, then checks one row at a time, keeping what it needs
    to spot values repeated across rows."""

    headings: list[str]
    columns: Sequence[Column]
    problems: list[Problem] = field(default_factory=list)  # about the headings
    by_index: dict[int, Column] = field(default_factory=dict)
    heading_of: dict[str, str] = field(default_factory=dict)  # column key -> heading in file
    _lookup: dict[str, dict[str, str]] = field(default_factory=dict)
    _seen: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names: dict[str, Column] = {}
        for column in self.columns:
            for name in (column.key, column.label, *column.aliases):
                names.setdefault(heading_key(name), column)
            if column.choices:
                lookup: dict[str, str] = {}
                for code, label in column.choices:
                    lookup.setdefault(_choice_key(code), code)
                    lookup.setdefault(_choice_key(label), code)
                self._lookup[column.key] = lookup
            if column.unique:
                self._seen[column.key] = {}
        known = ", ".join(column.key for column in self.columns)
        first_index: dict[str, int] = {}
        for index, heading in enumerate(self.headings):
            if not heading.strip():
                continue
            letter = column_letter(index)
            found = names.get(heading_key(heading))
            if found is None:
                self.problems.append(
                    Problem(
                        f"Column {letter}, {quoted(heading)}, is not a column we can import. "
                        f"Remove it, or give it one of these headings: {known}."
                    )
                )
            elif found.key in first_index:
                earlier = column_letter(first_index[found.key])
                self.problems.append(
                    Problem(
                        f"Columns {earlier} and {letter} are both {quoted(found.key)}. "
                        "Keep only one of them."
                    )
                )
            else:
                first_index[found.key] = index
                self.by_index[index] = found
                self.heading_of[found.key] = heading.strip()
        for column in self.columns:
            if column.required and column.key not in first_index:
                self.problems.append(
                    Problem(
                        f"The file has no {quoted(column.key)} column ({column.label}). Add it "
                        "with a value in every row."
                    )
                )

    def heading(self, key: str) -> str:
        """How the file names a column (its key if the file has no such column)."""
        return self.heading_of.get(key, key)

    def clean(self, number: int, cells: list[str]) -> tuple[dict[str, Any], list[Problem]]:
        """Typed values by column key (every column, with empty defaults) and the problems
        with this row."""
        values: dict[str, Any] = {column.key: _empty(column) for column in self.columns}
        problems: list[Problem] = []
        for index, raw in enumerate(cells):
            column = self.by_index.get(index)
            if column is None:
                if raw and index < len(self.headings) and not self.headings[index].strip():
                    problems.append(
                        Problem(
                            f"There is a value in column {column_letter(index)}, which has no "
                            "heading. Give the column a heading or remove the value.",
                            number,
                        )
                    )
                elif raw and index >= len(self.headings):
                    problems.append(
                        Problem(
                            f"There is a value in column {column_letter(index)}, beyond the "
                            "last heading. Give the column a heading or remove the value.",
                            number,
                        )
                    )
                continue
            value, message = self._cell(column, raw)
            if message:
                problems.append(Problem(message, number, self.heading(column.key)))
            else:
                values[column.key] = value
        for column in self.columns:
            heading = self.heading(column.key)
            if (
                column.required
                and not values[column.key]
                and column.key in self.heading_of
                and not any(problem.column == heading for problem in problems)
            ):
                problems.append(
                    Problem(
                        f"Enter the {column.label.lower()}: it is needed for every row.",
                        number,
                        heading,
                    )
                )
            if column.unique and values[column.key]:
                seen = self._seen[column.key]
                marker = str(values[column.key]).casefold()
                if marker in seen:
                    problems.append(
                        Problem(
                            f"{quoted(str(values[column.key]))} is also in row {seen[marker]}. "
                            f"Each row needs its own {column.key.replace('_', ' ')}, or leave "
                            "it blank.",
                            number,
                            self.heading(column.key),
                        )
                    )
                else:
                    seen[marker] = number
        return values, problems

    def _cell(self, column: Column, raw: str) -> tuple[Any, str]:
        raw = raw.strip()
        if column.kind == CHOICE:
            if not raw:
                return "", ""
            code = self._lookup[column.key].get(_choice_key(raw))
            if code is None:
                return None, (
                    f"{quoted(raw)} is not one of the choices. Use one of: "
                    f"{describe_choices(column.choices)}."
                )
            return code, ""
        if column.kind == CHOICES:
            items = [item.strip() for item in re.split(r"[;\n]", raw) if item.strip()]
            codes: list[str] = []
            unknown = []
            for item in items:
                code = self._lookup.get(column.key, {}).get(_choice_key(item))
                if code is None:
                    unknown.append(item)
                elif code not in codes:
                    codes.append(code)
            if unknown:
                which = ", ".join(quoted(item) for item in unknown)
                hint = (
                    " Separate several with a semicolon (;)."
                    if any("," in item for item in unknown)
                    else ""
                )
                if not column.choices:
                    return None, f"{which}: there is nothing to choose from yet.{hint}"
                return None, (
                    f"{which} {'is' if len(unknown) == 1 else 'are'} not one of the choices. "
                    f"Use any of: {describe_choices(column.choices)}.{hint}"
                )
            return codes, ""
        if column.kind == YES_NO:
            answer = raw.casefold()
            if answer in YES:
                return True, ""
            if answer in NO:
                return False, ""
            return None, f"{quoted(raw)} is not yes or no. Write yes or no (or leave it blank)."
        if column.kind == DATE:
            if not raw:
                return None, ""
            # Excel dates arrive as "2025-12-31" (or with a time after a space).
            for text in dict.fromkeys((raw, raw.split(" ")[0])):
                for form in DATE_FORMATS:
                    try:
                        return datetime.datetime.strptime(text, form).date(), ""
                    except ValueError:
                        continue
            return None, f"{quoted(raw)} is not a date. Use the form 31/12/2025 or 2025-12-31."
        if column.max_length and len(raw) > column.max_length:
            return None, (
                f"{quoted(raw)} is {len(raw):,} characters long: the most it can be is "
                f"{column.max_length:,}."
            )
        if not raw:
            return "", ""
        if column.kind == EMAIL and not EMAIL_RE.match(raw):
            return None, f"{quoted(raw)} is not an email address. Use the form name@example.com."
        if column.kind == PHONE:
            digits = sum(character.isdigit() for character in raw)
            if not PHONE_RE.match(raw) or not 7 <= digits <= 15:
                return None, (
                    f"{quoted(raw)} is not a phone number. Use digits, for example 07700 900123."
                )
        if column.kind == URL:
            if "://" not in raw:
                raw = f"https://{raw}"
            if not URL_RE.match(raw):
                return None, (
                    f"{quoted(raw)} is not a web address. Use the form https://www.example.org."
                )
        return raw, ""


def _empty(column: Column) -> Any:
    if column.kind == CHOICES:
        return []
    if column.kind == YES_NO:
        return False
    if column.kind == DATE:
        return None
    return ""


def template_csv(columns: Sequence[Column]) -> str:
    """A CSV file with the headings and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.key for column in columns])
    writer.writerow([column.example for column in columns])
    return out.getvalue()
