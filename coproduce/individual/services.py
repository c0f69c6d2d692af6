"""Write operations for person-centred plans, personal budgets and approved providers.

The rules, in plain words:
- Only the newest version of a plan can change, and only until it is in use. Changing a
  version that was shared takes it back to being written: answers already given stay in the
  record, beside the round of sharing they were given in, and count for nothing new.
- The person (or their representative) agrees, disagrees or comments. Nothing they say is
  ever changed or removed: a later answer is added beside the earlier one.
- A version is put in use with the person's agreement, or, if they have not agreed, with the
  reason written down; their disagreement stays on the plan for everyone to see.
- A review starts the next version from a copy of the one in use, which is kept as it was.
- Money is Decimal pounds and pence. Planned support or spend over the allocation is allowed
  (life happens) but always warned about. Imports of spend save every row or none.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from coproduce.accounts.models import STAFF_ROLES, Membership, Role
from coproduce.audit.services import record_created
from coproduce.notifications.services import Message, send
from coproduce.people.models import ConsentPurpose, Person

from .models import (
    ActualSpend,
    ApprovedProvider,
    HeldAs,
    Outcome,
    PersonalBudget,
    PersonCentredPlan,
    PlanAction,
    PlannedSupport,
    PlanPart,
    PlanResponse,
    PlanStatus,
    PlanVersion,
    PlanWorker,
    ProviderQuality,
    ProviderReview,
    ProviderStatus,
    QualityEvidence,
    Relationship,
    Representative,
    ResponseKind,
    ResponseMethod,
    ReviewStatus,
    SpendSource,
    SupportType,
    TookPart,
)

PENNY = Decimal("0.01")
REMINDER_DAYS_BEFORE = 28
MAX_IMPORT_ROWS = 5000
THE_PERSON = "The person"


# Plans ----------------------------------------------------------------------------------------


def _is_staff_of(user: Any, organisation_id: int) -> bool:
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, role__in=STAFF_ROLES
    ).exists()


@transaction.atomic
def start_plan(
    person: Person, kind: str, by: Any, role_description: str, easy_read: bool = False
) -> PersonCentredPlan:
    """A new plan with its first version, being written, and the one starting it on the team."""
    if person.merged_into_id or person.pseudonymised_at:
        raise ValidationError("This person's record was merged or removed: use their live record.")
    plan = PersonCentredPlan.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        kind=kind,
        easy_read=easy_read,
        created_by=by,
    )
    PlanVersion.objects.create(
        organisation_id=plan.organisation_id, plan=plan, number=1, created_by=by
    )
    PlanWorker.objects.create(
        organisation_id=plan.organisation_id,
        plan=plan,
        user=by,
        role_description=role_description.strip() or "Worker",
        added_by=by,
    )
    return plan


def latest_version(plan: PersonCentredPlan) -> PlanVersion:
    return plan.versions.order_by("-number").first()  # type: ignore[return-value]


def add_worker(plan: PersonCentredPlan, user: Any, role_description: str, by: Any) -> PlanWorker:
    if not _is_staff_of(user, plan.organisation_id):
        raise ValidationError({"user": "Choose a member of staff of this organisation."})
    if plan.workers.filter(user=user).exists():
        raise ValidationError({"user": f"{user} already works with this person."})
    if not role_description.strip():
        raise ValidationError({"role_description": "Say what their role with the person is."})
    return PlanWorker.objects.create(
        organisation_id=plan.organisation_id,
        plan=plan,
        user=user,
        role_description=role_description.strip(),
        added_by=by,
    )


def remove_worker(worker: PlanWorker) -> None:
    if worker.plan.workers.count() <= 1:
        raise ValidationError(
            "Someone must always work with the person: add another worker before removing "
            "the last one."
        )
    worker.delete()


def add_representative(plan: PersonCentredPlan, user: Any, relationship: str) -> Representative:
    if plan.person.user_id == user.pk:
        raise ValidationError({"user": "This is the person themselves, not a representative."})
    if not Membership.objects.filter(
        user=user, organisation_id=plan.organisation_id, role=Role.PARTICIPANT
    ).exists():
        raise ValidationError(
            {"user": "They need to be signed up as a participant of this organisation first."}
        )
    if plan.representatives.filter(user=user).exists():
        raise ValidationError({"user": f"{user} already represents this person."})
    return Representative.objects.create(
        organisation_id=plan.organisation_id, plan=plan, user=user, relationship=relationship
    )


def _editable(version: PlanVersion) -> None:
    newest = version.plan.versions.aggregate(newest=Max("number"))["newest"]
    if version.number != newest or not version.is_editable:
        raise ValidationError(
            "This version is in use or replaced, so it cannot change. Start a review to make "
            "a new version."
        )


def _changed(version: PlanVersion) -> None:
    """A change to a shared version takes it back to being written (see the module)."""
    if version.status == PlanStatus.SHARED:
        version.status = PlanStatus.DRAFT
    version.save()


@transaction.atomic
def save_profile(version: PlanVersion, **fields: str) -> PlanVersion:
    _editable(version)
    for name in ("like_and_admire", "important_to", "important_for", "how_to_support"):
        if name in fields:
            setattr(version, name, fields[name].strip())
    _changed(version)
    return version


@transaction.atomic
def save_taking_part(
    version: PlanVersion, took_part: list[str], reason: str, easy_read_note: str
) -> PlanVersion:
    _editable(version)
    unknown = set(took_part) - set(TookPart.values)
    if unknown:
        raise ValidationError({"took_part": "Choose from the list."})
    if not took_part:
        raise ValidationError({"took_part": "Choose how the person took part."})
    if TookPart.DID_NOT in took_part and not reason.strip():
        raise ValidationError({"did_not_take_part_reason": "Say why the person did not take part."})
    version.took_part = [value for value in TookPart.values if value in took_part]
    version.did_not_take_part_reason = reason.strip()
    version.easy_read_note = easy_read_note.strip()
    _changed(version)
    return version


@transaction.atomic
def save_item(version: PlanVersion, item: Any) -> Any:
    """Adds or changes an outcome, action, person involved or support gap of the version."""
    _editable(version)
    if item.pk is not None and item.version_id != version.pk:
        raise ValidationError("That belongs to another version of the plan.")
    if (
        isinstance(item, PlanAction)
        and item.outcome_id
        and not version.outcomes.filter(pk=item.outcome_id).exists()
    ):
        raise ValidationError({"outcome": "Choose one of this plan's outcomes."})
    item.version = version
    item.organisation_id = version.organisation_id
    if item.pk is None and hasattr(item, "position"):
        item.position = type(item).objects.filter(version=version).count()
    item.full_clean(exclude=["version", "organisation"])
    item.save()
    _changed(version)
    return item


@transaction.atomic
def remove_item(version: PlanVersion, item: Any) -> None:
    _editable(version)
    if item.version_id != version.pk:
        raise ValidationError("That belongs to another version of the plan.")
    item.delete()
    _changed(version)


# Sharing, answers and agreement


@transaction.atomic
def share(version: PlanVersion, by: Any, link: str = "") -> PlanVersion:
    """Shares the version with the person and their representatives to read and agree."""
    _editable(version)
    if version.status == PlanStatus.SHARED:
        raise ValidationError("This version is already with the person.")
    if not version.outcomes.exists():
        raise ValidationError("Add at least one outcome, in the person's words, before sharing.")
    if not version.took_part:
        raise ValidationError("Record how the person took part before sharing.")
    version.status = PlanStatus.SHARED
    version.share_round += 1
    version.save()
    plan = version.plan
    send(
        plan.person,
        Message(
            subject="Your plan is ready to read",
            body="Your plan is ready. Please read it and tell us if you agree. You can also "
            "say what you would change. You can do this online, on paper, or tell your worker.",
            easy_read=[
                "Your plan is ready.",
                "Please read it.",
                "Tell us if you agree.",
                "You can tell us what to change.",
            ],
            link=link,
        ),
        purpose=ConsentPurpose.CONTACT,
        key=f"plan-shared:{version.pk}:{version.share_round}:person:{plan.person_id}",
        topic=f"plan:{plan.pk}",
        sent_by=by,
    )
    return version


@dataclass(frozen=True)
class Agreement:
    """Where agreement stands for the version's current round of sharing."""

    state: str  # "agreed", "disagreed" or "waiting"
    last: PlanResponse | None


