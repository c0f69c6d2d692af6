"""`coproduce select`: a fair panel from CSV files, with no database and no Django settings.

Exit status 0 with the result written; 2 with a one-line reason on stderr when the input is
malformed or the quotas cannot be met; 1 for anything unexpected (never a traceback unless
COPRODUCE_TRACEBACK is set).
"""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

from coproduce.selection.algorithm import ALGORITHMS, run_selection
from coproduce.selection.feasibility import InfeasibleQuotas
from coproduce.selection.files import read_people, read_quotas
from coproduce.selection.legacy import LegacyDeadEnd
from coproduce.selection.pool import SelectionInputError

PROGRAM = "coproduce select"


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line instead of argparse's usage block, so every failure reads the same."""
        raise _Usage(message)


def _parser() -> _Parser:
    parser = _Parser(prog=PROGRAM, description="Select a fair panel from volunteers.")
    parser.add_argument("--people", type=Path, required=True, help="people.csv: id, features")
    parser.add_argument(
        "--features", type=Path, required=True, help="features.csv: feature,value,min,max"
    )
    parser.add_argument("--size", type=int, required=True, help="panel size")
    parser.add_argument("--algorithm", choices=ALGORITHMS, default="leximin")
    parser.add_argument("--seed", help="public seed (any text or number); random if not given")
    parser.add_argument("--household-column", help="column of people.csv naming households")
    parser.add_argument("--reserves", type=int, default=0, help="reserves to list, in order")
    parser.add_argument("--out", type=Path, required=True, help="where to write result.json")
    return parser


def main(argv: list[str]) -> int:
    try:
        arguments = _parser().parse_args(argv)
        if arguments.reserves < 0:
            raise _Usage("--reserves cannot be negative")
        result = run_selection(
            read_people(arguments.people, arguments.household_column),
            read_quotas(arguments.features),
            arguments.size,
            algorithm=arguments.algorithm,
            seed=arguments.seed,
            reserves=arguments.reserves,
        )
        arguments.out.write_text(json.dumps(result.to_json(), indent=1, ensure_ascii=False))
    except (_Usage, SelectionInputError, LegacyDeadEnd) as error:
        return _fail(str(error), 2)
    except InfeasibleQuotas as error:
        return _fail(f"quotas cannot be met: {error.explanation.message}", 2)
    except OSError as error:
        return _fail(f"cannot write the result: {error}", 2)
    except Exception as error:
        if os.environ.get("COPRODUCE_TRACEBACK"):
            raise
        return _fail(f"{type(error).__name__}: {error}", 1)
    print(
        f"Selected {len(result.selected)} of {len(result.probabilities)} "
        f"({result.algorithm}, seed {result.seed}, smallest chance "
        f"{result.min_probability:.4f}); written to {arguments.out}"
    )
    return 0


def _fail(reason: str, status: int) -> int:
    line = " ".join(reason.split())
    print(f"{PROGRAM}: {line}", file=sys.stderr)
    return status
