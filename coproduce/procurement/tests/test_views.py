"""The pages: what each person sees, what they never see, and the forms' messages."""

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.accounts.models import Role
from coproduce.procurement import services
from coproduce.procurement.models import (
    Criterion,
    Moderation,
    Score,
    ScoreStatus,
    Tender,
    TenderStatus,
)
from coproduce.testing.factories import member

from .factories import (
    bidder_user,
    make_bidder,
    make_officer,
    make_open_tender,
    make_scoring_tender,
    make_tender,
    submit_all_scores,
)

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_commissioner_sets_up_a_tender_and_opens_it():
    tender = make_tender(questions=1)
    client = signed_in(tender.created_by)
    response = client.post(
        reverse("procurement:create", args=[tender.project.pk]),
        {
            "title": "Young carers' breaks",
            "reference": "NCC-2026-020",
            "quality_weight": "70",
            "price_weight": "30",
            "price_formula": "lowest_price",
            "scale_max": "4",
            "spread_threshold": "2",
        },
    )
    new = Tender.objects.get(reference="NCC-2026-020")
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("procurement:detail", args=[new.pk])
    response = client.post(
        reverse("procurement:criterion-create", args=[new.pk]),
        {"name": "Quality", "weight": "70", "position": "1"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("procurement:question-create", args=[new.pk]),
        {
            "criterion": new.criteria.get().pk,
            "kind": "written",
            "text": "How will young carers get a break?",
            "word_limit": "500",
            "weight": "70",
            "lay_may_score": "on",
            "co_designed_from": "Someone who listens and does not judge.",
        },
    )
    assert response.status_code == 302
    detail = client.get(reverse("procurement:detail", args=[new.pk]))
    assert "Co-designed" in detail.content.decode()
    response = client.post(reverse("procurement:open", args=[new.pk]))
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == TenderStatus.OPEN


def test_opening_with_wrong_weights_says_what_to_change():
    tender = make_tender()
    services.save_criterion(Criterion(tender=tender, name="Extra", weight=5))
    response = signed_in(tender.created_by).post(reverse("procurement:open", args=[tender.pk]))
    assert response.status_code == 400
    assert "The weights add up to 105 (quality 75 and price 30). Take off 5 to make 100." in (
        response.content.decode()
    )


def test_answer_over_the_word_limit_is_refused_with_the_text_kept():
    tender = make_open_tender(questions=3)
    bidder = make_bidder(tender)
    bid = services.start_bid(bidder, tender.lots.get())
    question = tender.questions.get(number=3)
    text = " ".join(["carers"] * 612)
    client = signed_in(bidder_user(bidder))
    url = reverse("procurement:bid-answer", args=[bid.pk, question.pk])
    response = client.post(url, {"text": text})
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "Your answer to question 3 has 612 words. The limit is 500. Shorten it by 112 words."
        in body
    )
    assert "Your answer has 612 words." in body
    assert text in body
    response = client.post(url, {"text": " ".join(["carers"] * 300)})
    assert response.status_code == 302
    assert "300 words of 500" in client.get(response.headers["Location"]).content.decode()


def test_bidders_never_see_a_lay_evaluators_name_or_who_asked_a_question():
    world = make_scoring_tender()
    first, second = world.bidders
    # Asked while open: made directly since the tender has moved on.
    from coproduce.procurement.models import Clarification

    asked = Clarification.objects.create(
        organisation=world.tender.organisation,
        tender=world.tender,
        bidder=first,
        question="Is TUPE likely?",
    )
    services.answer_clarification(asked, "Yes, for two staff.", world.lead)
    names = [e.name for e in world.lay]
    assert names == ["Pat Evans", "Jo Carter"]
    for bidder in world.bidders:
        client = signed_in(bidder_user(bidder))
        bid = bidder.bids.get()
        question = world.tender.questions.get(number=1)
        pages = [
            reverse("procurement:bids"),
            reverse("procurement:bid-tender", args=[bidder.pk]),
            reverse("procurement:bid", args=[bid.pk]),
            reverse("procurement:bid-answer", args=[bid.pk, question.pk]),
            reverse("procurement:bid-price", args=[bid.pk]),
            reverse("procurement:bid-documents", args=[bid.pk]),
        ]
        for page in pages:
            body = client.get(page).content.decode()
            for name in names:
                assert name not in body, page
            for evaluator in [*world.lay, world.officer]:
                assert evaluator.code not in body, page
    other_page = signed_in(bidder_user(second)).get(
        reverse("procurement:bid-tender", args=[second.pk])
    )
    body = other_page.content.decode()
    assert "Yes, for two staff." in body
    assert first.name not in body


