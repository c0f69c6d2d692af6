import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEvent
from coproduce.individual import selectors, services
from coproduce.individual.models import (
    ActualSpend,
    HeldAs,
    Outcome,
    OutcomeArea,
    OutcomeProgress,
    PlanAction,
    PlanPart,
    PlanResponse,
    PlanStatus,
    ResponseKind,
    ResponseMethod,
    ReviewStatus,
    SupportType,
)
from coproduce.notifications.models import Delivery
from coproduce.projects.models import StageKind
from coproduce.testing.factories import make_project, member

from .factories import (
    add_gap,
    add_outcome,
    agree,
    an_organisation,
    in_use,
    make_budget,
    make_plan,
    make_provider,
    make_quality,
    newest,
    ready_to_share,
    shared,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def organisation():  # type: ignore[no-untyped-def]
    return an_organisation()


# Plans and versions


def test_a_plan_starts_with_a_first_version_and_the_worker_on_its_team(organisation) -> None:
    plan = make_plan(organisation)
    version = newest(plan)
    assert (version.number, version.status) == (1, PlanStatus.DRAFT)
    assert list(plan.workers.values_list("user", flat=True)) == [plan.created_by.pk]


def test_important_to_and_important_for_are_kept_apart(organisation) -> None:
    version = newest(make_plan(organisation))
    services.save_profile(
        version,
        important_to="Seeing my gran on Sundays\nMy music",
        important_for="Taking my inhaler",
    )
    version.refresh_from_db()
    assert version.important_to_lines() == ["Seeing my gran on Sundays", "My music"]
    assert version.important_for_lines() == ["Taking my inhaler"]


def test_sharing_needs_an_outcome_and_how_the_person_took_part(organisation) -> None:
    plan = make_plan(organisation)
    with pytest.raises(ValidationError, match="outcome"):
        services.share(newest(plan), plan.created_by)
    add_outcome(newest(plan))
    with pytest.raises(ValidationError, match="took part"):
        services.share(newest(plan), plan.created_by)
    version = shared(plan)
    assert (version.status, version.share_round) == (PlanStatus.SHARED, 1)
    # The person is told, through the one consent-checked send.
    assert Delivery.objects.filter(person=plan.person, key__startswith="plan-shared:").exists()


def test_not_taking_part_needs_a_reason(organisation) -> None:
    version = newest(make_plan(organisation))
    with pytest.raises(ValidationError) as raised:
        services.save_taking_part(version, ["did_not"], "", "")
    assert "did_not_take_part_reason" in raised.value.error_dict


def test_disagreement_is_recorded_and_not_overwritten_by_later_agreement(organisation) -> None:
    plan = make_plan(organisation)
    version = shared(plan)
    with pytest.raises(ValidationError) as raised:
        services.respond(
            version, kind=ResponseKind.DISAGREE, given_by_name="Sam", given_as="The person"
        )
    assert "comment" in raised.value.error_dict
    services.respond(
        version,
        kind=ResponseKind.DISAGREE,
        part=PlanPart.OUTCOMES,
        comment="I want to go to the college in town, not the one out of town.",
        given_by_name="Sam",
        given_as="The person",
    )
    assert services.agreement(version).state == "disagreed"
    agree(version)
    assert services.agreement(version).state == "agreed"
    kinds = list(version.responses.order_by("created_at", "pk").values_list("kind", flat=True))
    assert kinds == [ResponseKind.DISAGREE, ResponseKind.AGREE]
    assert "college in town" in version.responses.get(kind=ResponseKind.DISAGREE).comment


def test_changing_a_shared_version_takes_it_back_and_earlier_agreement_no_longer_counts(
    organisation,
) -> None:
    plan = make_plan(organisation)
    version = shared(plan)
    agree(version)
    services.save_profile(version, how_to_support="Give me time to answer.")
    version.refresh_from_db()
    assert version.status == PlanStatus.DRAFT
    version = services.share(version, plan.created_by)
    assert version.share_round == 2
    assert services.agreement(version).state == "waiting"
    assert PlanResponse.objects.filter(version=version).count() == 1  # kept, from round 1


def test_putting_in_use_without_agreement_needs_a_reason_that_stays_beside_their_answer(
    organisation,
) -> None:
    plan = make_plan(organisation)
    version = shared(plan)
    services.respond(
        version,
        kind=ResponseKind.DISAGREE,
        comment="Not enough about my friends.",
        given_by_name="Sam",
        given_as="The person",
    )
    review_on = TODAY() + datetime.timedelta(days=90)
    with pytest.raises(ValidationError) as raised:
        services.finalise(version, plan.created_by, review_on)
    assert "reason" in raised.value.error_dict
    version = services.finalise(version, plan.created_by, review_on, "The school place starts.")
    assert (version.status, version.agreed) == (PlanStatus.FINAL, False)
    assert version.responses.filter(kind=ResponseKind.DISAGREE).exists()
    plan.refresh_from_db()
    assert plan.next_review_on == review_on


def test_review_dates_must_be_within_a_year(organisation) -> None:
    plan = make_plan(organisation)
    version = shared(plan)
    agree(version)
    with pytest.raises(ValidationError, match="once a year"):
        services.finalise(version, plan.created_by, TODAY() + datetime.timedelta(days=400))
    with pytest.raises(ValidationError, match="future"):
        services.finalise(version, plan.created_by, TODAY())


def test_a_review_makes_a_new_version_and_keeps_the_previous_as_it_was(organisation) -> None:
    plan = make_plan(organisation)
    version = ready_to_share(plan)
    outcome = version.outcomes.get()
    services.save_item(
        version,
        PlanAction(
            description="Visit the college", owner="Sam and Mum", due_on=TODAY(), outcome=outcome
        ),
    )
    services.save_profile(version, important_to="My dog")
    first = in_use(plan)
    with pytest.raises(ValidationError, match="in use"):
        services.save_profile(first, important_to="Changed")
    second = services.start_review(plan, plan.created_by)
    assert second.number == 2 and second.status == PlanStatus.DRAFT
    assert second.important_to == "My dog"
    copied = second.outcomes.get()
    assert copied.pk != outcome.pk and copied.in_their_words == outcome.in_their_words
    assert second.actions.get().outcome == copied  # actions point at the copied outcomes
    copied.progress = OutcomeProgress.NOT_MET
    services.save_item(second, copied)
    outcome.refresh_from_db()
    assert outcome.progress == OutcomeProgress.NOT_STARTED  # the first version is untouched
    with pytest.raises(ValidationError):
        services.save_item(first, Outcome(in_their_words="New", area=OutcomeArea.HEALTH))
    # How the person took part is recorded afresh at each review.
    assert second.took_part == []
    services.save_taking_part(second, ["with_family"], "", "")
    services.share(newest(plan), plan.created_by)
    agree(newest(plan))
    services.finalise(newest(plan), plan.created_by, TODAY() + datetime.timedelta(days=200))
    first.refresh_from_db()
    assert first.status == PlanStatus.SUPERSEDED
    assert plan.versions.count() == 2


def test_a_review_starts_only_from_the_version_in_use(organisation) -> None:
    plan = make_plan(organisation)
    with pytest.raises(ValidationError, match="in use"):
        services.start_review(plan, plan.created_by)


def test_paper_answers_need_the_date_and_who_gave_them(organisation) -> None:
    plan = make_plan(organisation)
    version = shared(plan)
    with pytest.raises(ValidationError) as raised:
        services.respond(
            version,
            kind=ResponseKind.AGREE,
            given_by_name="Jo Lewis",
            given_as="Their mum",
            method=ResponseMethod.PAPER,
        )
    assert "received_on" in raised.value.error_dict
    answer = services.respond(
        version,
        kind=ResponseKind.AGREE,
        given_by_name="Jo Lewis",
        given_as="Their mum",
        method=ResponseMethod.PAPER,
        received_on=TODAY(),
        recorded_by=plan.created_by,
    )
    assert answer.method == ResponseMethod.PAPER
    assert services.agreement(version).state == "agreed"


def test_plan_words_are_never_copied_into_the_audit_trail(organisation) -> None:
    version = newest(make_plan(organisation))
    services.save_profile(version, important_to="A very private wish")
    changes = AuditEvent.objects.filter(model="individual.planversion").values_list(
        "changes", flat=True
    )
    assert all("A very private wish" not in str(change) for change in changes)


def test_the_last_worker_cannot_be_removed_and_workers_must_be_staff(organisation) -> None:
    plan = make_plan(organisation)
    with pytest.raises(ValidationError, match="always work"):
        services.remove_worker(plan.workers.get())
    participant = member(organisation, Role.PARTICIPANT)
    with pytest.raises(ValidationError):
        services.add_worker(plan, participant, "Friend", plan.created_by)
    other = member(an_organisation(), Role.FACILITATOR)
    with pytest.raises(ValidationError):
        services.add_worker(plan, other, "Key worker", plan.created_by)


# Review reminders


def test_the_review_reminder_goes_once_to_the_person_and_the_workers(organisation) -> None:
    plan = make_plan(organisation)
    in_use(plan)
    plan.refresh_from_db()
    review_on = plan.next_review_on
    assert review_on is not None
    early = review_on - datetime.timedelta(days=services.REMINDER_DAYS_BEFORE + 1)
    assert services.send_review_reminder(plan, early) is False
    due = review_on - datetime.timedelta(days=services.REMINDER_DAYS_BEFORE)
    assert services.send_review_reminder(plan, due) is True
    assert Delivery.objects.filter(person=plan.person, key__startswith="plan-review:").count() == 1
    assert len(mail.outbox) == 1 and plan.person.name not in mail.outbox[0].body
    assert services.send_review_reminder(plan, due) is False
    assert len(mail.outbox) == 1


def test_a_reminder_left_from_before_the_date_moved_sends_nothing(organisation) -> None:
    plan = make_plan(organisation)
    in_use(plan)
    plan.refresh_from_db()
    assert plan.next_review_on is not None
    moved = plan.next_review_on + datetime.timedelta(days=30)
    plan.next_review_on = moved
    plan.save()  # moved without scheduling a new reminder
    assert services.send_review_reminder(plan, moved) is False


def test_the_sweep_sends_reminders_that_are_due(organisation) -> None:
    plan = make_plan(organisation)
    in_use(plan)
    plan.refresh_from_db()
    assert services.send_due_review_reminders(plan.next_review_on) == 1
    assert services.send_due_review_reminders(plan.next_review_on) == 0


def test_the_daily_command_sends_due_reminders_once(organisation, monkeypatch) -> None:
    plan = make_plan(organisation)
    in_use(plan)
    plan.refresh_from_db()
    assert plan.next_review_on is not None
    review_on = plan.next_review_on
    monkeypatch.setattr(services.timezone, "localdate", lambda: review_on)
    out = io.StringIO()
    call_command("plan_reminders", "send", stdout=out)
    assert out.getvalue().strip() == "plan_reminders send: 1 review reminders sent"
    assert Delivery.objects.filter(person=plan.person, key__startswith="plan-review:").count() == 1
    out = io.StringIO()
    call_command("plan_reminders", "send", stdout=out)
    assert out.getvalue().strip() == "plan_reminders send: 0 review reminders sent"


# Personal budgets


def test_planned_support_is_costed_in_pence_and_warned_when_over_the_allocation(
    organisation,
) -> None:
    budget = make_budget(make_plan(organisation), "1000.00")
    planned, summary = services.add_planned_support(
        budget,
        support_type=SupportType.PERSONAL_ASSISTANT,
        description="PA for swimming",
        unit_cost=Decimal("13.33"),
        units=Decimal("75"),
    )
    assert planned.amount == Decimal("999.75")
    assert summary.warnings == []
    _, summary = services.add_planned_support(
        budget,
        support_type=SupportType.TRANSPORT,
        description="Taxi",
        unit_cost=Decimal("0.30"),
        units=Decimal("1"),
    )
    assert summary.planned == Decimal("1000.05")
    assert summary.warnings == [
        "The planned support costs £0.05 more than the allocation of £1,000.00. Change the "
        "plan or review the budget."
    ]


def test_spend_over_the_allocation_is_warned_and_outside_the_dates_refused(organisation) -> None:
    budget = make_budget(make_plan(organisation), "100.00")
    _, summary = services.add_spend(
        budget,
        spent_on=TODAY(),
        support_type=SupportType.SHORT_BREAKS,
        description="Weekend",
        amount=Decimal("100.01"),
        by=None,
    )
    assert summary.spent == Decimal("100.01")
    assert any("over the allocation" in warning for warning in summary.warnings)
    with pytest.raises(ValidationError) as raised:
        services.add_spend(
            budget,
            spent_on=budget.ends_on + datetime.timedelta(days=1),
            support_type=SupportType.SHORT_BREAKS,
            description="Late",
            amount=Decimal("1"),
            by=None,
        )
    assert "spent_on" in raised.value.error_dict


def test_a_budget_needs_money_and_sensible_dates(organisation) -> None:
    plan = make_plan(organisation)
    with pytest.raises(ValidationError) as raised:
        services.set_budget(
            plan,
            allocation=Decimal("0"),
            held_as=HeldAs.COUNCIL,
            starts_on=TODAY(),
            ends_on=TODAY(),
            review_on=TODAY(),
        )
    assert "allocation" in raised.value.error_dict
    with pytest.raises(ValidationError) as raised:
        services.set_budget(
            plan,
            allocation=Decimal("10"),
            held_as=HeldAs.COUNCIL,
            starts_on=TODAY(),
            ends_on=TODAY(),
            review_on=TODAY(),
        )
    assert "ends_on" in raised.value.error_dict


def test_a_suspended_provider_cannot_be_chosen(organisation) -> None:
    budget = make_budget(make_plan(organisation))
    provider = make_provider(organisation, status="suspended")
    with pytest.raises(ValidationError, match="suspended"):
        services.add_planned_support(
            budget,
            support_type=SupportType.SHORT_BREAKS,
            description="Breaks",
            unit_cost=Decimal("50"),
            units=Decimal("2"),
            provider=provider,
        )


def _csv(*rows: str) -> bytes:
    return ("date,support type,description,amount\n" + "\n".join(rows) + "\n").encode()


def test_an_import_with_any_wrong_row_saves_nothing_and_says_every_problem(organisation) -> None:
    budget = make_budget(make_plan(organisation))
    today = TODAY().isoformat()
    content = _csv(
        f"{today},Short breaks,Weekend away,120.00",
        "31/02/2026,Short breaks,Bad date,10",
        f"{today},Flying lessons,Not a type,10",
        f"{today},Transport,,12.345",
    )
    with pytest.raises(services.ImportProblems) as raised:
        services.import_spend(budget, content, None)
    problems = raised.value.messages
    assert problems[0].startswith("Row 3: the date '31/02/2026'")
    assert problems[1].startswith("Row 4: 'Flying lessons' is not a support type")
    assert "Row 5: the description is empty; the amount '12.345'" in problems[2]
    assert ActualSpend.objects.count() == 0


def test_an_import_saves_every_row_and_warns_of_overspend(organisation) -> None:
    budget = make_budget(make_plan(organisation), "200.00")
    today = TODAY()
    content = _csv(
        f'{today.isoformat()},Short breaks,Weekend away,"£1,00.50"',
        f"{today:%d/%m/%Y},transport,Taxi to club,100.00",
    )
    count, summary = services.import_spend(budget, content, None)
    assert count == 2
    assert summary.spent == Decimal("200.50")
    assert summary.warnings and "£0.50 over" in summary.warnings[0]
    assert AuditEvent.objects.filter(model="individual.actualspend", action="create").count() == 2


def test_an_import_without_the_columns_is_refused(organisation) -> None:
    budget = make_budget(make_plan(organisation))
    with pytest.raises(services.ImportProblems, match="Missing: amount"):
        services.import_spend(budget, b"date,support type,description\n", None)
    with pytest.raises(services.ImportProblems, match="UTF-8"):
        services.import_spend(budget, "date\n\xe9".encode("latin-1"), None)


# Figures across plans: suppression


def _plans_in_use(organisation, count: int, unmet: bool = False):  # type: ignore[no-untyped-def]
    worker = member(organisation, Role.FACILITATOR)
    plans = []
    for _ in range(count):
        plan = make_plan(organisation, worker=worker)
        version = newest(plan)
        add_outcome(
            version,
            progress=OutcomeProgress.NOT_MET if unmet else OutcomeProgress.ON_TRACK,
        )
        add_gap(version)
        in_use(plan)
        plans.append(plan)
    return plans


def _figures(organisation):  # type: ignore[no-untyped-def]
    today = TODAY()
    return selectors.across_plans(
        organisation.pk, spend_from=today - datetime.timedelta(days=365), spend_to=today
    )


def test_fewer_than_five_people_are_never_shown(organisation) -> None:
    _plans_in_use(organisation, 4, unmet=True)
    figures = _figures(organisation)
    assert figures.people.value is None
    outcomes, gaps, _, _ = figures.tables
    assert [cell.value for cell in outcomes.rows[0].cells] == [None, None]
    assert all(cell.value is None for cell in gaps.rows[0].cells)


def test_five_people_are_shown(organisation) -> None:
    _plans_in_use(organisation, 5, unmet=True)
    figures = _figures(organisation)
    assert figures.people.value == 5
    outcomes, gaps, _, _ = figures.tables
    assert [cell.value for cell in outcomes.rows[0].cells] == [5, 5]
    assert gaps.rows[0].cells[-1].value == 5


def test_spend_is_hidden_with_its_small_number_of_people(organisation) -> None:
    plans = _plans_in_use(organisation, 6)
    provider = make_provider(organisation, name="Seaside Breaks")
    for index, plan in enumerate(plans):
        budget = make_budget(plan)
        support = SupportType.SHORT_BREAKS if index < 5 else SupportType.THERAPY
        services.add_spend(
            budget,
            spent_on=TODAY(),
            support_type=support,
            description="Support",
            amount=Decimal("10.00"),
            by=None,
        )
        if index < 3:
            services.add_planned_support(
                budget,
                support_type=SupportType.SHORT_BREAKS,
                description="Breaks",
                unit_cost=Decimal("50"),
                units=Decimal("2"),
                provider=provider,
            )
    _, _, spend, providers = _figures(organisation).tables
    rows = {row.label: row for row in spend.rows}
    # Therapy is one person; short breaks then is its complement (the total of six is shown).
    assert rows["Therapy"].cells[0].value is None and rows["Therapy"].money is None
    assert rows["Short breaks"].cells[0].value is None and rows["Short breaks"].money is None
    assert providers.rows[0].cells[0].value is None  # three people chose Seaside Breaks


def test_attached_figures_keep_only_what_was_shown(organisation) -> None:
    _plans_in_use(organisation, 3, unmet=True)
    project = make_project(organisation)
    analyse = project.stages.get(kind=StageKind.ANALYSE)
    figures = selectors.figures_as_json(_figures(organisation))
    evidence = services.attach_evidence(
        analyse, "Unmet outcomes", "", figures, project.lead_officer
    )
    assert evidence.figures["people"] is None
    assert evidence.figures["tables"][0]["rows"][0]["cells"] == [None, None]
    with pytest.raises(ValidationError):
        services.attach_evidence(
            project.stages.get(kind=StageKind.PLAN), "x", "", figures, project.lead_officer
        )


# Providers


def test_reviews_are_published_only_when_checked_and_rejection_needs_a_reason(
    organisation,
) -> None:
    plan = make_plan(organisation)
    provider = make_provider(organisation)
    review = services.submit_review(provider, plan.person, 5, "They listened to me.", None)
    assert review.status == ReviewStatus.WAITING
    assert not selectors.published_reviews(provider).exists()
    with pytest.raises(ValidationError) as raised:
        services.moderate(review, False, "", None)
    assert "reason" in raised.value.error_dict
    services.moderate(review, True, "", None)
    assert list(selectors.published_reviews(provider)) == [review]
    with pytest.raises(ValidationError, match="already"):
        services.moderate(review, False, "Changed my mind", None)


def test_evidence_against_a_quality_replaces_what_was_there(organisation) -> None:
    provider = make_provider(organisation)
    quality = make_quality(organisation)
    user = member(organisation, Role.COMMISSIONER)
    services.save_evidence(provider, quality, "Young inspectors visited.", "partly", user)
    services.save_evidence(provider, quality, "Visited again.", "meets", user)
    assert provider.evidence.get().evidence == "Visited again."
    assert selectors.approved_providers(organisation.pk, quality_id=quality.pk) == [provider]
    assert selectors.approved_providers(organisation.pk, support_type=SupportType.THERAPY) == []
