"""Background work for retention: the daily check (schedule `coproduce retention review`), the
same check for one organisation from its page, and carrying out an approved review."""

from django_tasks import task

from coproduce.accounts.models import Organisation, User
from coproduce.audit.context import acting_as
from coproduce.core.jobs import finish, reporter

from . import services
from .models import ItemOutcome, RetentionReview


@task()
def review_retention() -> dict[str, int]:
    """Lists every organisation's records past their retention period into its open review.
    Changes nothing else: an administrator approves each review."""
    organisations = 0
    waiting = 0
    with acting_as(None):
        for organisation in Organisation.objects.order_by("pk"):
            review = services.list_records_for_review(organisation)
            organisations += 1
            if review is not None:
                waiting += review.items.filter(outcome=ItemOutcome.PENDING).count()
    return {"organisations": organisations, "waiting_for_approval": waiting}


@task()
def review_retention_for(job_id: int, organisation_id: int) -> None:
    report = reporter(job_id)
    report(0, 1)
    try:
        organisation = Organisation.objects.get(pk=organisation_id)
        review = services.list_records_for_review(organisation)
    except Exception:
        finish(job_id, "The check could not finish. Try again, or contact support.", False)
        raise
    report(1, 1)
    waiting = review.items.filter(outcome=ItemOutcome.PENDING).count() if review else 0
    if waiting:
        finish(
            job_id, f"{waiting} records past their retention period are waiting for approval.", True
        )
    else:
        finish(job_id, "No records are past their retention period.", True)


@task()
def carry_out_retention_review(job_id: int, review_id: int, user_id: int) -> None:
    report = reporter(job_id)
    report(0, 0)
    review = RetentionReview.objects.select_related("organisation").get(pk=review_id)
    user = User.objects.filter(pk=user_id).first()
    try:
        with acting_as(user):
            counts = services.carry_out_review(review, report)
    except Exception:
        finish(job_id, "Not everything was done. Start it again to finish the rest.", False)
        raise
    done, skipped = counts[ItemOutcome.DONE], counts[ItemOutcome.SKIPPED]
    outcome = f"Done: {done} records pseudonymised or removed."
    if skipped:
        outcome += f" {skipped} left alone because they are no longer past their retention period."
    finish(job_id, outcome, True)