def test_quality_evaluators_never_see_price():
    world = make_scoring_tender()
    officer_user = world.officer.user
    url = reverse("procurement:bidders", args=[world.tender.pk])
    hidden = signed_in(officer_user).get(url).content.decode()
    assert "£90,000.00" not in hidden and "£80,000.00" not in hidden
    assert "prices are hidden from you" in hidden
    shown = signed_in(world.lead).get(url).content.decode()
    assert "£90,000.00" in shown
    assert officer_user is not None and not officer_user.has_perm(
        "procurement.view_price", world.tender
    )
    assert world.lead.has_perm("procurement.view_price", world.tender)
    for evaluator in [*world.lay, world.officer]:
        client = signed_in(evaluator.user)
        for answer in services.answers_to_score(evaluator):
            page = client.get(
                reverse("procurement:evaluation-score", args=[evaluator.pk, answer.pk])
            )
            body = page.content.decode()
            assert page.status_code == 200
            assert "90000" not in body and "90,000" not in body and "Price" not in body


def test_evaluator_sees_bids_only_after_declaring_for_every_bidder():
    world = make_scoring_tender()
    world.tender.status = TenderStatus.EVALUATION
    world.tender.save()
    late = make_officer(world.tender)
    question = world.tender.questions.get(number=1)
    services.assign_officers(question, [world.officer, late])
    world.tender.status = TenderStatus.SCORING
    world.tender.save()
    answer = world.answers(1)[0]
    client = signed_in(late.user)
    url = reverse("procurement:evaluation-score", args=[late.pk, answer.pk])
    assert client.get(url).status_code == 404
    home = client.get(reverse("procurement:evaluation", args=[late.pk])).content.decode()
    assert "Not answered" in home
    for bidder in world.bidders:
        response = client.post(
            reverse("procurement:evaluation-declare", args=[late.pk, bidder.pk]),
            {"has_conflict": "no"},
        )
        assert response.status_code == 302
    assert client.get(url).status_code == 200


def test_declaring_a_conflict_without_saying_what_it_is_keeps_the_answer():
    world = make_scoring_tender()
    pat = world.lay[0]
    pat.declarations.all().delete()
    response = signed_in(pat.user).post(
        reverse("procurement:evaluation-declare", args=[pat.pk, world.bidders[0].pk]),
        {"has_conflict": "yes", "nature": ""},
    )
    assert response.status_code == 400
    assert "Say what the conflict with Carers First is." in response.content.decode()


def test_score_draft_then_submit_then_locked():
    world = make_scoring_tender()
    pat = world.lay[0]
    answer = world.answers(1)[0]
    client = signed_in(pat.user)
    url = reverse("procurement:evaluation-score", args=[pat.pk, answer.pk])
    response = client.post(url, {"score": "2", "justification": "", "submit": "1"})
    assert response.status_code == 400
    assert "Write why you gave this score" in response.content.decode()
    assert client.post(url, {"score": "2", "justification": "", "draft": "1"}).status_code == 302
    assert Score.objects.get(evaluator=pat, answer=answer).status == ScoreStatus.DRAFT
    response = client.post(url, {"score": "3", "justification": "Clear plan.", "submit": "1"})
    assert response.status_code == 302
    locked = client.get(url).content.decode()
    assert "Submitted scores cannot be changed" in locked
    response = client.post(url, {"score": "4", "justification": "Changed my mind", "submit": "1"})
    assert response.status_code == 400
    assert "locked" in response.content.decode()
    assert Score.objects.get(evaluator=pat, answer=answer).score == 3


def test_nobody_sees_other_scores_before_moderation_opens():
    world = make_scoring_tender()
    pat, jo = world.lay
    answer = world.answers(1)[0]
    services.save_score(
        jo, answer, score=1, justification="Jo's private reason", entered_by=jo.user, submit=True
    )
    pat_page = signed_in(pat.user).get(
        reverse("procurement:evaluation-score", args=[pat.pk, answer.pk])
    )
    assert "Jo's private reason" not in pat_page.content.decode()
    moderation = signed_in(world.lead).get(
        reverse("procurement:moderation", args=[answer.question_id])
    )
    body = moderation.content.decode()
    assert "Jo's private reason" not in body
    assert "Still waiting for" in body
    assert (
        signed_in(world.lead)
        .get(reverse("procurement:moderate-answer", args=[answer.pk]))
        .status_code
        == 404
    )


