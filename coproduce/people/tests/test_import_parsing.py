"""Reading CSV and Excel files and checking cells: the plain module, without the database."""

import datetime
from pathlib import Path

import openpyxl
import pytest

from coproduce.people import importing
from coproduce.people.importing import (
    CHOICE,
    CHOICES,
    DATE,
    EMAIL,
    PHONE,
    URL,
    YES_NO,
    Column,
    ImportFileError,
    RowCleaner,
    open_table,
)

COLUMNS = [
    Column("name", "Full name", required=True, max_length=10),
    Column("email", "Email address", EMAIL, unique=True),
    Column("mobile", "Mobile phone", PHONE),
    Column(
        "channel",
        "Best way to contact",
        CHOICE,
        choices=(("email", "Email"), ("text", "Text message")),
    ),
    Column(
        "needs",
        "Access needs",
        CHOICES,
        choices=(("step_free", "Step-free access"), ("hearing_loop", "Hearing loop")),
    ),
    Column("agreed", "Agreed", YES_NO),
    Column("on", "Date", DATE),
    Column("website", "Website", URL),
]


def read(path: Path, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with open_table(path, name) as table:
        return table.headings, list(table.rows)


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,email\nPat,pat@example.org\n,\nSam,\n", encoding="utf-8")
    headings, rows = read(path, "people.csv")
    assert headings == ["name", "email"]
    assert rows == [(2, ["Pat", "pat@example.org"]), (4, ["Sam"])]


def test_csv_from_excel_on_windows_semicolons_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes("\ufeffname;email\r\nZoë;zoe@example.org\r\n".encode())
    assert read(path, "people.csv") == (["name", "email"], [(2, ["Zoë", "zoe@example.org"])])
    path.write_bytes("name,email\r\nZo\xeb,zoe@example.org\r\n".encode("cp1252"))
    assert read(path, "people.csv")[1] == [(2, ["Zoë", "zoe@example.org"])]


def test_quoted_csv_cells_keep_commas_and_new_lines(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text('name,address\n"Evans, Pat","1 High St\nNorthtown"\n', encoding="utf-8")
    assert read(path, "people.csv")[1] == [(2, ["Evans, Pat", "1 High St\nNorthtown"])]


def test_xlsx_cells_become_text(tmp_path):
    path = write_xlsx(
        tmp_path / "people.xlsx",
        [
            ["Name", "Mobile", "Date", "Agreed", None],
            ["Pat", 7700900123, datetime.datetime(2025, 3, 31), True],
            [None, None],
            ["Sam", 12.5, datetime.date(2025, 1, 2), False],
        ],
    )
    headings, rows = read(path, "people.xlsx")
    assert headings == ["Name", "Mobile", "Date", "Agreed"]
    assert rows == [
        (2, ["Pat", "7700900123", "2025-03-31", "yes"]),
        (4, ["Sam", "12.5", "2025-01-02", "no"]),
    ]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "people.csv", "The file is empty."),
        (b"\n\n", "people.csv", "The file is empty: it has no headings and no rows."),
        (b"\xd0\xcf\x11\xe0rest", "people.xls", "old Excel format (.xls)"),
        (b"PK\x03\x04rest", "people.ods", "must be a CSV file or an Excel workbook"),
        (b"PK\x03\x04not a zip", "people.xlsx", "cannot be read"),
        (b"name\nPat\n", "people.pdf", "must be a CSV file or an Excel workbook"),
        (b"%PDF-1.4\x00\x01", "people.csv", "must be a CSV file or an Excel workbook"),
        (b"not really a workbook", "people.xlsx", "is not one"),
        (b"\nname\nPat\n", "people.csv", "must be in row 1"),
    ],
)
def test_files_that_cannot_be_read_say_why(tmp_path, content, name, message):
    path = tmp_path / "upload"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as error:
        read(path, name)
    assert message in error.value.message


def test_too_large_and_too_many_rows(tmp_path, monkeypatch):
    path = tmp_path / "upload"
    path.write_bytes(b"name\n" + b"Pat\n" * 10)
    monkeypatch.setattr(importing, "MAX_BYTES", 20)
    with pytest.raises(ImportFileError, match="the largest we can take"):
        read(path, "people.csv")
    monkeypatch.setattr(importing, "MAX_BYTES", 10_000)
    monkeypatch.setattr(importing, "MAX_ROWS", 9)
    with pytest.raises(ImportFileError, match="more than 9 rows"):
        read(path, "people.csv")
    monkeypatch.setattr(importing, "MAX_ROWS", 10)
    assert len(read(path, "people.csv")[1]) == 10


