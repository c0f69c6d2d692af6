"""`coproduce themes`: propose themes for comments, or assign themes to them, from CSV files
with no database and no Django settings.

    coproduce themes discover --input comments.csv --text-column COL [--id-column ID] [--k N]
        [--seed S] --out themes.json
    coproduce themes assign --train labelled.csv --input comments.csv --text-column COL
        [--id-column ID] [--seed S] --out assigned.csv

Exit status 0 with the result written; 2 with a one-line reason on stderr when the input
cannot be used; 1 for anything unexpected (never a traceback unless COPRODUCE_TRACEBACK is
set).
"""

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

from coproduce.theming.files import (
    ThemingInputError,
    read_comments,
    read_labelled,
    write_assignments,
    write_json,
)

PROGRAM = "coproduce themes"


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line instead of argparse's usage block, so every failure reads the same."""
        raise _Usage(message)


def _parser() -> _Parser:
    parser = _Parser(prog=PROGRAM, description="Theme free-text comments.")
    steps = parser.add_subparsers(
        dest="step", metavar="discover|assign", required=True, parser_class=_Parser
    )
    discover = steps.add_parser("discover", help="propose themes for the comments")
    discover.add_argument("--k", type=int, help="how many themes (chosen for you if not given)")
    assign = steps.add_parser("assign", help="assign themes learnt from tagged examples")
    assign.add_argument(
        "--train", type=Path, required=True, help="labelled.csv: the text column, 0/1 per theme"
    )
    for step in (discover, assign):
        step.add_argument("--input", type=Path, required=True, help="comments.csv")
        step.add_argument("--text-column", required=True, help="column holding the comment")
        step.add_argument("--id-column", help="column identifying each comment")
        step.add_argument("--seed", type=int, default=0, help="fixed seed (default 0)")
        step.add_argument("--out", type=Path, required=True)
    return parser


def main(argv: list[str]) -> int:
    try:
        arguments = _parser().parse_args(argv)
        started = time.monotonic()
        summary = _discover(arguments) if arguments.step == "discover" else _assign(arguments)
    except (_Usage, ThemingInputError) as error:
        return _fail(str(error), 2)
    except Exception as error:
        if os.environ.get("COPRODUCE_TRACEBACK"):
            raise
        return _fail(f"{type(error).__name__}: {error}", 1)
    print(f"{summary} in {time.monotonic() - started:.1f} s; written to {arguments.out}")
    return 0


def _discover(arguments: Any) -> str:
    # Imported here so that a usage error answers at once, before the model loads.
    from coproduce.theming.discover import discover
    from coproduce.theming.embedding import embed

    if arguments.k is not None and arguments.k < 2:
        raise _Usage("--k must be at least 2")
    comments = read_comments(arguments.input, arguments.text_column, arguments.id_column)
    themes = discover(comments.texts, embed(comments.texts), arguments.k, seed=arguments.seed)
    if not themes:
        raise ThemingInputError(f"{arguments.input}: too few different comments to find themes")
    write_json(
        arguments.out,
        {
            "comments": len(comments.ids),
            "seed": arguments.seed,
            "themes": [
                {
                    "label": theme.label,
                    "keywords": theme.keywords,
                    "quote_ids": [comments.ids[i] for i in theme.quotes],
                    "quotes": [comments.texts[i] for i in theme.quotes],
                    "member_ids": [comments.ids[i] for i in theme.members],
                }
                for theme in themes
            ],
        },
    )
    return f"Found {len(themes)} themes in {len(comments.ids)} comments"


def _assign(arguments: Any) -> str:
    from coproduce.theming.assign import train
    from coproduce.theming.embedding import embed

    labelled = read_labelled(arguments.train, arguments.text_column, arguments.id_column)
    comments = read_comments(arguments.input, arguments.text_column, arguments.id_column)
    # The themes' names are examples of their themes too (see assign.train).
    vectors = embed(labelled.texts + comments.texts + labelled.themes)
    learnt_from, to_score = len(labelled.texts), len(labelled.texts) + len(comments.texts)
    classifier = train(
        labelled.texts,
        vectors[:learnt_from],
        labelled.labels,
        seed=arguments.seed,
        theme_texts=labelled.themes,
        theme_embeddings=vectors[to_score:],
    )
    scores = classifier.scores(comments.texts, vectors[learnt_from:to_score])
    decisions = classifier.decide(scores)
    write_assignments(
        arguments.out, comments.id_column, comments.ids, labelled.themes, decisions, scores
    )
    return (
        f"Assigned {len(labelled.themes)} themes to {len(comments.ids)} comments, "
        f"learnt from {len(labelled.texts)} tagged examples"
    )


def _fail(reason: str, status: int) -> int:
    line = " ".join(reason.split())
    print(f"{PROGRAM}: {line}", file=sys.stderr)
    return status
