import pytest
from django.core.management import call_command

from coproduce.accounts.models import Organisation, User
from coproduce.audit.models import AuditEvent
from coproduce.feedback.models import Contribution, ContributionKind
from coproduce.review import demo, selectors
from coproduce.review.models import ReportStatus, SelfAssessment, Service
from coproduce.review.rag import Rating

pytestmark = pytest.mark.django_db


def test_the_demo_review_shows_every_part_and_loads_once() -> None:
    call_command("load_demo")
    council = Organisation.objects.get(slug="northshire-council")
    service = Service.objects.get(organisation=council)
    priya = User.objects.get(username="priya.provider")
    assert priya.has_perm("review.act_for_service", service)
    outcomes = selectors.framework(service.project)
    ratings = {f.indicator.name: f.rating for item in outcomes for f in item.indicators}
    assert set(ratings.values()) == {Rating.GREEN, Rating.AMBER, Rating.RED}
    assert service.reports.get().status == ReportStatus.SUBMITTED
    visit = service.visits.get()
    assert visit.checklist_response is not None
    assert visit.ratings.count() == 3
    assert (
        Contribution.objects.filter(
            organisation=council, kind=ContributionKind.REVIEW_FINDING
        ).count()
        == 2
    )
    earlier, current = selectors.history(council)
    assert not earlier.areas[0].participants.hidden
    assert current.areas[0].participants.hidden
    assert SelfAssessment.objects.filter(organisation=council).count() == 2
    events = AuditEvent.objects.count()
    demo.load(council, {user.username: user for user in User.objects.all()})
    assert AuditEvent.objects.count() == events and Service.objects.count() == 1
