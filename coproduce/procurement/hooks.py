"""How evaluation panels follow what happens to a person elsewhere: a merge moves their places
on panels, pseudonymisation removes what they told us about their conflicts of interest, and
subject access exports their panels, declarations and scores."""

from typing import Any

from coproduce.dataprotection.export import Source, Subject, register
from coproduce.dataprotection.services import register_pseudonymiser
from coproduce.people import services as people_services
from coproduce.people.models import Person

from .models import ConflictDeclaration, Evaluator


def _merged(keep: Person, duplicate: Person) -> None:
    kept_tenders = set(Evaluator.objects.filter(person=keep).values_list("tender_id", flat=True))
    for evaluator in Evaluator.objects.filter(person=duplicate).exclude(
        # One place per person on a panel: where both were on it, the duplicate's place and
        # its scores stay with the merged record (subject access still finds them).
        tender_id__in=kept_tenders
    ):
        evaluator.person = keep
        evaluator.save()


def _pseudonymised(person: Person, erasure: bool) -> None:
    """The nature of a declared conflict says something about the person (the services they
    use, who they are related to): it goes. The officer's assessment stays, so the record of
    how the conflict was handled still stands."""
    for declaration in ConflictDeclaration.objects.filter(evaluator__person=person):
        if declaration.nature:
            declaration.nature = "Removed at the person's request."
            declaration.save()


def collect_panels(subject: Subject) -> list[dict[str, Any]]:
    evaluators = (
        Evaluator.objects.filter(person_id__in=subject.person_ids)
        .select_related("tender")
        .prefetch_related("assignments__question", "declarations__bidder", "scores")
        .order_by("created_at")
    )
    return [
        {
            "tender": evaluator.tender.title,
            "role": evaluator.get_kind_display(),
            "anonymous_code": evaluator.code,
            "questions": ", ".join(str(a.question.number) for a in evaluator.assignments.all()),
            "conflicts_declared": "; ".join(
                f"{d.bidder.name}: {d.nature}"
                for d in evaluator.declarations.all()
                if d.has_conflict
            ),
            "scores_submitted": sum(1 for s in evaluator.scores.all() if s.is_locked),
        }
        for evaluator in evaluators
    ]


def connect() -> None:
    people_services.on_merge(_merged)
    register_pseudonymiser(_pseudonymised)
    register(
        Source(
            "evaluation_panels",
            "Bid evaluation panels",
            collect_panels,
            permission="procurement.view_tender",
            audit_models=("procurement.evaluator", "procurement.conflictdeclaration"),
            order=81,
        )
    )
