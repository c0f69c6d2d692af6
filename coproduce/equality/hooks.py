"""How equality answers follow what happens to a person elsewhere: withdrawn consent and
erasure delete them, a merge keeps one set, and subject access exports them (only to those with
the equality-data permission)."""

from typing import Any

from coproduce.dataprotection.export import Source, Subject, register
from coproduce.dataprotection.services import register_pseudonymiser
from coproduce.people import services as people_services
from coproduce.people.models import ConsentPurpose, Person

from .models import ANSWER_FIELDS, EqualityAnswers
from .services import forget_equality_answers


def _consent_withdrawn(person: Person, purpose: str) -> None:
    if purpose == ConsentPurpose.EQUALITY:
        forget_equality_answers(person)


def _pseudonymised(person: Person, erasure: bool) -> None:
    # Retention keeps answers for aggregate figures (the person can no longer be identified);
    # an erasure request removes them.
    if erasure:
        forget_equality_answers(person)


def _merged(keep: Person, duplicate: Person) -> None:
    """One person, one set of answers: the kept record's answers win; if it has none, the
    duplicate's move across."""
    theirs = EqualityAnswers.objects.filter(person=duplicate).first()
    if theirs is None:
        return
    if EqualityAnswers.objects.filter(person=keep).exists():
        forget_equality_answers(duplicate)
    else:
        theirs.person = keep
        theirs.save()


def collect_answers(subject: Subject) -> list[dict[str, Any]]:
    records = []
    answers = EqualityAnswers.objects.filter(person_id__in=subject.person_ids).prefetch_related(
        "extra__question"
    )
    for record in answers:
        for name in ANSWER_FIELDS:
            if getattr(record, name):
                label = EqualityAnswers._meta.get_field(name).verbose_name  # type: ignore[union-attr]
                value = getattr(record, f"get_{name}_display")()
                records.append({"question": str(label), "answer": str(value)})
        for extra in record.extra.all():
            records.append({"question": extra.question.label, "answer": extra.answer})
    return records


def connect() -> None:
    people_services.on_consent_withdrawn(_consent_withdrawn)
    people_services.on_merge(_merged)
    register_pseudonymiser(_pseudonymised)
    register(
        Source(
            "equality_answers",
            "Equality monitoring answers",
            collect_answers,
            labels={"question": "Question", "answer": "Answer"},
            permission="people.view_equality_answers",
            audit_models=("equality.equalityanswers", "equality.equalityextraanswer"),
            order=45,
            as_table=True,
        )
    )
