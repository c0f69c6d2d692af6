"""`coproduce select`: CSV in, result.json out, exit 2 with one line for bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coproduce.cli import main

PEOPLE = """id,age,area,home
p1,young,north,h1
p2,young,south,h1
p3,old,north,h2
p4,old,south,h3
p5,young,north,h4
p6,old,south,h5
"""
FEATURES = """feature,value,min,max
age,young,1,2
age,old,1,2
area,north,1,2
area,south,1,2
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "people.csv").write_text(PEOPLE)
    (tmp_path / "features.csv").write_text(FEATURES)
    return tmp_path


def select(folder, *extra):
    args = ["coproduce", "select", "--people", str(folder / "people.csv")]
    args += ["--features", str(folder / "features.csv"), "--out", str(folder / "result.json")]
    args += ["--household-column", "home"]
    return main([*args, *extra])


def test_writes_the_result(files, capsys):
    status = select(files, "--size", "3", "--seed", "42", "--reserves", "2")
    assert status == 0, capsys.readouterr().err
    result = json.loads((files / "result.json").read_text())
    assert result["seed"] == "42" and result["algorithm"] == "leximin"
    assert len(result["selected"]) == 3 and len(result["reserves"]) == 2
    assert not {"p1", "p2"} <= set(result["selected"])  # one per household
    assert sum(result["probabilities"].values()) == pytest.approx(3)
    assert result["min_probability"] == min(result["probabilities"].values())
    assert sum(result["feature_counts"]["age"].values()) == 3
    assert len(result["pool_hash"]) == 64 and len(result["quotas_hash"]) == 64
    first = result
    assert select(files, "--size", "3", "--seed", "42", "--reserves", "2") == 0
    again = json.loads((files / "result.json").read_text())
    assert again["selected"] == first["selected"] and again["reserves"] == first["reserves"]


def test_without_a_seed_a_random_one_is_recorded(files):
    assert select(files, "--size", "2", "--algorithm", "legacy") == 0
    result = json.loads((files / "result.json").read_text())
    assert isinstance(result["seed"], int) and result["legacy_runs"] == 1000


@pytest.mark.parametrize(
    ("change", "extra", "reason"),
    [
        (lambda f: (f / "people.csv").unlink(), [], "people.csv: no such file"),
        (
            lambda f: (f / "people.csv").write_text("name,age\nx,young\n"),
            [],
            "first column must be named id",
        ),
        (
            lambda f: (f / "features.csv").write_text("feature,value,min\n"),
            [],
            "columns must be feature,value,min,max",
        ),
        (
            lambda f: (f / "features.csv").write_text(FEATURES.replace("1,2\n", "one,2\n", 1)),
            [],
            "must be whole numbers, not min 'one'",
        ),
        (lambda f: None, ["--household-column", "flat"], "no household column 'flat'"),
        (lambda f: None, ["--size", "9"], "more than the 6 people"),
        (lambda f: None, ["--algorithm", "fastest"], "invalid choice"),
        (
            lambda f: (f / "features.csv").write_text(
                FEATURES.replace("age,old,1,2", "age,old,3,3")
            ),
            [],
            "quotas cannot be met",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(files, capsys, change, extra, reason):
    change(files)
    size = [] if "--size" in extra else ["--size", "3"]
    assert select(files, *size, *extra) == 2
    err = capsys.readouterr().err
    assert reason in err
    assert err.count("\n") == 1 and err.startswith("coproduce select: ")
    assert "Traceback" not in err


def test_runs_without_django_settings_or_database(files):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"  # would fail if anything touched it
    command = Path(sys.executable).parent / "coproduce"
    completed = subprocess.run(
        [
            command,
            "select",
            "--people",
            files / "people.csv",
            "--features",
            files / "features.csv",
            "--size",
            "3",
            "--seed",
            "town hall",
            "--household-column",
            "home",
            "--out",
            files / "result.json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads((files / "result.json").read_text())["seed"] == "town hall"
    assert "django" not in completed.stderr.lower()
