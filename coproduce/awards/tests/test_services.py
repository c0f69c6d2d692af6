import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.awards import selectors, services
from coproduce.awards.tests.factories import decision_maker, make_award, make_moderated_tender
from coproduce.notifications.models import Delivery
from coproduce.people.models import ConsentPurpose
from coproduce.people.services import give_consent
from coproduce.procurement.models import Moderation

pytestmark = pytest.mark.django_db


def test_totals_rank_moderated_bids_with_weighted_quality_and_price():
    world = make_moderated_tender()
    (lot,) = selectors.tender_totals(world.tender)
    first, second = lot.rows
    # Carers First: 4/4 × 35 + 3/4 × 35 = 61.25; price 80000/90000 × 30 = 26.67
    assert first.bid == world.bids[0]
    assert (first.quality, first.price_score, first.total) == (
        Decimal("61.25"),
        Decimal("26.67"),
        Decimal("87.92"),
    )
    # Northshire Care: 2/4 × 35 × 2 = 35; lowest price, full 30.
    assert (second.quality, second.price_score, second.total) == (
        Decimal("35.00"),
        Decimal("30.00"),
        Decimal("65.00"),
    )
    assert (first.rank, second.rank) == (1, 2)
    assert lot.final and lot.preferred is first


def test_a_bid_not_fully_moderated_is_incomplete_and_ranking_not_final():
    world = make_moderated_tender()
    Moderation.objects.filter(answer__bid=world.bids[1]).first().delete()
    (lot,) = selectors.tender_totals(world.tender)
    incomplete = lot.row_for(world.bids[1].pk)
    assert not incomplete.complete and incomplete.rank is None and incomplete.total is None
    assert not lot.final and lot.preferred is None
    with pytest.raises(ValidationError, match="not fully moderated"):
        make_award(world)


def test_equal_totals_share_first_place_and_an_award_then_needs_a_reason():
    world = make_moderated_tender(
        consensus={(0, 1): 3, (0, 2): 3, (1, 1): 3, (1, 2): 3},
    )
    world.bids[0].price = world.bids[1].price
    world.bids[0].save()
    (lot,) = selectors.tender_totals(world.tender)
    assert [row.rank for row in lot.rows] == [1, 1]
    assert all(row.tied for row in lot.rows) and lot.preferred is None
    with pytest.raises(ValidationError) as error:
        make_award(world)
    assert "two or more bids equal first" in str(error.value)
    award = make_award(world, reason_not_preferred="Better plan for rural carers.")
    assert award.panel_preferred_bid is None


def test_award_to_a_bid_not_ranked_first_needs_a_reason():
    world = make_moderated_tender()
    with pytest.raises(ValidationError) as error:
        make_award(world, bid_index=1)
    assert error.value.message_dict["reason_not_preferred"] == [
        "The panel's marks ranked Carers First first. Say why the award goes to Northshire "
        "Care: the lay evaluators will be told."
    ]
    award = make_award(world, bid_index=1, reason_not_preferred="Carers First withdrew.")
    assert award.panel_preferred_bid == world.bids[0]
    assert not award.goes_to_preferred_bid


def test_standstill_must_be_at_least_8_working_days_and_a_lot_is_awarded_once():
    world = make_moderated_tender()
    with pytest.raises(ValidationError, match="at least 8 working days"):
        make_award(world, standstill_days=5)
    make_award(world, standstill_days=10)
    with pytest.raises(ValidationError, match="awarded already"):
        make_award(world)


def test_only_a_decision_maker_signs_off_and_only_once():
    world = make_moderated_tender()
    award = make_award(world, signed=False)
    with pytest.raises(ValidationError, match="Only a decision-maker"):
        services.sign_off(award, by=world.lead, note="Fine.")
    dee = decision_maker(world)
    with pytest.raises(ValidationError):
        services.sign_off(award, by=dee, note="  ")
    services.sign_off(award, by=dee, note="Agreed at cabinet.")
    assert award.signed_off_by == dee and award.signed_off_at is not None
    with pytest.raises(ValidationError, match="already"):
        services.sign_off(award, by=dee, note="Again.")


def test_notice_needs_sign_off_and_contract_waits_for_standstill_over_christmas():
    world = make_moderated_tender()
    award = make_award(world, signed=False)
    with pytest.raises(ValidationError) as error:
        services.record_dates(
            award, notice_date=datetime.date(2026, 12, 21), contract_entered_on=None
        )
    assert "notice_date" in error.value.message_dict
    services.sign_off(award, by=decision_maker(world), note="Agreed.")
    # Monday 21 December 2026: Christmas Day, Boxing Day (observed Monday 28th) and New Year's
    # Day are not working days, so the 8th working day is Monday 4 January 2027.
    services.record_dates(award, notice_date=datetime.date(2026, 12, 21), contract_entered_on=None)
    assert award.standstill_ends_on == datetime.date(2027, 1, 4)
    with pytest.raises(ValidationError) as error:
        services.record_dates(
            award,
            notice_date=datetime.date(2026, 12, 21),
            contract_entered_on=datetime.date(2027, 1, 4),
        )
    assert error.value.message_dict["contract_entered_on"] == [
        "The standstill period ends on Monday 4 January 2027. The contract can only be entered "
        "into after that: enter a later date."
    ]
    services.record_dates(
        award,
        notice_date=datetime.date(2026, 12, 21),
        contract_entered_on=datetime.date(2027, 1, 5),
    )
    assert award.contract_entered_on == datetime.date(2027, 1, 5)


