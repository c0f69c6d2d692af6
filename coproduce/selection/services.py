"""Fair selection for an opportunity: quotas from its selection questions, a pool from its
applications, a verifiable run in the background, and applying the result.

The algorithm is the plain module (`coproduce.selection.algorithm`); this file turns records
into its inputs and its result back into records.
"""

import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coproduce.core import jobs
from coproduce.recruitment import application_services
from coproduce.recruitment.models import (
    Application,
    ApplicationStatus,
    Opportunity,
    SelectionQuestion,
)

from .algorithm import run_selection
from .feasibility import InfeasibleQuotas, check_feasibility
from .legacy import LegacyDeadEnd
from .models import NOT_KNOWN, Algorithm, Quota, RunStatus, SelectionRun
from .pool import Person as Volunteer
from .pool import Quota as QuotaRule
from .pool import SelectionInputError

# Who is in the pool: people who applied and have not been decided on yet.
POOL_STATUSES = (ApplicationStatus.APPLIED, ApplicationStatus.SHORTLISTED)


def question_values(question: SelectionQuestion) -> list[str]:
    """The answers people can give, and "Not known" for those who did not say."""
    return [*question.values, NOT_KNOWN]


def pool_applications(opportunity: Opportunity) -> list[Application]:
    return list(
        Application.objects.filter(opportunity=opportunity, status__in=POOL_STATUSES).order_by("pk")
    )


def answer(application: Application, question: SelectionQuestion) -> str:
    value = (application.selection_answers or {}).get(question.feature, "")
    return value if value in question.values else NOT_KNOWN


@transaction.atomic
def save_question(question: SelectionQuestion, values: Sequence[str]) -> SelectionQuestion:
    cleaned = list(dict.fromkeys(value.strip() for value in values if value.strip()))
    if len(cleaned) < 2:
        raise ValidationError({"values": "Give at least two answers people can choose from."})
    if NOT_KNOWN in cleaned:
        raise ValidationError(
            {"values": f"“{NOT_KNOWN}” is added for you, for people who do not say."}
        )
    question.values = cleaned
    question.full_clean()
    question.save()
    # Quotas for answers that were removed go with them.
    question.quotas.exclude(value__in=question_values(question)).delete()
    return question


@transaction.atomic
def save_quotas(
    opportunity: Opportunity, rows: Sequence[tuple[SelectionQuestion, str, int, int]]
) -> int:
    """Saves quotas as (question, value, minimum, maximum) rows, all or nothing."""
    errors = []
    for question, value, minimum, maximum in rows:
        if question.opportunity_id != opportunity.pk:
            raise ValidationError("That question belongs to another opportunity.")
        if value not in question_values(question):
            errors.append(f"“{value}” is not an answer to “{question.question}”.")
        elif minimum > maximum:
            errors.append(
                f"{question.question} – {value}: the fewest ({minimum}) is more than the most "
                f"({maximum}). Make the fewest smaller or the most larger."
            )
    if errors:
        raise ValidationError(errors)
    for question, value, minimum, maximum in rows:
        Quota.objects.update_or_create(
            question=question,
            value=value,
            defaults={
                "organisation_id": opportunity.organisation_id,
                "minimum": minimum,
                "maximum": maximum,
            },
        )
    return len(rows)


def quota_table(
    opportunity: Opportunity, pool: list[Application] | None = None
) -> list[tuple[SelectionQuestion, list[dict]]]:
    """Each question with, per answer, its quota (defaults: none to all places) and how many
    people in the pool gave it. Pass the pool if it is already loaded: reading it decrypts
    every applicant's answers."""
    questions = list(opportunity.selection_questions.prefetch_related("quotas"))
    pool = pool_applications(opportunity) if pool is None else pool
    table = []
    for question in questions:
        saved = {quota.value: quota for quota in question.quotas.all()}
        counts: dict[str, int] = {}
        for application in pool:
            value = answer(application, question)
            counts[value] = counts.get(value, 0) + 1
        rows = []
        for value in question_values(question):
            quota = saved.get(value)
            rows.append(
                {
                    "value": value,
                    "minimum": quota.minimum if quota else 0,
                    "maximum": quota.maximum if quota else opportunity.places,
                    "in_pool": counts.get(value, 0),
                }
            )
        table.append((question, rows))
    return table


@dataclass(frozen=True)
class Inputs:
    volunteers: list[Volunteer]
    rules: list[QuotaRule]
    places: int


Overrides = dict[tuple[str, str], tuple[int, int]]


def inputs(
    opportunity: Opportunity,
    *,
    one_per_household: bool,
    places: int | None = None,
    overrides: Overrides | None = None,
) -> Inputs:
    """The plain module's inputs, with quotas as saved or as `overrides` (feature, value) →
    (minimum, maximum) for a check before saving. Answers nobody in the pool gave are left out
    of the quotas, unless a quota needs at least one such person: then the quotas cannot be
    met, and we say why in the same words as the other checks."""
    places = places if places is not None else opportunity.places
    pool = pool_applications(opportunity)
    table = quota_table(opportunity, pool)
    if not table:
        raise SelectionInputError(
            "add at least one selection question (such as age band or area) to make a fair mix"
        )
    volunteers = []
    for application in pool:
        features = {question.feature: answer(application, question) for question, _ in table}
        household = application.household if one_per_household and application.household else None
        volunteers.append(Volunteer(str(application.pk), features, household))
    rules = []
    for question, rows in table:
        for row in rows:
            if overrides and (question.feature, row["value"]) in overrides:
                row["minimum"], row["maximum"] = overrides[(question.feature, row["value"])]
            if row["in_pool"] == 0:
                if row["minimum"] > 0:
                    raise SelectionInputError(
                        f"the quota for {question.feature} = {row['value']} needs at least "
                        f"{row['minimum']}, but nobody in the pool gave that answer"
                    )
                continue
            rules.append(QuotaRule(question.feature, row["value"], row["minimum"], row["maximum"]))
    return Inputs(volunteers, rules, places)


