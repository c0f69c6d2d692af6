"""Write operations of the theming workflow. The algorithms are in discover.py and assign.py
(no Django there); these services feed them a question's answers and store what comes back.
"""

import datetime
import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from coproduce.core.jobs import start_job
from coproduce.core.models import Job
from coproduce.surveys.models import FREE_TEXT_KINDS, Answer, Question, ResponseStatus

from .models import AssignedBy, Theme, ThemeAssignment, ThemeExample, ThemeSet, text_hash

Progress = Callable[[int, int], None]
TOO_FEW_ANSWERS = (
    "There are too few different answers to find themes in yet. Add themes yourself, or wait "
    "for more answers."
)
NO_EXAMPLES = "Tag at least one example answer for a theme first."
STALE_JOB = datetime.timedelta(hours=6)
# One seed for every theme set, not its id: the same answers and examples give the same
# themes and decisions on any database, however many sets were made before.
SEED = 0


def answers_to_theme(theme_set: ThemeSet) -> QuerySet[Answer]:
    """What people wrote in answer to the question, in sent responses only."""
    return (
        Answer.objects.filter(
            question_id=theme_set.question_id, response__status=ResponseStatus.SUBMITTED
        )
        .exclude(text="")
        .order_by("pk")
    )


def theme_set_for(question: Question, user: Any) -> ThemeSet:
    if question.kind not in FREE_TEXT_KINDS:
        raise ValidationError("Only questions answered in people's own words can be themed.")
    theme_set, _ = ThemeSet.objects.get_or_create(
        question=question,
        defaults={"organisation_id": question.organisation_id, "created_by": user},
    )
    return theme_set


def propose_themes(
    theme_set: ThemeSet, k: int | None = None, progress: Progress | None = None
) -> list[Theme]:
    """Clusters the answers and adds a theme per cluster, labelled with its distinctive words
    and quoting its most representative answers. Themes already given examples stay; the
    other proposed themes are replaced."""
    from . import discover, embedding  # scikit-learn and ONNX Runtime load only when used

    answers = list(answers_to_theme(theme_set).only("pk", "text"))
    texts = [answer.text for answer in answers]
    if len({text.strip().lower() for text in texts if discover.has_words(text)}) < discover.MIN_K:
        raise ValidationError(TOO_FEW_ANSWERS)
    found = discover.discover(texts, embedding.embed(texts, progress), k, seed=SEED)
    with transaction.atomic():
        for unused in theme_set.themes.filter(examples__isnull=True):
            unused.delete()  # one by one, so the trail records each
        created = []
        for proposal in found:
            theme = Theme.objects.create(
                organisation_id=theme_set.organisation_id,
                theme_set=theme_set,
                label=proposal.label[:120],
                keywords=proposal.keywords,
            )
            theme.quotes.set([answers[i] for i in proposal.quotes])
            created.append(theme)
    return created


def save_theme(theme: Theme) -> Theme:
    """Adds or renames and describes a theme."""
    theme.label = theme.label.strip()
    if not theme.label:
        raise ValidationError({"label": "Enter a name for the theme."})
    clash = Theme.objects.filter(theme_set_id=theme.theme_set_id, label__iexact=theme.label)
    if clash.exclude(pk=theme.pk).exists():
        raise ValidationError({"label": "Another theme has this name. Choose a different one."})
    theme.organisation_id = theme.theme_set.organisation_id
    theme.save()
    return theme


@transaction.atomic
def merge_themes(keep: Theme, others: Iterable[Theme]) -> Theme:
    """Folds the other themes into `keep`: their examples and keywords become its own."""
    others = [theme for theme in others if theme.pk != keep.pk]
    if not others:
        raise ValidationError({"others": "Choose at least one other theme to merge into it."})
    if any(theme.theme_set_id != keep.theme_set_id for theme in others):
        raise ValidationError({"others": "Themes can only be merged within one question."})
    tagged = set(keep.examples.values_list("answer_id", flat=True))
    for theme in others:
        for example in theme.examples.all():
            if example.answer_id not in tagged:
                ThemeExample.objects.create(
                    organisation_id=keep.organisation_id,
                    theme=keep,
                    answer_id=example.answer_id,
                    created_by_id=example.created_by_id,
                )
                tagged.add(example.answer_id)
        keep.keywords = list(dict.fromkeys([*keep.keywords, *theme.keywords]))
        theme.delete()
    keep.save()
    return keep


