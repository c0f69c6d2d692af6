"""Write operations and rules for equality monitoring answers, the organisation's own
questions and each project's target population profile.

Answers are special category data: they are kept only while the person agrees to equality
monitoring (`ConsentPurpose.EQUALITY`). `forget_equality_answers(person)` is the one call that
removes them; the register calls it when that consent is withdrawn or a record is erased.
"""

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from coproduce.people.models import ConsentPurpose, Person
from coproduce.people.services import has_consent
from coproduce.projects.models import CommissioningProject

from .models import (
    ANSWER_FIELDS,
    CATEGORIES,
    PREFER_NOT_TO_SAY_LABEL,
    QUESTIONS,
    EqualityAnswers,
    EqualityExtraAnswer,
    EqualityQuestion,
    TargetShare,
)

NO_CONSENT = (
    "They have not agreed to equality monitoring, so their answers cannot be kept. Record "
    "their agreement on their consent page first."
)
SHARE_TOLERANCE = Decimal("0.5")
HUNDRED = Decimal("100")
CSV_MAX_BYTES = 1_000_000
CSV_MAX_ROWS = 2_000
CSV_COLUMNS = ("category", "group", "share")
MAX_OPTIONS = 30


# Equality monitoring answers


@transaction.atomic
def save_answers(
    person: Person,
    answers: Mapping[str, str],
    extra: Mapping[int, str] | None = None,
) -> EqualityAnswers | None:
    """Saves a person's answers: `answers` by field name ("" for not answered), `extra` by
    question id (the answer's wording, "Prefer not to say" or "").

    Refused unless the person agrees to equality monitoring. If nothing is answered at all,
    nothing is kept (any earlier answers are deleted) and None is returned.
    """
    if person.merged_into_id or person.pseudonymised_at:
        raise ValidationError(
            "This record was merged into another or had its details removed, so answers "
            "cannot be recorded on it. Record them on the person's current record."
        )
    if not has_consent(person, ConsentPurpose.EQUALITY):
        raise ValidationError(NO_CONSENT)
    unknown = set(answers) - set(ANSWER_FIELDS)
    if unknown:
        raise ValueError(f"not equality questions: {sorted(unknown)}")
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for question in QUESTIONS:
        value = (answers.get(question.field) or "").strip()
        if value and value not in question.choices.values:
            errors[question.field] = f"Choose one of the answers listed for {question.name}."
        cleaned[question.field] = value
    extra_cleaned = _check_extra(person.organisation_id, extra or {}, errors)
    if errors:
        raise ValidationError(errors)

    # Choices are checked above, not with full_clean(): the package's Field.clean() sets a flag
    # on the shared field object that makes reads in other threads skip decryption meanwhile.
    record = EqualityAnswers.objects.filter(person=person).first()
    if not any(cleaned.values()) and not any(extra_cleaned.values()):
        if record is not None:
            delete_answers(person)
        return None
    if record is None:
        record = EqualityAnswers(organisation_id=person.organisation_id, person=person)
    for name, value in cleaned.items():
        setattr(record, name, value or None)
    record.save()
    _save_extra(record, extra_cleaned)
    return record


def _check_extra(
    organisation_id: int, extra: Mapping[int, str], errors: dict[str, str]
) -> dict[EqualityQuestion, str]:
    questions = {
        question.pk: question
        for question in EqualityQuestion.objects.filter(
            organisation_id=organisation_id, pk__in=list(extra)
        )
    }
    cleaned: dict[EqualityQuestion, str] = {}
    for question_id, raw in extra.items():
        question = questions.get(question_id)
        if question is None:
            raise ValueError(f"question {question_id} is not one of this organisation's")
        value = " ".join((raw or "").split())
        allowed = [*question.options(), PREFER_NOT_TO_SAY_LABEL]
        if value and value not in allowed:
            errors[f"extra_{question_id}"] = f"Choose one of the answers listed for {question}."
        cleaned[question] = value
    return cleaned


def _save_extra(record: EqualityAnswers, extra: Mapping[EqualityQuestion, str]) -> None:
    existing = {answer.question_id: answer for answer in record.extra.all()}
    for question, value in extra.items():
        answer = existing.get(question.pk)
        if not value:
            if answer is not None:
                answer.delete()
        elif answer is None:
            EqualityExtraAnswer.objects.create(
                organisation_id=record.organisation_id,
                answers=record,
                question=question,
                answer=value,
            )
        elif answer.answer != value:
            answer.answer = value
            answer.save()


