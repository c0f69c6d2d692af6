"""Background work for feedback: sending a round of personal feedback."""

from django_tasks import task

from coproduce.audit.context import acting_as
from coproduce.core.jobs import finish, reporter

from . import services
from .models import FeedbackRound


@task()
def send_personal_feedback(job_id: int, round_id: int, link: str) -> int:
    report = reporter(job_id)
    feedback_round = (
        FeedbackRound.objects.select_related("project__organisation", "requested_by")
        .filter(pk=round_id)
        .first()
    )
    if feedback_round is None:
        finish(job_id, "This round of feedback no longer exists.", False)
        return 0
    try:
        with acting_as(feedback_round.requested_by):
            sent = services.send_round(feedback_round, link, report)
    except Exception:
        finish(
            job_id,
            "Sending stopped part way. Start it again: nobody is sent anything twice.",
            False,
        )
        raise
    if sent:
        finish(job_id, f"Feedback was sent to {sent} {'person' if sent == 1 else 'people'}.", True)
    else:
        finish(job_id, "Everyone who agreed to hear from us has already been told.", True)
    return sent