@transaction.atomic
def split_theme(
    theme: Theme, label: str, moving: Iterable[Answer], user: Any, description: str = ""
) -> Theme:
    """Splits a theme in two: a new theme takes the chosen comments (examples or quotes of
    the old one) as its examples, and they leave the old one. Each theme's distinctive words
    are worked out again from the comments it keeps."""
    from . import discover  # scikit-learn and ONNX Runtime load only when used

    moving_ids = {answer.pk for answer in moving}
    examples = set(theme.examples.values_list("answer_id", flat=True))
    quotes = set(theme.quotes.values_list("pk", flat=True))
    if not moving_ids:
        raise ValidationError({"answers": "Choose at least one comment for the new theme."})
    if not moving_ids <= examples | quotes:
        raise ValidationError({"answers": "Only this theme's examples and quotes can be moved."})
    if moving_ids == examples | quotes:
        raise ValidationError(
            {"answers": "Leave at least one comment in this theme, or rename it instead."}
        )
    new = save_theme(Theme(theme_set=theme.theme_set, label=label, description=description))
    for example in theme.examples.filter(answer_id__in=moving_ids):
        example.delete()  # one by one, so the trail records each
    for answer_id in sorted(moving_ids):
        ThemeExample.objects.create(
            organisation_id=theme.organisation_id, theme=new, answer_id=answer_id, created_by=user
        )
    theme.quotes.remove(*(moving_ids & quotes))
    new.quotes.add(*(moving_ids & quotes))
    kept = sorted((examples | quotes) - moving_ids)
    said = dict(Answer.objects.filter(pk__in=[*kept, *moving_ids]).values_list("pk", "text"))
    ids = [*kept, *sorted(moving_ids)]
    groups = np.array([0] * len(kept) + [1] * len(moving_ids))
    old_words, new_words = discover.ctfidf([said[i] for i in ids], groups, top=8)
    theme.keywords, new.keywords = old_words, new_words
    theme.save()
    new.save()
    return new


def delete_theme(theme: Theme) -> None:
    theme.delete()


def tag_example(theme: Theme, answer: Answer, user: Any) -> ThemeExample:
    if answer.question_id != theme.theme_set.question_id:
        raise ValidationError("That answer is to a different question.")
    example, _ = ThemeExample.objects.get_or_create(
        theme=theme,
        answer=answer,
        defaults={"organisation_id": theme.organisation_id, "created_by": user},
    )
    return example


def untag_example(theme: Theme, answer: Answer) -> None:
    for example in ThemeExample.objects.filter(theme=theme, answer=answer):
        example.delete()


def _training(theme_set: ThemeSet, themes: Sequence[Theme]) -> dict[int, set[int]]:
    """Answer id -> the themes it is about, from tagged examples and officers' checks (an
    officer's check says which themes an answer is about and, as much, which it is not)."""
    position = {theme.pk: index for index, theme in enumerate(themes)}
    about: dict[int, set[int]] = {}
    examples = ThemeExample.objects.filter(theme__theme_set=theme_set)
    for answer_id, theme_id in examples.values_list("answer_id", "theme_id"):
        about.setdefault(answer_id, set()).add(position[theme_id])
    checked = ThemeAssignment.objects.filter(theme__theme_set=theme_set, checked=True)
    for answer_id, theme_id, given in checked.values_list("answer_id", "theme_id", "given"):
        about.setdefault(answer_id, set())
        if given:
            about[answer_id].add(position[theme_id])
    return about


def theme_words(theme: Theme) -> str:
    """What the classifier reads as the theme's own example: its name and what it covers."""
    return f"{theme.label}. {theme.description}".strip(" .") if theme.description else theme.label


def _fingerprint(themes: Sequence[Theme], about: dict[int, set[int]], said: dict[int, str]) -> str:
    """Changes whenever the themes or what the classifier learns from change, including the
    words of an example answer that was corrected since."""
    described = repr(
        (
            [(t.pk, theme_words(t)) for t in themes],
            sorted((a, sorted(t), text_hash(said.get(a, ""))) for a, t in about.items()),
        )
    )
    return hashlib.sha256(described.encode()).hexdigest()


