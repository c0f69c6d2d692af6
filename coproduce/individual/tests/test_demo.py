import pytest
from django.core.management import call_command

from coproduce.accounts.models import Organisation, User
from coproduce.audit.models import AuditEvent
from coproduce.individual import demo, services
from coproduce.individual.models import PersonCentredPlan, PlanEvidence, PlanStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_plans_a_budget_over_its_allocation_and_evidence_and_loads_once() -> None:
    call_command("load_demo")
    council = Organisation.objects.get(slug="northshire-council")
    jordan = PersonCentredPlan.objects.get(person__preferred_name="Jordan")
    assert services.latest_version(jordan).status == PlanStatus.FINAL
    assert jordan.representatives.get().user.username == "pat.carer"
    assert services.summarise(jordan.budget).warnings  # planned support is over the allocation
    evidence = PlanEvidence.objects.get()
    assert evidence.figures["people"] == 9
    events = AuditEvent.objects.count()
    demo.load(council, {user.username: user for user in User.objects.all()})
    assert AuditEvent.objects.count() == events