def feasibility(
    opportunity: Opportunity, *, one_per_household: bool = False, overrides: Overrides | None = None
) -> str:
    """Empty when the quotas can be met with the current pool, else the plain explanation."""
    try:
        found = inputs(opportunity, one_per_household=one_per_household, overrides=overrides)
    except SelectionInputError as error:
        return str(error)
    explanation = check_feasibility(found.volunteers, found.rules, found.places)
    return explanation.message if explanation else ""


def public_seed() -> str:
    """A seed when nobody chose one at a meeting: six digits, easy to read out."""
    return f"{secrets.randbelow(900000) + 100000}"


@transaction.atomic
def start_run(
    opportunity: Opportunity,
    *,
    algorithm: str,
    seed: str,
    by: Any,
    one_per_household: bool = False,
) -> SelectionRun:
    if algorithm not in Algorithm.values:
        raise ValidationError({"algorithm": "Choose a selection method."})
    if len(pool_applications(opportunity)) <= opportunity.places:
        raise ValidationError(
            "There are not more applicants than places, so there is nothing to choose between. "
            "Offer everyone a place, or invite more people first."
        )
    run = SelectionRun.objects.create(
        organisation_id=opportunity.organisation_id,
        opportunity=opportunity,
        algorithm=algorithm,
        seed=seed.strip() or public_seed(),
        places=opportunity.places,
        reserves_wanted=opportunity.reserve_places,
        one_per_household=one_per_household,
        created_by=by,
    )
    from .tasks import run_selection

    title = f"Fair selection for {opportunity.title}"
    run.job = jobs.start_job(opportunity.organisation, by, title, run_selection, run.pk)
    run.save(update_fields=["job"])
    return run


def carry_out(
    run: SelectionRun, progress: Callable[[int, int], None] | None = None
) -> SelectionRun:
    """Runs the algorithm for a run and records what went in and what came out."""
    started = time.monotonic()
    try:
        found = inputs(run.opportunity, one_per_household=run.one_per_household, places=run.places)
        result = run_selection(
            found.volunteers,
            found.rules,
            found.places,
            algorithm=run.algorithm,  # type: ignore[arg-type]
            seed=run.seed,
            reserves=run.reserves_wanted,
            progress=progress,
        )
    except (InfeasibleQuotas, LegacyDeadEnd, SelectionInputError) as problem:
        run.status = RunStatus.INFEASIBLE
        run.explanation = str(problem)
    else:
        run.status = RunStatus.DONE
        run.pool = {
            volunteer.id: {"features": dict(volunteer.features), "household": volunteer.household}
            for volunteer in found.volunteers
        }
        run.quotas = [
            {"feature": q.feature, "value": q.value, "min": q.min, "max": q.max}
            for q in found.rules
        ]
        run.pool_hash = result.pool_hash
        run.quotas_hash = result.quotas_hash
        run.probabilities = result.probabilities
        run.min_probability = result.min_probability
        run.panel_count = len(result.lottery.compositions) if result.lottery else None
        run.selected = list(result.selected)
        run.reserves = list(result.reserves)
        run.feature_counts = result.feature_counts
    run.seconds = round(time.monotonic() - started, 2)
    run.save()
    return run


@transaction.atomic
def apply_run(run: SelectionRun, *, by: Any, notify: bool = True) -> int:
    """Marks the panel selected, the reserves as reserves in order, and everyone else in the
    pool not selected, telling each person why."""
    run = SelectionRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.DONE:
        raise ValidationError("Only a finished selection can be used.")
    if run.applied_at:
        raise ValidationError("This selection has already been used.")
    pool = {str(app.pk): app for app in pool_applications(run.opportunity)}
    if set(pool) != set(run.probabilities):
        raise ValidationError(
            "Applications have changed since this selection ran. Run the selection again so "
            "that it is fair to everyone in the pool now."
        )
    application_services.move_applications(
        [pool[key] for key in run.selected], ApplicationStatus.SELECTED, by=by, notify=notify
    )
    for position, key in enumerate(run.reserves, start=1):
        application_services.move_application(
            pool[key],
            ApplicationStatus.RESERVE,
            by=by,
            reason=f"You are reserve number {position}. We will contact you if a place comes up.",
            notify=notify,
        )
    chosen = set(run.selected) | set(run.reserves)
    others = [application for key, application in pool.items() if key not in chosen]
    if others:
        application_services.move_applications(
            others,
            ApplicationStatus.NOT_SELECTED,
            by=by,
            reason=(
                "More people offered to help than there were places, so places were given by "
                "a fair draw. Thank you for offering: we will keep you in mind for other "
                "chances to take part."
            ),
            notify=notify,
        )
    run.applied_at = timezone.now()
    run.save(update_fields=["applied_at"])
    return len(pool)


def publish_report(run: SelectionRun) -> SelectionRun:
    if run.status != RunStatus.DONE:
        raise ValidationError("Only a finished selection has a report to publish.")
    run.report_published_at = run.report_published_at or timezone.now()
    run.save(update_fields=["report_published_at"])
    return run


def gini(values: Sequence[float]) -> float:
    """How unequal the chances are: 0 when everyone has the same chance."""
    ordered = sorted(values)
    count = len(ordered)
    total = sum(ordered)
    if count == 0 or total == 0:
        return 0.0
    weighted = sum((index + 1) * value for index, value in enumerate(ordered))
    return (2 * weighted) / (count * total) - (count + 1) / count
