import csv

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.theming.files import (
    ThemingInputError,
    read_comments,
    read_labelled,
    write_assignments,
)


def write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def test_reads_comments_with_and_without_an_id_column(tmp_path):
    path = write(tmp_path / "c.csv", "ref,comment\na1,Too long a wait\na2, Kind staff \n")
    comments = read_comments(path, "comment", "ref")
    assert comments.ids == ["a1", "a2"] and comments.texts == ["Too long a wait", "Kind staff"]
    assert comments.id_column == "ref"
    by_row = read_comments(path, "comment")
    assert by_row.ids == ["2", "3"] and by_row.id_column == "row"


def test_reads_labelled_examples_with_empty_cells_as_zero(tmp_path):
    path = write(tmp_path / "l.csv", "text,Parking,Staff\nno spaces,1,\nkind nurses,0,1\n")
    labelled = read_labelled(path, "text")
    assert labelled.themes == ["Parking", "Staff"]
    assert labelled.labels.tolist() == [[1, 0], [0, 1]]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "the file is empty"),
        ("comment\n", "there are no rows after the header"),
        ("other\nhello\n", "there is no text column 'comment'"),
        ("comment,comment\na,b\n", "a column name appears twice in the header"),
        ("comment,ref\na\n", "row 2: 1 values for 2 columns"),
    ],
)
def test_bad_comment_files_say_why_in_one_line(tmp_path, content, reason):
    path = write(tmp_path / "c.csv", content)
    with pytest.raises(ThemingInputError) as error:
        read_comments(path, "comment")
    assert reason in str(error.value) and "\n" not in str(error.value)


def test_bad_ids_and_encodings_are_refused(tmp_path):
    with pytest.raises(ThemingInputError, match="the id 'a' appears more than once"):
        read_comments(write(tmp_path / "c.csv", "id,comment\na,x\na,y\n"), "comment", "id")
    with pytest.raises(ThemingInputError, match="row 3: the id is empty"):
        read_comments(write(tmp_path / "c.csv", "id,comment\na,x\n,y\n"), "comment", "id")
    with pytest.raises(ThemingInputError, match="is not UTF-8"):
        read_comments(write(tmp_path / "c.csv", "comment\ncafé\n", "latin-1"), "comment")
    with pytest.raises(ThemingInputError, match="no such file"):
        read_comments(tmp_path / "missing.csv", "comment")


def test_bad_labelled_files_are_refused(tmp_path):
    with pytest.raises(ThemingInputError, match="theme 'Staff' must be 0 or 1, not 'yes'"):
        read_labelled(write(tmp_path / "l.csv", "text,Staff\nkind,yes\n"), "text")
    with pytest.raises(ThemingInputError, match="no theme columns"):
        read_labelled(write(tmp_path / "l.csv", "text\nkind\n"), "text")
    with pytest.raises(ThemingInputError, match="no comment is tagged"):
        read_labelled(write(tmp_path / "l.csv", "text,Staff\nkind,0\n"), "text")


printable = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"), max_size=30
)


@settings(max_examples=30, deadline=None)
@given(
    ids=st.lists(printable.map(str.strip).filter(bool), min_size=1, max_size=8, unique=True),
    themes=st.lists(printable.map(str.strip).filter(bool), min_size=1, max_size=4, unique=True),
    data=st.data(),
)
def test_assignments_round_trip_through_csv(tmp_path_factory, ids, themes, data):
    path = tmp_path_factory.mktemp("out") / "assigned.csv"
    shape = (len(ids), len(themes))
    decisions = np.array(
        data.draw(
            st.lists(st.integers(0, 1), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1])
        )
    ).reshape(shape)
    scores = np.round(np.random.default_rng(0).random(shape), 4)
    write_assignments(path, "ref", ids, themes, decisions, scores)
    with path.open(newline="", encoding="utf-8") as file:
        header, *rows = list(csv.reader(file))
    assert header == ["ref", *themes, *(f"score_{t}" for t in themes)]
    assert [row[0] for row in rows] == ids
    assert [[int(v) for v in row[1 : 1 + len(themes)]] for row in rows] == decisions.tolist()
    assert np.allclose([[float(v) for v in row[1 + len(themes) :]] for row in rows], scores)
