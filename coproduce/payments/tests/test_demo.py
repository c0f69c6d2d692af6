from decimal import Decimal

import pytest
from django.core.management import call_command

from coproduce.accounts.models import Organisation, User
from coproduce.audit.models import AuditEvent
from coproduce.payments import demo, services
from coproduce.payments.models import Claim, ClaimStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_policy_a_choice_and_a_claim_for_finance_and_loads_once() -> None:
    call_command("load_demo")
    council = Organisation.objects.get(slug="northshire-council")
    rates = services.rates_for(services.payment_policy(council))
    assert (rates.per_hour, rates.half_day, rates.day) == (
        Decimal("20.00"),
        Decimal("60.00"),
        Decimal("100.00"),
    )
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.person.user == User.objects.get(username="pat.carer")
    assert services.choice_of(claim.person) is not None
    # Faisal can approve it: he neither made nor sent it.
    services.check_separation(claim, User.objects.get(username="faisal.finance"))
    events = AuditEvent.objects.count()
    users = {user.username: user for user in User.objects.all()}
    demo.load(council, users)
    assert AuditEvent.objects.count() == events and Claim.objects.count() == 1
