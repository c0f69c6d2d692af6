"""The one test that loads the real packaged model: a few seconds, and on a machine that has
not made its ONNX file yet, about 10-30 s more to make it (ADR 17)."""

import collections
import csv
import json

import numpy as np
import onnx

from coproduce.cli import main
from coproduce.theming.embedding import DIMENSIONS, embed, model_file


def test_the_packaged_model_embeds_and_the_commands_run_end_to_end(tmp_path, capsys):
    vectors = embed(
        [
            "The nurses were very kind to me",
            "Staff were caring and friendly",
            "No parking",
            "The nurses were very kind to me",
        ]
    )
    assert vectors.shape == (4, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert np.array_equal(vectors[0], vectors[3])
    # Made here from the package's files: attention and layer norms fused, weights in 8 bits.
    # A new exporter or optimiser that stopped fusing would still embed, only slower.
    operators = collections.Counter(node.op_type for node in onnx.load(model_file()).graph.node)
    assert operators["QAttention"] == 6 and operators["SkipLayerNormalization"] == 12
    assert operators["MatMulInteger"] == 18  # attention output and feed-forward, six layers

    said = {
        "Parking": ["Nowhere to park the car", "The car park was full", "Parking costs too much"],
        "Staff": ["The nurses were lovely", "Kind and caring staff", "Doctor was very friendly"],
    }
    with (tmp_path / "comments.csv").open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["ref", "comment"])
        for number, text in enumerate([t for texts in said.values() for t in texts] * 2):
            writer.writerow([f"c{number}", text])
    with (tmp_path / "labelled.csv").open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["comment", "Staff", "Parking"])
        for theme, texts in said.items():
            for text in texts:
                writer.writerow([text, int(theme == "Staff"), int(theme == "Parking")])
    common = [
        "--input",
        tmp_path / "comments.csv",
        "--text-column",
        "comment",
        "--id-column",
        "ref",
    ]

    assert (
        main(
            [
                "coproduce",
                "themes",
                "discover",
                *map(str, common),
                "--k",
                "2",
                "--out",
                str(tmp_path / "themes.json"),
            ]
        )
        == 0
    ), capsys.readouterr().err
    themes = json.loads((tmp_path / "themes.json").read_text())["themes"]
    assert len(themes) == 2
    groups = sorted(sorted(theme["member_ids"]) for theme in themes)
    assert groups == sorted(
        [sorted(f"c{i}" for i in [0, 1, 2, 6, 7, 8]), sorted(f"c{i}" for i in [3, 4, 5, 9, 10, 11])]
    )
    assert all(theme["label"] and theme["keywords"] and theme["quote_ids"] for theme in themes)

    assert (
        main(
            [
                "coproduce",
                "themes",
                "assign",
                "--train",
                str(tmp_path / "labelled.csv"),
                *map(str, common),
                "--out",
                str(tmp_path / "assigned.csv"),
            ]
        )
        == 0
    )
    with (tmp_path / "assigned.csv").open(newline="") as file:
        header, *rows = list(csv.reader(file))
    assert header == ["ref", "Staff", "Parking", "score_Staff", "score_Parking"]
    assert [row[0] for row in rows] == [f"c{i}" for i in range(12)]
    assert [(row[1], row[2]) for row in rows] == [("0", "1")] * 3 + [("1", "0")] * 3 + [
        ("0", "1")
    ] * 3 + [("1", "0")] * 3