def test_facilitator_enters_a_paper_score_for_a_lay_evaluator():
    world = make_scoring_tender()
    facilitator = member(world.tender.organisation, Role.FACILITATOR)
    pat = world.lay[0]
    answer = world.answers(1)[0]
    client = signed_in(facilitator)
    home = client.get(reverse("procurement:evaluation", args=[pat.pk])).content.decode()
    assert "You are typing in what Pat Evans decided" in home
    response = client.post(
        reverse("procurement:evaluation-score", args=[pat.pk, answer.pk]),
        {"score": "3", "justification": "From Pat's paper form.", "submit": "1"},
    )
    assert response.status_code == 302
    score = Score.objects.get(evaluator=pat, answer=answer)
    assert score.entered_by == facilitator and score.on_paper


def test_moderation_shows_lay_and_officer_views_and_needs_explanations(
    django_assert_max_num_queries,
):
    world = make_scoring_tender()
    submit_all_scores(world, 1, {world.lay[0].pk: 1, world.lay[1].pk: 4, world.officer.pk: 3})
    question = world.tender.questions.get(number=1)
    client = signed_in(world.lead)
    url = reverse("procurement:moderation", args=[question.pk])
    assert client.post(url).status_code == 302
    with django_assert_max_num_queries(20):
        body = client.get(url).content.decode()
    assert "Large spread: discuss" in body
    assert ">Lay<" in body and ">Officer<" in body
    answer = world.answers(1)[0]
    form_url = reverse("procurement:moderate-answer", args=[answer.pk])
    response = client.post(form_url, {"consensus_score": "3", "rationale": ""})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Write why the panel agreed this score." in text
    assert "Lay evaluator A gave 1. Explain why the agreed score is different." in text
    scores = {s.evaluator_id: s.pk for s in answer.scores.all()}
    response = client.post(
        form_url,
        {
            "consensus_score": "3",
            "rationale": "Strong on carers' breaks.",
            f"explanation_{scores[world.lay[0].pk]}": "Missed the breaks section.",
            f"explanation_{scores[world.lay[1].pk]}": "Waiting times plan was thin.",
        },
    )
    assert response.status_code == 302
    assert Moderation.objects.get(answer=answer).consensus_score == 3


def test_moderation_page_queries_do_not_grow_with_bidders(django_assert_max_num_queries):
    world = make_scoring_tender()
    submit_all_scores(world, 1, {world.lay[0].pk: 2, world.lay[1].pk: 2, world.officer.pk: 2})
    question = world.tender.questions.get(number=1)
    services.open_moderation(question)
    client = signed_in(world.lead)
    url = reverse("procurement:moderation", args=[question.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_tender_list_is_paginated_with_fixed_queries(django_assert_max_num_queries):
    first = make_tender()
    for _ in range(3):
        make_tender(first.organisation, lead=first.created_by)
    client = signed_in(first.created_by)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("procurement:list"))
    assert response.status_code == 200
    assert response.content.decode().count("NCC-2026-014: ") == 4


def test_lay_evaluator_chooses_questions_after_the_briefing():
    tender = make_open_tender()
    from .factories import make_lay_evaluator

    pat = make_lay_evaluator(tender)
    client = signed_in(pat.user)
    home = client.get(reverse("procurement:evaluation", args=[pat.pk])).content.decode()
    assert "You choose your questions at the briefing." in home
    lead = tender.created_by
    response = signed_in(lead).post(
        reverse("procurement:briefing", args=[tender.pk]),
        {
            "held_on": "2026-03-02",
            "attendees": [pat.pk],
            "plain_guide_given": "on",
            "flow_chart_given": "on",
        },
    )
    assert response.status_code == 302
    url = reverse("procurement:evaluation-choose", args=[pat.pk])
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Choose at least one question to score." in response.content.decode()
    question = tender.questions.get(number=2)
    assert client.post(url, {"questions": [question.pk]}).status_code == 302
    assert list(pat.assignments.values_list("question__number", flat=True)) == [2]


def test_closing_time_is_shown_and_kept_when_the_tender_is_edited():
    import datetime

    from django.utils import timezone

    tender = make_tender()
    client = signed_in(tender.created_by)
    url = reverse("procurement:edit", args=[tender.pk])
    data = {
        "title": tender.title,
        "reference": tender.reference,
        "quality_weight": "70",
        "price_weight": "30",
        "price_formula": "lowest_price",
        "scale_max": "4",
        "spread_threshold": "2",
        "bids_close_at": "31/03/2026 12:00",
    }
    assert client.post(url, data).status_code == 302
    tender.refresh_from_db()
    expected = timezone.make_aware(datetime.datetime(2026, 3, 31, 12, 0))
    assert tender.bids_close_at == expected
    assert 'value="31/03/2026 12:00"' in client.get(url).content.decode()
    response = client.post(url, {**data, "bids_close_at": "next Tuesday"})
    assert response.status_code == 200
    assert "Enter the date and time like 31/03/2026 12:00." in response.content.decode()