def _consent(world):
    for evaluator in world.lay:
        give_consent(evaluator.person, ConsentPurpose.CONTACT, "online", None)


def test_lay_evaluators_are_told_only_after_standstill_and_only_once():
    world = make_moderated_tender()
    _consent(world)
    award = make_award(world, notice_date=datetime.date(2026, 3, 2))
    assert award.standstill_ends_on == datetime.date(2026, 3, 11)
    with pytest.raises(ValidationError, match="ends on Wednesday 11 March 2026"):
        services.tell_lay_evaluators(award, today=datetime.date(2026, 3, 11))
    deliveries = services.tell_lay_evaluators(award, today=datetime.date(2026, 3, 12))
    assert {d.person_id for d in deliveries} == {e.person_id for e in world.lay}
    again = services.tell_lay_evaluators(award, today=datetime.date(2026, 3, 13))
    assert [d.pk for d in again] == [d.pk for d in deliveries]
    assert Delivery.objects.filter(topic=f"award:{award.pk}:lay-evaluators").count() == 2
    assert award.lay_evaluators_told_at is not None


def test_the_message_says_who_won_thanks_and_how_their_scores_counted():
    world = make_moderated_tender()
    award = make_award(world, bid_index=1, reason_not_preferred="Carers First withdrew.")
    pat = world.lay[0]  # gave 4 on question 1 and 3 on question 2 to both bids
    body = services.award_message(award, pat).body
    assert "Thank you" in body
    assert "has been awarded to Northshire Care" in body
    assert "The panel's marks put Carers First first." in body
    assert "because: Carers First withdrew." in body
    assert "Question 1, Carers First: you gave 4, the panel agreed 4." in body
    assert "Question 1, Northshire Care: you gave 4, the panel agreed 2." in body
    assert "Question 2, Northshire Care: you gave 3, the panel agreed 2." in body


def test_assessment_summary_gives_own_and_winner_marks_per_criterion_with_reasons():
    world = make_moderated_tender()
    award = make_award(world)
    summary = selectors.assessment_summary(award, world.bids[1])
    (criterion,) = summary.criteria
    assert criterion.mark == Decimal("35.00")
    assert criterion.winner_mark == Decimal("61.25")
    assert [reason for _q, _score, reason in criterion.reasons] == [
        "Rationale for Northshire Care on question 1.",
        "Rationale for Northshire Care on question 2.",
    ]
    assert not summary.is_winner and summary.winner.bid == world.bids[0]


def test_panel_report_lists_answers_where_lay_and_officer_scores_differ():
    # Question 1: lay 4 and 4 against officer 1: a difference of 3 (threshold 2).
    world = make_moderated_tender(individual={1: (4, 4, 1), 2: (3, 3, 2)})
    report = selectors.panel_report(world.tender)
    assert {(d.question.number, d.bidder_name) for d in report} == {
        (1, "Carers First"),
        (1, "Northshire Care"),
    }
    row = next(d for d in report if d.bidder_name == "Carers First")
    assert row.difference == Decimal("3.00")
    assert [s.code for s in row.lay] == [e.code for e in world.lay]
    assert row.rationale == "Rationale for Carers First on question 1."


def test_feedback_comments_are_attributed_or_anonymous():
    world = make_moderated_tender()
    from coproduce.awards.models import FeedbackSession

    session = services.save_feedback_session(
        FeedbackSession(
            tender=world.tender, held_on=datetime.date(2026, 4, 1), recorded_by=world.lead
        )
    )
    named = services.add_feedback_comment(
        session, comment="I felt listened to.", evaluator=world.lay[0]
    )
    anonymous = services.add_feedback_comment(session, comment="Too much reading.", evaluator=None)
    assert named.evaluator == world.lay[0] and anonymous.evaluator is None
    with pytest.raises(ValidationError):
        services.add_feedback_comment(session, comment="x", evaluator=world.officer)
    with pytest.raises(ValidationError):
        services.add_feedback_comment(session, comment=" ", evaluator=None)


def test_the_scheduled_job_tells_lay_evaluators_only_once_standstill_has_ended():
    from coproduce.awards.tasks import tell_lay_evaluators_after_standstill

    world = make_moderated_tender()
    _consent(world)
    waiting = make_award(world, notice_date=timezone.localdate())
    assert tell_lay_evaluators_after_standstill.call(waiting.pk) == 0
    assert not Delivery.objects.filter(topic=f"award:{waiting.pk}:lay-evaluators").exists()
    services.record_dates(waiting, notice_date=datetime.date(2026, 3, 2), contract_entered_on=None)
    assert tell_lay_evaluators_after_standstill.call(waiting.pk) == 2
    assert tell_lay_evaluators_after_standstill.call(waiting.pk) == 2  # same keys: nothing new
    assert Delivery.objects.filter(topic=f"award:{waiting.pk}:lay-evaluators").count() == 2
