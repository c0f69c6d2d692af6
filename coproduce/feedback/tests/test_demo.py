import pytest
from django.core.management import call_command

from coproduce.accounts.models import Organisation, User
from coproduce.audit.models import AuditEvent
from coproduce.feedback import demo, selectors
from coproduce.feedback.models import Contribution, Decision, YouSaidWeDid

pytestmark = pytest.mark.django_db


def test_the_demo_has_answered_and_waiting_contributions_and_loads_once() -> None:
    call_command("load_demo")
    council = Organisation.objects.get(slug="northshire-council")
    decision = Decision.objects.get(title=demo.DECISION)
    assert decision.is_published
    project = decision.project
    # Other apps' demos may add contributions to the project too: check this demo's own.
    waiting = Contribution.objects.get(key="demo:carers:gareth-easy-read")
    assert selectors.response_of(waiting) is None
    assert waiting in selectors.unanswered(project)
    answered = Contribution.objects.filter(
        key__in=["demo:carers:pat-short-notice", "demo:carers:panel-named-worker"]
    )
    assert all(selectors.response_of(c) is not None for c in answered)
    assert selectors.closure(project).responded >= 2
    assert YouSaidWeDid.objects.get(project=project).is_published
    pat = User.objects.get(username="pat.carer")
    assert Contribution.objects.filter(contributors__person__user=pat).exists()
    events = AuditEvent.objects.count()
    counts = (Contribution.objects.count(), Decision.objects.count())
    users = {user.username: user for user in User.objects.all()}
    demo.load(council, users)
    assert AuditEvent.objects.count() == events
    assert (Contribution.objects.count(), Decision.objects.count()) == counts
