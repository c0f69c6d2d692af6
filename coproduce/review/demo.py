"""Demo co-review for `coproduce load_demo`, drawn from the seeds: the carers' hub run by
Northshire Carers' Centre (Priya Shah reports for it) with outcomes in carers' own words, four
quarters of figures (green, amber and red), a provider report waiting for review, quality
characteristics carers defined, a mystery shopping visit whose findings are waiting for a
decision, lessons from both council projects, and two rounds of the practice self-assessment
(the latest with too few participants' scores to show yet). Running it again changes nothing."""

import datetime
from decimal import Decimal

from django.utils import timezone

from coproduce.accounts.models import Organisation, User
from coproduce.people.models import Person
from coproduce.projects.models import CommissioningProject, StageKind
from coproduce.surveys.models import ResponseSource

from . import practice_questions, services
from .models import (
    FindingKind,
    Frequency,
    Indicator,
    Lesson,
    Outcome,
    QualityCharacteristic,
    Rating,
    Service,
    VisitFinding,
    VisitKind,
)

SERVICE = "Northshire carers' hub"

OUTCOMES = [
    (
        "I get a break from caring when I need one, not months later",
        "Carers' strategy reference group, co-design workshop 1",
        [
            # name, unit, direction, baseline, target, source, quarterly figures
            (
                "Carers who had a break in the last 3 months",
                "%",
                "higher",
                "38",
                "60",
                "Hub's quarterly survey of carers it supports",
                ["44", "51", "57", "62"],
            ),
            (
                "Days from asking for a break to getting one",
                " days",
                "lower",
                "42",
                "14",
                "Hub's booking records",
                ["40", "35", "31", "29"],
            ),
        ],
    ),
    (
        "Someone helps me sort out money worries before they become a crisis",
        "Carers at the market development event, in their words",
        [
            (
                "Carers given debt or benefits advice within 10 working days",
                "%",
                "higher",
                "55",
                "85",
                "Hub's advice case records",
                ["60", "72", "86", "84"],
            ),
        ],
    ),
]

CHARACTERISTICS = [
    ("Staff listen and do not rush you", "Carers' reference group"),
    ("You can reach someone on the phone the same day", "Carers' reference group"),
    ("They offer support with access needs without being asked twice", "Carers with disabilities"),
]

LESSONS = [
    (
        "Carers",
        StageKind.ANALYSE,
        "Go where carers already are",
        "Holding sessions at the carers' centre coffee morning reached carers who never fill in "
        "surveys.",
        "The online survey mostly reached carers who already use the hub.",
        "Plan outreach sessions before the survey opens, not after.",
    ),
    (
        "Carers",
        StageKind.DO,
        "Pay replacement care up front",
        "Carers on the evaluation panel could take part because replacement care was booked "
        "and paid for them.",
        "Two carers waited six weeks for their expenses.",
        "Agree the payment route with finance before recruiting the panel.",
    ),
    (
        "SEND",
        StageKind.ANALYSE,
        "Young people set their own questions",
        "Young people wrote the easy-read questionnaire's questions themselves.",
        "",
        "Give young people a session to test the questionnaire before it goes out.",
    ),
]


def load(council: Organisation, users: dict[str, User]) -> Service:
    project = CommissioningProject.objects.get(organisation=council, title__startswith="Carers")
    existing = Service.objects.filter(project=project, name=SERVICE).first()
    if existing is not None:
        return existing
    officer, facilitator = users["chris.commissioner"], users["fran.facilitator"]
    service = services.save_service(
        Service(
            project=project,
            name=SERVICE,
            provider_name="Northshire Carers' Centre",
            description="Information, advice, breaks and groups for adult carers.",
        ),
        [users["priya.provider"]],
    )
    today = timezone.localdate()
    quarters = [_quarter(today, back) for back in (4, 3, 2, 1)]
    for order, (statement, words, indicators) in enumerate(OUTCOMES, start=1):
        outcome = services.save_outcome(
            Outcome(project=project, statement=statement, whose_words=words, order=order)
        )
        for name, unit, direction, baseline, target, source, figures in indicators:
            indicator = services.save_indicator(
                Indicator(
                    outcome=outcome,
                    service=service,
                    name=name,
                    unit=unit,
                    direction=direction,
                    baseline=Decimal(baseline),
                    target=Decimal(target),
                    frequency=Frequency.QUARTERLY,
                    data_source=source,
                )
            )
            # The last quarter comes in the provider's report, still waiting for review.
            for (start, end), figure in zip(quarters[:-1], figures[:-1], strict=True):
                services.record_value(
                    indicator,
                    period_start=start,
                    period_end=end,
                    value=Decimal(figure),
                    entered_by=officer,
                )
    _provider_report(service, quarters[-1], users["priya.provider"])
    characteristics = [
        services.save_characteristic(
            QualityCharacteristic(service=service, title=title, defined_by=who)
        )
        for title, who in CHARACTERISTICS
    ]
    _visit(service, characteristics, facilitator, today)
    _lessons(council, facilitator)
    _self_assessments(council, users)
    return service