@transaction.atomic
def delete_answers(person: Person) -> int:
    """Deletes all of a person's equality answers. Returns how many records went (the audit
    trail records each deletion, without the answers)."""
    deleted = 0
    for record in EqualityAnswers.objects.filter(person=person):
        for answer in record.extra.all():
            answer.delete()
            deleted += 1
        record.delete()
        deleted += 1
    return deleted


def forget_equality_answers(person: Person) -> int:
    """The hook the register calls when a person withdraws consent to equality monitoring, or
    their record is erased: their answers are deleted at once. Safe to call more than once."""
    return delete_answers(person)


# The organisation's own questions


@transaction.atomic
def save_question(question: EqualityQuestion) -> EqualityQuestion:
    question.label = " ".join(question.label.split())
    question.hint = question.hint.strip()
    options = question.options()
    errors: dict[str, str] = {}
    if len(options) < 2:
        errors["choices_text"] = "Enter at least 2 answers people can choose, one a line."
    elif len(options) > MAX_OPTIONS:
        errors["choices_text"] = f"Enter no more than {MAX_OPTIONS} answers."
    elif any(len(option) > 200 for option in options):
        errors["choices_text"] = "Keep each answer to 200 characters or fewer."
    same_label = EqualityQuestion.objects.filter(
        organisation_id=question.organisation_id, label__iexact=question.label
    ).exclude(pk=question.pk)
    if question.label and same_label.exists():
        errors["label"] = "You already ask a question with this wording. Change the wording."
    if errors:
        raise ValidationError(errors)
    question.choices_text = "\n".join(options)
    question.full_clean(exclude=["organisation"], validate_unique=False)
    question.save()
    return question


# Target population profile


def parse_share(text: str) -> Decimal:
    """A percentage typed by someone: "12.5", "12.5%" or " 12 " -> Decimal, to 2 places.
    Raises ValueError with what to do."""
    cleaned = (text or "").strip().removesuffix("%").strip()
    try:
        share = Decimal(cleaned)
    except InvalidOperation as wrong:
        raise ValueError("enter a percentage between 0 and 100, like 12.5") from wrong
    if not share.is_finite() or share < 0 or share > HUNDRED:
        raise ValueError("enter a percentage between 0 and 100")
    return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _total_error(category_name: str, total: Decimal) -> str:
    return (
        f"The shares for {category_name} add up to {total.normalize():f}%. "
        "They must add up to 100%, give or take 0.5."
    )


def _adds_up(total: Decimal) -> bool:
    return abs(total - HUNDRED) <= SHARE_TOLERANCE


@transaction.atomic
def set_target_shares(
    project: CommissioningProject, category: str, shares: Mapping[str, Decimal | None]
) -> list[TargetShare]:
    """Replaces the project's target profile for one category. `shares` maps each group to its
    percentage (None or missing: not part of the target). All None clears the category."""
    if category not in CATEGORIES:
        raise ValidationError({"category": "Choose a category from the list."})
    definition = CATEGORIES[category]
    groups = dict(definition.groups)
    wanted = {group: share for group, share in shares.items() if share is not None}
    errors: dict[str, str] = {}
    for group, share in wanted.items():
        if group not in groups:
            raise ValueError(f"{group!r} is not a group of {category}")
        if share < 0 or share > HUNDRED:
            errors[f"share_{group}"] = f"Enter a percentage between 0 and 100 for {groups[group]}."
    if wanted and not errors and not _adds_up(sum(wanted.values(), Decimal(0))):
        errors["shares"] = _total_error(definition.name, sum(wanted.values(), Decimal(0)))
    if errors:
        raise ValidationError(errors)
    return _replace_category(project, category, wanted)


def _replace_category(
    project: CommissioningProject, category: str, wanted: Mapping[str, Decimal]
) -> list[TargetShare]:
    existing = {row.group: row for row in project.target_shares.filter(category=category)}
    for group, row in existing.items():
        if group not in wanted:
            row.delete()
    saved = []
    for group in (value for value, _label in CATEGORIES[category].groups if value in wanted):
        row = existing.get(group) or TargetShare(
            organisation_id=project.organisation_id,
            project=project,
            category=category,
            group=group,
        )
        if row.pk is None or row.share != wanted[group]:
            row.share = wanted[group]
            row.full_clean(exclude=["organisation", "project"], validate_unique=False)
            row.save()
        saved.append(row)
    return saved


