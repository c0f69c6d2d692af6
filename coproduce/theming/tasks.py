from django.core.exceptions import ValidationError
from django_tasks import task

from coproduce.core import jobs

from . import services
from .models import ThemeSet


def _reason(error: ValidationError) -> str:
    return " ".join(error.messages)


@task()
def propose_themes(job_id: int, theme_set_id: int, k: int | None) -> None:
    theme_set = ThemeSet.objects.get(pk=theme_set_id)
    try:
        themes = services.propose_themes(theme_set, k, progress=jobs.reporter(job_id))
    except ValidationError as error:  # the answers changed since the job was asked for
        jobs.finish(job_id, _reason(error), succeeded=False)
        return
    except Exception:
        jobs.finish(job_id, "Finding themes stopped with an error. Try again.", succeeded=False)
        raise
    jobs.finish(job_id, f"Proposed {len(themes)} themes. Check and name them.", succeeded=True)


@task()
def classify(job_id: int, theme_set_id: int) -> None:
    theme_set = ThemeSet.objects.get(pk=theme_set_id)
    try:
        count = services.classify(theme_set, progress=jobs.reporter(job_id))
    except ValidationError as error:  # the examples were removed since the job was asked for
        jobs.finish(job_id, _reason(error), succeeded=False)
        return
    except Exception:
        jobs.finish(job_id, "Assigning themes stopped with an error. Try again.", succeeded=False)
        raise
    jobs.finish(
        job_id,
        f"Assigned themes to {count} answers." if count else "No answers had changed.",
        succeeded=True,
    )