def agreement(version: PlanVersion) -> Agreement:
    answers = [
        response
        for response in version.responses.all()
        if response.share_round == version.share_round
        and response.kind in (ResponseKind.AGREE, ResponseKind.DISAGREE)
    ]
    if not answers or version.share_round == 0:
        return Agreement("waiting", None)
    last = max(answers, key=lambda response: (response.created_at, response.pk))
    return Agreement("agreed" if last.kind == ResponseKind.AGREE else "disagreed", last)


def given_as(plan: PersonCentredPlan, user: Any) -> str:
    """How someone answering online stands to the person: themselves or their representative."""
    if plan.person.user_id == user.pk:
        return THE_PERSON
    representative = plan.representatives.filter(user=user).first()
    if representative is None:
        raise ValidationError("Only the person or their representative can answer.")
    return f"Their {Relationship(representative.relationship).label.lower()}"


@transaction.atomic
def respond(
    version: PlanVersion,
    *,
    kind: str,
    part: str = PlanPart.WHOLE,
    comment: str = "",
    given_by_name: str,
    given_as: str,
    method: str = ResponseMethod.ONLINE,
    received_on: datetime.date | None = None,
    recorded_by: Any = None,
) -> PlanResponse:
    """Records what the person or their representative said. Online answers are theirs; on
    paper or in person, a worker records it, with the date it was given."""
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    comment = comment.strip()
    if kind in (ResponseKind.AGREE, ResponseKind.DISAGREE) and version.status != PlanStatus.SHARED:
        raise ValidationError(
            "This version is not waiting for agreement now. You can still leave a comment."
        )
    if kind == ResponseKind.COMMENT and version.status not in (
        PlanStatus.SHARED,
        PlanStatus.FINAL,
    ):
        raise ValidationError("Comments can be left once the plan has been shared.")
    if kind == ResponseKind.AGREE:
        part = PlanPart.WHOLE
    if kind == ResponseKind.DISAGREE and not comment:
        raise ValidationError({"comment": "Say what you do not agree with, and what you want."})
    if kind == ResponseKind.COMMENT and not comment:
        raise ValidationError({"comment": "Write your comment."})
    if method != ResponseMethod.ONLINE:
        if received_on is None:
            raise ValidationError({"received_on": "Enter the date they gave their answer."})
        if received_on > timezone.localdate():
            raise ValidationError({"received_on": "The date cannot be in the future."})
        if not given_by_name.strip():
            raise ValidationError({"given_by_name": "Enter the name of who answered."})
    return PlanResponse.objects.create(
        organisation_id=version.organisation_id,
        version=version,
        share_round=version.share_round,
        kind=kind,
        part=part,
        comment=comment,
        given_by_name=given_by_name.strip()[:200],
        given_as=given_as.strip()[:60] or THE_PERSON,
        method=method,
        received_on=received_on or timezone.localdate(),
        recorded_by=recorded_by,
    )


