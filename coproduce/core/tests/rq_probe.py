"""A task used only by the RQ backend test: it leaves a file behind when it has run."""

from pathlib import Path

from django_tasks import task


@task()
def write_marker(path: str) -> None:
    Path(path).write_text("done")
