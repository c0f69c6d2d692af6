"""Encryption settings: production refuses to start without SALT_KEY; tests and development
use a fixed, clearly insecure salt."""

import os
import subprocess
from pathlib import Path

from django.conf import settings

from coproduce.core.tests.test_setup import COPRODUCE, ROOT


def test_production_without_a_salt_key_stops_with_one_line(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COPRODUCE_", "DJANGO_"))}
    for name in ("DEBUG", "SALT_KEY", "TASKS_BACKEND"):
        clean.pop(name, None)
    result = subprocess.run(
        [str(COPRODUCE), "check"],
        capture_output=True,
        text=True,
        env={**clean, "SECRET_KEY": "s" * 60, "COPRODUCE_VAR_DIR": str(tmp_path)},
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "SALT_KEY is not set" in result.stderr


def test_tests_use_the_insecure_development_salt():
    assert settings.SALT_KEY == ["insecure-local-development-salt-do-not-use-in-production"]
    assert "| `SALT_KEY` | none: required unless `DEBUG` |" in Path(ROOT, "README.md").read_text()