@transaction.atomic
def finalise(
    version: PlanVersion, by: Any, review_on: datetime.date | None, reason: str = ""
) -> PlanVersion:
    """Puts the shared version in use, replacing the one before, and sets the review date."""
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != PlanStatus.SHARED:
        raise ValidationError("Share this version with the person before putting it in use.")
    today = timezone.localdate()
    if review_on is None:
        raise ValidationError({"review_on": "Enter the date the plan will be reviewed by."})
    if review_on <= today:
        raise ValidationError({"review_on": "The review date must be in the future."})
    if review_on > today + datetime.timedelta(days=366):
        raise ValidationError({"review_on": "Review the plan at least once a year."})
    agreed = agreement(version).state == "agreed"
    if not agreed and not reason.strip():
        raise ValidationError(
            {
                "reason": "The person has not agreed this version. Say why it is being put in "
                "use anyway: their answer stays on the plan."
            }
        )
    version.plan.versions.filter(status=PlanStatus.FINAL).exclude(pk=version.pk).update(
        status=PlanStatus.SUPERSEDED
    )
    version.status = PlanStatus.FINAL
    version.agreed = agreed
    version.finalised_without_agreement_reason = "" if agreed else reason.strip()
    version.finalised_at = timezone.now()
    version.finalised_by = by
    version.review_on = review_on
    version.save()
    plan = version.plan
    plan.next_review_on = review_on
    plan.save()
    schedule_review_reminder(plan)
    return version


