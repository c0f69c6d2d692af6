from django_tasks import task

from coproduce.core import jobs

from .models import RunStatus, SelectionRun
from .services import carry_out


@task()
def run_selection(job_id: int, run_id: int) -> None:
    run = SelectionRun.objects.select_related("opportunity").get(pk=run_id)
    try:
        run = carry_out(run, progress=jobs.reporter(job_id))
    except Exception:
        SelectionRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED)
        jobs.finish(job_id, "The selection stopped with an error. Try again.", succeeded=False)
        raise
    if run.status == RunStatus.DONE:
        jobs.finish(
            job_id,
            f"Selected {len(run.selected)} people and {len(run.reserves)} reserves. "
            f"Everyone had at least a {run.min_probability:.1%} chance.",
            succeeded=True,
        )
    else:
        jobs.finish(job_id, f"The quotas cannot be met: {run.explanation}", succeeded=False)
