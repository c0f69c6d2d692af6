"""The `coproduce` command: Django's management commands plus Coproduce's own.

Errors end with a one-line reason and a non-zero exit status, never a traceback.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if argv[1:2] == ["select"]:
        # Fair selection from CSV files needs no settings and no database.
        from coproduce.selection.cli import main as select

        return select(argv[2:])
    if argv[1:2] == ["themes"]:
        # Theming comments from CSV files needs no settings and no database either.
        from coproduce.theming.cli import main as themes

        return themes(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    argv[0] = "coproduce"
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(argv)
    except KeyboardInterrupt:
        return 130
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except Exception as error:
        if os.environ.get("COPRODUCE_TRACEBACK"):
            raise
        reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(f"coproduce: {type(error).__name__}: {reason}", file=sys.stderr)
        return 1
    return 0