def classify(theme_set: ThemeSet, progress: Progress | None = None) -> int:
    """Assigns every theme to every answer with a confidence. A re-run classifies only the
    answers that are new or changed since the last run, unless the themes or the examples
    changed (then the classifier learnt something new, and every answer is looked at again).
    An officer's checked decisions are never overwritten. Returns how many were classified."""
    from . import assign, embedding  # scikit-learn and ONNX Runtime load only when used

    themes = list(theme_set.themes.order_by("pk"))
    about = _training(theme_set, themes)
    if not themes or not any(about.values()):
        raise ValidationError(NO_EXAMPLES)
    answers = list(answers_to_theme(theme_set).only("pk", "text"))
    fingerprint = _fingerprint(themes, about, {a.pk: a.text for a in answers if a.pk in about})
    done = {
        (answer_id, digest)
        for answer_id, digest in ThemeAssignment.objects.filter(
            theme__theme_set=theme_set
        ).values_list("answer_id", "text_hash")
    }
    relearn = fingerprint != theme_set.fingerprint
    todo = [a for a in answers if relearn or (a.pk, text_hash(a.text)) not in done]
    examples = [a for a in answers if a.pk in about]
    if not todo:
        return 0
    words = [theme_words(theme) for theme in themes]
    vectors = embedding.embed([a.text for a in examples + todo] + words, progress)
    labels = np.zeros((len(examples), len(themes)), dtype=np.int8)
    for row, answer in enumerate(examples):
        labels[row, sorted(about[answer.pk])] = 1
    learnt_from, to_score = len(examples), len(examples) + len(todo)
    classifier = assign.train(
        [a.text for a in examples],
        vectors[:learnt_from],
        labels,
        seed=SEED,
        theme_texts=words,
        theme_embeddings=vectors[to_score:],
    )
    scores = classifier.scores([a.text for a in todo], vectors[learnt_from:to_score])
    decisions = classifier.decide(scores)
    uncertainty = classifier.uncertainty(scores)
    with transaction.atomic():
        existing = {
            (row.answer_id, row.theme_id): row
            for row in ThemeAssignment.objects.filter(
                theme__theme_set=theme_set, answer_id__in=[a.pk for a in todo]
            )
        }
        for row, answer in enumerate(todo):
            digest = text_hash(answer.text)
            for column, theme in enumerate(themes):
                current = existing.get((answer.pk, theme.pk))
                if current is not None and current.checked and current.text_hash == digest:
                    continue
                values = {
                    "given": bool(decisions[row, column]),
                    "confidence": round(float(scores[row, column]), 4),
                    "uncertainty": round(float(uncertainty[row]), 4),
                    "assigned_by": AssignedBy.MODEL,
                    "checked": False,
                    "text_hash": digest,
                }
                if current is None:
                    ThemeAssignment.objects.create(
                        organisation_id=theme_set.organisation_id,
                        theme=theme,
                        answer=answer,
                        **values,
                    )
                elif any(getattr(current, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(current, name, value)
                    current.save()
        theme_set.fingerprint = fingerprint
        theme_set.classified_at = timezone.now()
        theme_set.save()
    return len(todo)


@transaction.atomic
def correct(theme_set: ThemeSet, answer: Answer, themes_about: Iterable[Theme]) -> None:
    """The officer's word on which themes an answer is about. It is final for that answer
    and teaches the classifier on its next run."""
    chosen = {theme.pk for theme in themes_about}
    digest = text_hash(answer.text)
    for theme in theme_set.themes.all():
        row, _ = ThemeAssignment.objects.get_or_create(
            theme=theme,
            answer=answer,
            defaults={"organisation_id": theme_set.organisation_id, "text_hash": digest},
        )
        row.given = theme.pk in chosen
        row.confidence = 1.0 if row.given else 0.0
        row.uncertainty = 0.0
        row.assigned_by = AssignedBy.OFFICER
        row.checked = True
        row.text_hash = digest
        row.save()


def _start(theme_set: ThemeSet, user: Any, title: str, task: Any, *args: Any) -> Job:
    """One background job at a time per question: two would undo each other's work."""
    theme_set = (
        ThemeSet.objects.select_for_update(of=("self",)).select_related("job").get(pk=theme_set.pk)
    )
    job = theme_set.job
    # A job still unfinished long after it started died without saying so: it blocks nothing.
    if job is not None and not job.is_finished and job.created_at > timezone.now() - STALE_JOB:
        raise ValidationError(
            f"{job.title} is already running for this question. "
            "Wait for it to finish, then try again."
        )
    job = start_job(theme_set.organisation, user, title, task, theme_set.pk, *args)
    theme_set.job = job
    theme_set.save()
    return job


@transaction.atomic
def start_proposing(theme_set: ThemeSet, user: Any, k: int | None = None) -> Job:
    """Finding themes embeds every answer, which takes minutes: it runs in the background."""
    from . import discover  # scikit-learn and ONNX Runtime load only when used
    from .tasks import propose_themes as task

    texts = answers_to_theme(theme_set).values_list("text", flat=True)
    if len({text.strip().lower() for text in texts if discover.has_words(text)}) < discover.MIN_K:
        raise ValidationError(TOO_FEW_ANSWERS)
    return _start(theme_set, user, "Finding themes", task, k)


@transaction.atomic
def start_classifying(theme_set: ThemeSet, user: Any) -> Job:
    from .tasks import classify as task

    if not ThemeExample.objects.filter(theme__theme_set=theme_set).exists():
        raise ValidationError(NO_EXAMPLES)
    return _start(theme_set, user, "Assigning themes", task)