@dataclass(frozen=True)
class ImportResult:
    categories: dict[str, int]  # category -> number of groups imported

    @property
    def rows(self) -> int:
        return sum(self.categories.values())


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV (Comma delimited)" on Windows saves in this encoding.
        return data.decode("cp1252", errors="strict")


def _group_lookup(category: str) -> dict[str, str]:
    """Each group by its value and by its label, ignoring case."""
    lookup = {}
    for value, label in CATEGORIES[category].groups:
        lookup[value.casefold()] = value
        lookup[label.casefold()] = value
    return lookup


def _parse_rows(
    reader: Iterable[list[str]], errors: list[str]
) -> tuple[dict[str, dict[str, Decimal]], set[str]]:
    """The shares found by category and group, and the categories with a bad row (their
    totals would only mislead until the rows are put right)."""
    rows = iter(reader)
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        errors.append("The file is empty. Add the column names category, group and share.")
        return {}, set()
    names = [cell.strip().casefold() for cell in header]
    position = {}
    for column in CSV_COLUMNS:
        if names.count(column) > 1:
            errors.append(f"Column {column} appears more than once. Keep one.")
        elif column not in names:
            errors.append(f"Column {column} is missing. Add it to the first row.")
        else:
            position[column] = names.index(column)
    if errors:
        return {}, set()
    found: dict[str, dict[str, Decimal]] = {}
    troubled: set[str] = set()
    first_seen: dict[tuple[str, str], int] = {}
    count = 0
    for number, row in enumerate(rows, start=2):  # row 1 holds the column names
        if not any(cell.strip() for cell in row):
            continue
        count += 1
        if count > CSV_MAX_ROWS:
            errors.append(f"The file has more than {CSV_MAX_ROWS} rows. Split it up.")
            break
        cells = {column: (row[i].strip() if i < len(row) else "") for column, i in position.items()}
        category = cells["category"].casefold()
        group = None
        if category not in CATEGORIES:
            choices = ", ".join(CATEGORIES)
            errors.append(
                f"Row {number}, column category: enter one of {choices}"
                + (f" (not '{cells['category']}')" if cells["category"] else "")
            )
        else:
            group = _group_lookup(category).get(cells["group"].casefold())
            if group is None:
                choices = ", ".join(value for value, _label in CATEGORIES[category].groups)
                errors.append(
                    f"Row {number}, column group: enter a group of {category}: {choices}"
                    + (f" (not '{cells['group']}')" if cells["group"] else "")
                )
        try:
            share = parse_share(cells["share"])
        except ValueError as wrong:
            errors.append(f"Row {number}, column share: {wrong}")
            troubled.add(category)
            continue
        if group is None:
            troubled.add(category)
            continue
        if (category, group) in first_seen:
            errors.append(
                f"Row {number}, column group: {group} is already given for {category} in row "
                f"{first_seen[(category, group)]}. Keep one of them."
            )
            troubled.add(category)
            continue
        first_seen[(category, group)] = number
        found.setdefault(category, {})[group] = share
    if not errors and not found:
        errors.append("The file has no rows under the column names. Add a row for each group.")
    return found, troubled


@transaction.atomic
def import_target_shares(project: CommissioningProject, data: bytes) -> ImportResult:
    """Imports a CSV of category,group,share. All or nothing: if any row is wrong, nothing is
    saved and every problem is reported. Each category in the file replaces that category's
    targets; categories not in the file are left as they are."""
    if len(data) > CSV_MAX_BYTES:
        raise ValidationError("The file is bigger than 1 MB. Choose a smaller file.")
    try:
        text = _decode(data)
    except UnicodeDecodeError as wrong:
        raise ValidationError(
            "The file could not be read as text. Save it as 'CSV UTF-8' and choose it again."
        ) from wrong
    errors: list[str] = []
    try:
        found, troubled = _parse_rows(csv.reader(io.StringIO(text, newline="")), errors)
    except csv.Error as wrong:
        raise ValidationError(
            "The file is not a CSV file we can read. Save it as 'CSV UTF-8' and choose it again."
        ) from wrong
    for category, shares in found.items():
        total = sum(shares.values(), Decimal(0))
        if category not in troubled and not _adds_up(total):
            errors.append(_total_error(CATEGORIES[category].name, total))
    if errors:
        raise ValidationError(errors)
    for category, shares in found.items():
        _replace_category(project, category, shares)
    return ImportResult({category: len(shares) for category, shares in found.items()})
