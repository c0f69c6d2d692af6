import pytest
from django.core.management import call_command

from coproduce.accounts.models import Organisation, User
from coproduce.audit.models import AuditEvent
from coproduce.procurement import demo, services
from coproduce.procurement.models import EvaluatorKind, ScoreStatus, Tender, TenderStatus

pytestmark = pytest.mark.django_db


def test_the_demo_tender_is_being_scored_by_two_carers_and_loads_once() -> None:
    call_command("load_demo")
    council = Organisation.objects.get(slug="northshire-council")
    tender = Tender.objects.get(organisation=council)
    assert tender.status == TenderStatus.SCORING
    assert (tender.quality_weight, tender.price_weight) == (70, 30)
    lay = tender.evaluators.filter(kind=EvaluatorKind.LAY)
    assert sorted(e.name for e in lay) == ["Pat", "Tomasz Nowak"]
    assert tender.questions.exclude(co_designed_from="").count() == 1
    priya = User.objects.get(username="priya.provider")
    assert priya.has_perm("procurement.act_for_bidder", tender.bidders.get(name__contains="Centre"))
    assert (
        tender.evaluators.get(person__name="Pat Evans")
        .scores.filter(status=ScoreStatus.SUBMITTED)
        .exists()
    )
    assert all(row.problems == [] for row in services.coverage(tender))
    events = AuditEvent.objects.count()
    demo.load(council, {user.username: user for user in User.objects.all()})
    assert AuditEvent.objects.count() == events and Tender.objects.count() == 1
