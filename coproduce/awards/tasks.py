from django.core.exceptions import ValidationError
from django_tasks import task

from . import services


@task()
def tell_lay_evaluators_after_standstill(award_pk: int) -> int:
    """Runs the day after standstill ends. An award whose notice date moved since has its own
    job for the new date, so this one sends nothing while standstill still runs."""
    award = services.award_for_telling(award_pk)
    if award is None:
        return 0
    try:
        return len(services.tell_lay_evaluators(award))
    except ValidationError:
        return 0
