"""The one way long work reports progress: a Job row that a background task updates and the
job page reads."""

from collections.abc import Callable
from typing import Any

from django.db import transaction

from .models import Job, JobStatus


def start_job(organisation: Any, user: Any, title: str, task: Any, *args: Any) -> Job:
    """Creates the job row, then enqueues `task(job_id, *args)` once the row is committed."""
    job = Job.objects.create(organisation=organisation, created_by=user, title=title)

    def enqueue() -> None:
        result = task.enqueue(job.pk, *args)
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


def reporter(job_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, done=done, total=total)

    return report


def finish(job_id: int, outcome: str, succeeded: bool) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.SUCCEEDED if succeeded else JobStatus.FAILED, outcome=outcome
    )