@transaction.atomic
def start_review(plan: PersonCentredPlan, by: Any) -> PlanVersion:
    """The next version, a copy of the one in use; that one is kept as it was."""
    current = latest_version(plan)
    if current.status != PlanStatus.FINAL:
        raise ValidationError("A review starts from the version in use: finish this one first.")
    new = PlanVersion.objects.create(
        organisation_id=plan.organisation_id,
        plan=plan,
        number=current.number + 1,
        like_and_admire=current.like_and_admire,
        important_to=current.important_to,
        important_for=current.important_for,
        how_to_support=current.how_to_support,
        created_by=by,
    )
    outcome_copies: dict[int, Outcome] = {}
    for outcome in current.outcomes.all():
        old_pk = outcome.pk
        outcome.pk = None
        outcome.version = new
        outcome._state.adding = True
        outcome.save()
        outcome_copies[old_pk] = outcome
    for action in current.actions.all():
        action.pk = None
        action.version = new
        action.outcome = outcome_copies.get(action.outcome_id) if action.outcome_id else None
        action._state.adding = True
        action.save()
    for gap in current.gaps.all():
        gap.pk = None
        gap.version = new
        gap._state.adding = True
        gap.save()
    return new


# Review reminders


def schedule_review_reminder(plan: PersonCentredPlan) -> None:
    """Enqueues the reminder for when it is due. With a queue that cannot wait (tests run
    tasks at once) nothing is enqueued; `send_due_review_reminders` then sends them."""
    from .tasks import send_plan_review_reminder

    plan.reminder_for = plan.next_review_on
    plan.save(update_fields=["reminder_for"])
    if plan.next_review_on is None:
        return
    due = timezone.make_aware(
        datetime.datetime.combine(
            plan.next_review_on - datetime.timedelta(days=REMINDER_DAYS_BEFORE),
            datetime.time(9, 0),
        )
    )
    if due <= timezone.now() or not send_plan_review_reminder.get_backend().supports_defer:
        return
    pk = plan.pk
    transaction.on_commit(
        lambda: send_plan_review_reminder.using(run_after=due).enqueue(pk), robust=True
    )


def send_review_reminder(plan: PersonCentredPlan, today: datetime.date | None = None) -> bool:
    """Tells the person and the workers that the review is coming, once for each review date.
    A job left from before the date moved sends nothing."""
    today = today or timezone.localdate()
    review_on = plan.next_review_on
    if review_on is None or plan.reminder_for != review_on or plan.reminded_for == review_on:
        return False
    if not review_on - datetime.timedelta(days=REMINDER_DAYS_BEFORE) <= today:
        return False
    when = f"{review_on:%-d %B %Y}"
    send(
        plan.person,
        Message(
            subject="Your plan will be reviewed soon",
            body=f"Your plan will be reviewed by {when}. We will talk with you about what is "
            "working and what is not, and what you want to change. Think about who you want "
            "to be there.",
            easy_read=[
                f"We will look at your plan again by {when}.",
                "We will talk about what is going well.",
                "We will talk about what you want to change.",
                "You can choose who comes with you.",
            ],
        ),
        purpose=ConsentPurpose.CONTACT,
        key=f"plan-review:{plan.pk}:{review_on:%Y%m%d}:person:{plan.person_id}",
        topic=f"plan:{plan.pk}",
    )
    addresses = [
        worker.user.email for worker in plan.workers.select_related("user") if worker.user.email
    ]
    if addresses:
        # Staff are told by email, without the person's name: the plan's number is enough.
        send_mail(
            subject=f"Plan review due by {when}",
            message=f"Plan #{plan.pk} ({plan.get_kind_display().lower()}) is due for review "
            f"by {when}. Sign in to Coproduce to arrange it with the person.",
            from_email=None,
            recipient_list=addresses,
        )
    plan.reminded_for = review_on
    plan.save(update_fields=["reminded_for"])
    return True


