"""`coproduce themes`: bad input exits 2 with one line, before any model is loaded."""

import subprocess
import sys

import pytest

from coproduce.cli import main


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "comments.csv").write_text("ref,comment\n1,Kind staff\n2,No parking\n")
    (tmp_path / "labelled.csv").write_text("comment,Staff,Parking\nKind staff,1,0\n")
    return tmp_path


def run(*args):
    return main(["coproduce", "themes", *map(str, args)])


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ((), "the following arguments are required: discover|assign"),
        (("cluster",), "invalid choice: 'cluster'"),
        (("discover", "--text-column", "comment"), "the following arguments are required"),
        (
            (
                "discover",
                "--input",
                "{f}/comments.csv",
                "--text-column",
                "comment",
                "--out",
                "{f}/t.json",
                "--k",
                "1",
            ),
            "--k must be at least 2",
        ),
        (
            (
                "discover",
                "--input",
                "{f}/comments.csv",
                "--text-column",
                "comment",
                "--out",
                "{f}/t.json",
                "--k",
                "two",
            ),
            "invalid int value: 'two'",
        ),
        (
            (
                "discover",
                "--input",
                "{f}/none.csv",
                "--text-column",
                "comment",
                "--out",
                "{f}/t.json",
            ),
            "none.csv: no such file",
        ),
        (
            (
                "discover",
                "--input",
                "{f}/comments.csv",
                "--text-column",
                "text",
                "--out",
                "{f}/t.json",
            ),
            "there is no text column 'text'",
        ),
        (
            (
                "assign",
                "--train",
                "{f}/labelled.csv",
                "--input",
                "{f}/comments.csv",
                "--text-column",
                "comment",
                "--id-column",
                "id",
                "--out",
                "{f}/a.csv",
            ),
            "there is no id column 'id'",
        ),
        (
            (
                "assign",
                "--train",
                "{f}/comments.csv",
                "--input",
                "{f}/comments.csv",
                "--text-column",
                "comment",
                "--out",
                "{f}/a.csv",
            ),
            "theme 'ref' must be 0 or 1, not '2'",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(folder, capsys, args, reason):
    status = run(*(arg.replace("{f}", str(folder)) for arg in args))
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("coproduce themes: ") and err.count("\n") == 1
    assert reason in err


def test_the_installed_command_needs_no_django_settings(folder):
    # A fresh interpreter proves the themes command imports no Django settings or database.
    finished = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from coproduce.cli import main; "
            "sys.exit(main(['coproduce', 'themes', 'discover', '--input', 'x.csv', "
            "'--text-column', 'c', '--out', 'o.json'])); ",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin"},
        check=False,
    )
    assert finished.returncode == 2
    assert finished.stderr == "coproduce themes: x.csv: no such file\n"
