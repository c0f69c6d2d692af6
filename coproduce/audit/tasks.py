from django_tasks import task

from coproduce.core.jobs import finish, reporter

from .selectors import verify_chain


@task()
def verify_audit_chain(job_id: int) -> None:
    report = reporter(job_id)
    report(0, 0)
    try:
        problem = verify_chain(report)
    except Exception:
        finish(job_id, "The check could not finish. Try again, or contact support.", False)
        raise
    if problem is None:
        finish(job_id, "The audit trail is intact: no event has been changed or removed.", True)
    else:
        finish(job_id, f"The audit trail is broken at {problem}.", False)