def send_due_review_reminders(today: datetime.date | None = None) -> int:
    """Every reminder that is due and not yet sent (a sweep for jobs that were lost)."""
    today = today or timezone.localdate()
    due = PersonCentredPlan.objects.filter(
        next_review_on__isnull=False,
        next_review_on__lte=today + datetime.timedelta(days=REMINDER_DAYS_BEFORE),
    ).select_related("person")
    return sum(send_review_reminder(plan, today) for plan in due.iterator())


# Personal budgets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetSummary:
    allocation: Decimal
    planned: Decimal
    spent: Decimal
    warnings: list[str] = field(default_factory=list)

    @property
    def planned_left(self) -> Decimal:
        return self.allocation - self.planned

    @property
    def spent_left(self) -> Decimal:
        return self.allocation - self.spent


def money(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def summarise(budget: PersonalBudget) -> BudgetSummary:
    planned = budget.planned.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    spent = budget.spend.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    warnings = []
    if planned > budget.allocation:
        warnings.append(
            f"The planned support costs {money(planned - budget.allocation)} more than the "
            f"allocation of {money(budget.allocation)}. Change the plan or review the budget."
        )
    if spent > budget.allocation:
        warnings.append(
            f"Spending is {money(spent - budget.allocation)} over the allocation of "
            f"{money(budget.allocation)}. Talk with the person about it and review the budget."
        )
    return BudgetSummary(budget.allocation, planned, spent, warnings)


def set_budget(
    plan: PersonCentredPlan,
    *,
    allocation: Decimal,
    held_as: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    review_on: datetime.date,
) -> PersonalBudget:
    if allocation <= 0:
        raise ValidationError({"allocation": "The allocation must be more than £0."})
    if allocation != allocation.quantize(PENNY):
        raise ValidationError({"allocation": "Enter pounds and pence, like 12500.00."})
    if held_as not in HeldAs.values:
        raise ValidationError({"held_as": "Choose how the budget is held."})
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": "The end date must be after the start date."})
    if not starts_on <= review_on <= ends_on:
        raise ValidationError({"review_on": "Review the budget within its dates."})
    budget = PersonalBudget.objects.filter(plan=plan).first() or PersonalBudget(
        organisation_id=plan.organisation_id, plan=plan
    )
    outside = (
        budget.pk is not None
        and budget.spend.exclude(spent_on__range=(starts_on, ends_on)).exists()
    )
    if outside:
        raise ValidationError(
            {"starts_on": "Some spending recorded is outside these dates: keep them inside."}
        )
    budget.allocation = allocation
    budget.held_as = held_as
    budget.starts_on = starts_on
    budget.ends_on = ends_on
    budget.review_on = review_on
    budget.save()
    return budget


def _provider_for(budget: PersonalBudget, provider: ApprovedProvider | None) -> None:
    if provider is None:
        return
    if provider.organisation_id != budget.organisation_id:
        raise ValidationError({"provider": "Choose a provider from the approved list."})
    if provider.status != ProviderStatus.APPROVED:
        raise ValidationError(
            {"provider": f"{provider.name} is suspended: choose another approved provider."}
        )


def add_planned_support(
    budget: PersonalBudget,
    *,
    support_type: str,
    description: str,
    unit_cost: Decimal,
    units: Decimal,
    provider: ApprovedProvider | None = None,
) -> tuple[PlannedSupport, BudgetSummary]:
    _provider_for(budget, provider)
    if unit_cost <= 0:
        raise ValidationError({"unit_cost": "The cost must be more than £0."})
    if units <= 0:
        raise ValidationError({"units": "Enter how many, more than 0."})
    planned = PlannedSupport(
        organisation_id=budget.organisation_id,
        budget=budget,
        support_type=support_type,
        description=description.strip(),
        provider=provider,
        unit_cost=unit_cost,
        units=units,
        amount=(unit_cost * units).quantize(PENNY, rounding=ROUND_HALF_UP),
    )
    planned.full_clean()
    planned.save()
    return planned, summarise(budget)


def _check_spend_date(budget: PersonalBudget, spent_on: datetime.date) -> str:
    if not budget.starts_on <= spent_on <= budget.ends_on:
        return (
            f"{spent_on:%-d %B %Y} is outside the budget's dates "
            f"({budget.starts_on:%-d %B %Y} to {budget.ends_on:%-d %B %Y})"
        )
    return ""


def add_spend(
    budget: PersonalBudget,
    *,
    spent_on: datetime.date,
    support_type: str,
    description: str,
    amount: Decimal,
    by: Any,
) -> tuple[ActualSpend, BudgetSummary]:
    problem = _check_spend_date(budget, spent_on)
    if problem:
        raise ValidationError({"spent_on": f"{problem}."})
    if amount <= 0:
        raise ValidationError({"amount": "The amount must be more than £0."})
    spend = ActualSpend(
        organisation_id=budget.organisation_id,
        budget=budget,
        spent_on=spent_on,
        support_type=support_type,
        description=description.strip(),
        amount=amount,
        source=SpendSource.ENTERED,
        recorded_by=by,
    )
    spend.full_clean()
    spend.save()
    return spend, summarise(budget)


class ImportProblems(ValidationError):
    """Every problem in an import file, each saying the row and what to change."""


SPEND_COLUMNS = ("date", "support type", "description", "amount")


def _parse_date(text: str) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def parse_money(text: str) -> Decimal | None:
    """Pounds and pence from "1,234.50" or "£12": None if it is not money."""
    cleaned = text.strip().replace(",", "").removeprefix("£").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount != amount.quantize(PENNY):
        return None
    return amount


def _support_type(text: str) -> str | None:
    wanted = text.strip().lower()
    for value, label in SupportType.choices:
        if wanted in (value, label.lower()):
            return value
    return None


def import_spend(budget: PersonalBudget, content: bytes, by: Any) -> tuple[int, BudgetSummary]:
    """Spend from a CSV file with the columns date, support type, description and amount.
    Saves every row, or, if any row is wrong, none (raising every problem found)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as wrong:
        raise ImportProblems(["The file must be a CSV file saved as UTF-8."]) from wrong
    reader = csv.DictReader(io.StringIO(text))
    headers = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in SPEND_COLUMNS if column not in headers]
    if missing:
        raise ImportProblems(
            [
                f"The first row must name the columns: {', '.join(SPEND_COLUMNS)}. "
                f"Missing: {', '.join(missing)}."
            ]
        )
    problems: list[str] = []
    rows: list[ActualSpend] = []
    for number, raw in enumerate(reader, start=2):
        row = {(key or "").strip().lower(): (value or "").strip() for key, value in raw.items()}
        if not any(row.values()):
            continue
        if len(rows) + len(problems) >= MAX_IMPORT_ROWS:
            raise ImportProblems([f"A file can have at most {MAX_IMPORT_ROWS:,} rows."])
        said = []
        spent_on = _parse_date(row["date"])
        if spent_on is None:
            said.append(f"the date {row['date']!r} is not a date like 2026-04-30 or 30/04/2026")
        elif problem := _check_spend_date(budget, spent_on):
            said.append(problem)
        support_type = _support_type(row["support type"])
        if support_type is None:
            said.append(f"{row['support type']!r} is not a support type in the list")
        if not row["description"]:
            said.append("the description is empty")
        elif len(row["description"]) > 200:
            said.append("the description is longer than 200 characters")
        amount = parse_money(row["amount"])
        if amount is None:
            said.append(f"the amount {row['amount']!r} is not pounds and pence, like 45.50")
        elif amount <= 0:
            said.append("the amount must be more than £0")
        if said:
            problems.append(f"Row {number}: {'; '.join(said)}.")
            continue
        assert spent_on and support_type and amount
        rows.append(
            ActualSpend(
                organisation_id=budget.organisation_id,
                budget=budget,
                spent_on=spent_on,
                support_type=support_type,
                description=row["description"],
                amount=amount,
                source=SpendSource.IMPORTED,
                recorded_by=by,
            )
        )
    if problems:
        raise ImportProblems(problems)
    if not rows:
        raise ImportProblems(["The file has no rows of spending under the column names."])
    with transaction.atomic():
        saved = ActualSpend.objects.bulk_create(rows)
        record_created(saved)  # type: ignore[arg-type]
    return len(saved), summarise(budget)


# Approved providers ---------------------------------------------------------------------------


def save_quality(quality: ProviderQuality) -> ProviderQuality:
    if quality.pk is None:
        quality.position = ProviderQuality.objects.filter(
            organisation_id=quality.organisation_id
        ).count()
    quality.full_clean()
    quality.save()
    return quality


def save_provider(provider: ApprovedProvider) -> ApprovedProvider:
    unknown = set(provider.support_types) - set(SupportType.values)
    if unknown or not provider.support_types:
        raise ValidationError({"support_types": "Choose the kinds of support they offer."})
    provider.full_clean()
    provider.save()
    return provider


def save_evidence(
    provider: ApprovedProvider, quality: ProviderQuality, evidence: str, rating: str, by: Any
) -> QualityEvidence:
    if quality.organisation_id != provider.organisation_id:
        raise ValidationError("That quality belongs to another organisation.")
    if not evidence.strip():
        raise ValidationError({"evidence": "Describe the evidence."})
    found = QualityEvidence.objects.filter(provider=provider, quality=quality).first()
    record = found or QualityEvidence(
        organisation_id=provider.organisation_id, provider=provider, quality=quality
    )
    record.evidence = evidence.strip()
    record.rating = rating
    record.assessed_by = by
    record.assessed_on = timezone.localdate()
    record.full_clean()
    record.save()
    return record


def submit_review(
    provider: ApprovedProvider, person: Person, rating: int, text: str, entered_by: Any
) -> ProviderReview:
    if person.organisation_id != provider.organisation_id:
        raise ValidationError("This provider is not on your council's list.")
    if not text.strip():
        raise ValidationError({"text": "Write what you want to say about them."})
    review = ProviderReview(
        organisation_id=provider.organisation_id,
        provider=provider,
        person=person,
        rating=rating,
        text=text.strip(),
        entered_by=entered_by,
    )
    review.full_clean()
    review.save()
    return review


def moderate(review: ProviderReview, publish: bool, reason: str, by: Any) -> ProviderReview:
    if review.status != ReviewStatus.WAITING:
        raise ValidationError("This review has been checked already.")
    if not publish and not reason.strip():
        raise ValidationError({"reason": "Say why it is not published, for the record."})
    review.status = ReviewStatus.PUBLISHED if publish else ReviewStatus.REJECTED
    review.moderation_reason = reason.strip()
    review.moderated_by = by
    review.save()
    return review


# From individual to strategic -----------------------------------------------------------------


def attach_evidence(stage: Any, title: str, note: str, figures: dict, by: Any) -> Any:
    from coproduce.projects.models import StageKind

    from .models import PlanEvidence

    if stage.kind != StageKind.ANALYSE:
        raise ValidationError({"stage": "Evidence from plans goes to a project's Analyse stage."})
    if not title.strip():
        raise ValidationError({"title": "Give the evidence a title."})
    return PlanEvidence.objects.create(
        organisation_id=stage.organisation_id,
        stage=stage,
        title=title.strip(),
        note=note.strip(),
        figures=figures,
        attached_by=by,
    )