def test_headings_match_keys_labels_and_aliases_in_any_case():
    cleaner = RowCleaner(["FULL NAME", "e-mail", "Best_way_to_contact", "access needs"], COLUMNS)
    assert cleaner.problems == []
    assert cleaner.heading_of == {
        "name": "FULL NAME",
        "email": "e-mail",
        "channel": "Best_way_to_contact",
        "needs": "access needs",
    }


def test_unknown_repeated_and_missing_columns_are_each_reported():
    cleaner = RowCleaner(["email", "Favourite colour", "Email address"], COLUMNS)
    said = [str(problem) for problem in cleaner.problems]
    assert said[0].startswith("Column B, 'Favourite colour', is not a column we can import.")
    assert "name, email, mobile" in said[0]
    assert said[1] == "Columns A and C are both 'email'. Keep only one of them."
    assert said[2] == "The file has no 'name' column (Full name). Add it with a value in every row."


def test_good_cells_are_typed():
    cleaner = RowCleaner([c.key for c in COLUMNS], COLUMNS)
    values, problems = cleaner.clean(
        2,
        [
            " Pat ",
            "pat@example.org",
            "+44 7700 900123",
            "Text message",
            "step_free; HEARING LOOP;",
            "Yes",
            "31/03/2025",
            "www.example.org",
        ],
    )
    assert problems == []
    assert values == {
        "name": "Pat",
        "email": "pat@example.org",
        "mobile": "+44 7700 900123",
        "channel": "text",
        "needs": ["step_free", "hearing_loop"],
        "agreed": True,
        "on": datetime.date(2025, 3, 31),
        "website": "https://www.example.org",
    }


def test_blank_cells_get_empty_values():
    cleaner = RowCleaner(["name", "needs", "agreed", "on"], COLUMNS)
    values, problems = cleaner.clean(2, ["Pat"])
    assert problems == []
    assert values["needs"] == [] and values["agreed"] is False and values["on"] is None


def test_every_bad_cell_is_reported_in_words():
    cleaner = RowCleaner(
        ["Full name", "email", "mobile", "channel", "needs", "agreed", "on", "website"], COLUMNS
    )
    _, problems = cleaner.clean(
        7,
        [
            "A name that is too long",
            "pat at example",
            "ring reception",
            "pigeon",
            "step_free, hearing loop",
            "maybe",
            "31st March",
            "not a site",
        ],
    )
    said = [str(problem) for problem in problems]
    assert said == [
        "Row 7, column Full name: 'A name that is too long' is 23 characters long: the most it can be is 10.",
        "Row 7, column email: 'pat at example' is not an email address. Use the form name@example.com.",
        "Row 7, column mobile: 'ring reception' is not a phone number. Use digits, for example 07700 900123.",
        "Row 7, column channel: 'pigeon' is not one of the choices. Use one of: email (Email), text (Text message).",
        "Row 7, column needs: 'step_free, hearing loop' is not one of the choices. Use any of: step_free (Step-free access), hearing_loop (Hearing loop). Separate several with a semicolon (;).",
        "Row 7, column agreed: 'maybe' is not yes or no. Write yes or no (or leave it blank).",
        "Row 7, column on: '31st March' is not a date. Use the form 31/12/2025 or 2025-12-31.",
        "Row 7, column website: 'https://not a site' is not a web address. Use the form https://www.example.org.",
    ]


def test_required_values_and_values_repeated_across_rows():
    cleaner = RowCleaner(["name", "email"], COLUMNS)
    assert cleaner.clean(2, ["Pat", "pat@example.org"])[1] == []
    _, problems = cleaner.clean(3, ["", "PAT@example.org"])
    assert [str(p) for p in problems] == [
        "Row 3, column name: Enter the full name: it is needed for every row.",
        "Row 3, column email: 'PAT@example.org' is also in row 2. Each row needs its own email, or leave it blank.",
    ]


def test_values_without_a_heading_are_reported():
    cleaner = RowCleaner(["name", ""], COLUMNS)
    _, problems = cleaner.clean(2, ["Pat", "stray", "another"])
    assert [str(p) for p in problems] == [
        "Row 2: There is a value in column B, which has no heading. Give the column a heading or remove the value.",
        "Row 2: There is a value in column C, beyond the last heading. Give the column a heading or remove the value.",
    ]


def test_template_has_the_headings_and_one_example_row():
    text = importing.template_csv(
        [
            Column("name", "Name", example="Pat Evans"),
            Column("email", "Email", example="pat@example.org"),
        ]
    )
    assert text == "name,email\r\nPat Evans,pat@example.org\r\n"


def test_column_letters():
    assert [importing.column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