def _quarter(today: datetime.date, back: int) -> tuple[datetime.date, datetime.date]:
    """The calendar quarter `back` quarters before the one `today` is in."""
    index = (today.year * 4 + (today.month - 1) // 3) - back
    year, quarter = divmod(index, 4)
    start = datetime.date(year, quarter * 3 + 1, 1)
    next_start = datetime.date(year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1)
    return start, next_start - datetime.timedelta(days=1)


def _provider_report(
    service: Service, quarter: tuple[datetime.date, datetime.date], provider: User
) -> None:
    report = services.start_report(service, period_start=quarter[0], period_end=quarter[1])
    latest = {name: figures[-1] for _s, _w, rows in OUTCOMES for name, *_r, figures in rows}
    services.save_report(
        report,
        figures={
            indicator.pk: (Decimal(latest[indicator.name]), "")
            for indicator in service.indicators.all()
        },
        commentary=(
            "More carers had a break this quarter after we added Saturday sitting sessions. "
            "Waiting times for a break are still too long: two sitters left in the summer and "
            "we are recruiting."
        ),
    )
    services.submit_report(report, provider)


def _visit(
    service: Service,
    characteristics: list[QualityCharacteristic],
    facilitator: User,
    today: datetime.date,
) -> None:
    shopper = Person.objects.filter(
        organisation_id=service.organisation_id, name="Pat Evans"
    ).first()
    visit = services.record_visit(
        service,
        kind=VisitKind.MYSTERY_SHOPPING,
        visited_on=today - datetime.timedelta(days=12),
        reviewers="Two carers from the reference group, one by phone and one in person",
        summary="Friendly staff, but the phone line was hard to get through on.",
        people=[shopper] if shopper else [],
        recorded_by=facilitator,
    )
    survey = services.checklist_for(service, VisitKind.MYSTERY_SHOPPING, facilitator)
    answers = {
        "How did you contact the service?": "Phone",
        "How many minutes did you wait before someone helped you?": Decimal("25"),
        "Overall, how was your experience?": "Neither good nor poor",
        "Describe anything that stood out, good or bad": (
            "The person I spoke to was kind and took time, but I was on hold for 25 minutes."
        ),
    }
    values = {q.pk: answers[q.text] for q in survey.questions.all() if q.text in answers}
    date_question = survey.questions.get(text="When did you contact the service?")
    values[date_question.pk] = visit.visited_on
    services.record_checklist(
        visit,
        values,
        source=ResponseSource.PAPER,
        entry_key=f"demo-visit-{visit.pk}",
        entered_by=facilitator,
    )
    listens, phone, access = characteristics
    services.rate_visit(
        visit,
        {
            listens.pk: (Rating.MET, "Took time and did not rush."),
            phone.pk: (Rating.NOT_MET, "On hold for 25 minutes, then cut off once."),
            access.pk: (Rating.PARTLY, "Offered large print only when asked."),
        },
    )
    services.add_finding(
        VisitFinding(
            visit=visit,
            kind=FindingKind.FINDING,
            text="Carers calling the hub wait too long on the phone: 25 minutes on hold.",
            characteristic=phone,
        )
    )
    services.add_finding(
        VisitFinding(
            visit=visit,
            kind=FindingKind.RECOMMENDATION,
            text="Offer a call-back so carers do not have to stay on hold.",
            characteristic=phone,
        )
    )
    services.send_findings_for_decision(visit)


def _lessons(council: Organisation, facilitator: User) -> None:
    for title_start, stage_kind, title, worked, did_not, change in LESSONS:
        project = CommissioningProject.objects.get(
            organisation=council, title__startswith=title_start
        )
        services.save_lesson(
            Lesson(
                project=project,
                stage=project.stages.get(kind=stage_kind),
                title=title,
                what_worked=worked,
                what_did_not=did_not,
                what_to_change=change,
                recorded_by=facilitator,
            )
        )


def _self_assessments(council: Organisation, users: dict[str, User]) -> None:
    """Last year's round (closed: staff scored higher than participants on every area) and
    this year's, open, with only two participants' scores so far (hidden until five)."""
    facilitator = users["fran.facilitator"]
    staff = [users[name] for name in ("amara.admin", "chris.commissioner", "fran.facilitator")]
    keys = [q.key for q in practice_questions.QUESTIONS]
    earlier = services.open_self_assessment(council, "Last year", facilitator)
    for offset, person in enumerate(staff):
        services.submit_scores(
            earlier, {k: 3 + (i + offset) % 2 for i, k in enumerate(keys)}, entered_by=person
        )
    for paper in range(6):
        services.submit_scores(
            earlier,
            {k: 2 + (i + paper) % 2 for i, k in enumerate(keys)},
            entered_by=facilitator,
            on_paper=True,
        )
    services.close_self_assessment(earlier)
    # The demo's history happened a year ago, not the day it was loaded.
    earlier.opened_on = timezone.localdate() - datetime.timedelta(days=365)
    earlier.closed_on = timezone.localdate() - datetime.timedelta(days=330)
    earlier.save()
    current = services.open_self_assessment(council, "This year", facilitator)
    for person in staff[:2]:
        services.submit_scores(current, dict.fromkeys(keys, 4), entered_by=person)
    services.submit_scores(current, dict.fromkeys(keys, 3), entered_by=users["pat.carer"])
    services.submit_scores(
        current, dict.fromkeys(keys, 3), entered_by=facilitator, respondent=users["sam.lewis"]
    )
