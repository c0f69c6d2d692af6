import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEvent
from coproduce.cli import main
from coproduce.core.models import Job, JobStatus
from coproduce.dataprotection import services
from coproduce.dataprotection.dates import start_of
from coproduce.dataprotection.models import (
    ErasureRequest,
    ErasureStatus,
    HowReceived,
    RetentionPeriod,
    RetentionReview,
    ReviewStatus,
)
from coproduce.people.models import Person
from coproduce.testing.factories import OrganisationFactory, make_person, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def admin(organisation):
    return member(organisation, Role.ADMINISTRATOR, first_name="Amara", last_name="Okafor")


@pytest.fixture
def facilitator(organisation):
    return member(organisation, Role.FACILITATOR)


@pytest.fixture
def person(organisation):
    return make_person(
        organisation, consents=["contact"], name="Pat Evans", email="pat.evans@example.org"
    )


def _client(client, user):
    client.force_login(user)
    return client


def _quiet(person):
    Person.objects.filter(pk=person.pk).update(updated_at=start_of(datetime.date(2020, 1, 1)))


# ----- Subject access ------------------------------------------------------------------------


def test_the_export_page_shows_everything_and_is_audited(client, facilitator, person):
    response = _client(client, facilitator).get(reverse("dataprotection:export", args=[person.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Everything held about Pat Evans" in page
    assert "pat.evans@example.org" in page
    assert "Consents, with every time they agreed or withdrew" in page
    assert "History of changes to their records" in page
    assert "dataprotection/print.css" in page and 'media="print"' in page
    assert reverse("dataprotection:export-json", args=[person.pk]) in page
    assert response.headers["Cache-Control"].startswith("max-age=0")
    viewed = AuditEvent.objects.get(model="people.person", object_id=str(person.pk), action="view")
    assert viewed.changes == {"viewed": [None, "subject access export"]}
    assert viewed.actor_id == facilitator.pk


def test_the_json_export_downloads_as_a_file_and_is_audited(client, admin, person):
    response = _client(client, admin).get(reverse("dataprotection:export-json", args=[person.pk]))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"person-{person.pk}-" in disposition
    data = json.loads(response.content)
    assert data["sections"]["person"]["records"][0]["email"] == "pat.evans@example.org"
    assert [w["section"] for w in data["withheld"]] == ["Equality monitoring answers"]
    assert AuditEvent.objects.filter(object_id=str(person.pk), action="view").count() == 1


def test_merged_records_are_exported_with_the_record_they_were_merged_into(
    client, admin, organisation, person
):
    from coproduce.people import services as people

    duplicate = make_person(organisation, name="P Evans")
    people.merge_people(person, duplicate)
    signed_in = _client(client, admin)
    assert signed_in.get(reverse("dataprotection:export", args=[duplicate.pk])).status_code == 404
    page = signed_in.get(reverse("dataprotection:export", args=[person.pk])).content.decode()
    assert "A duplicate record merged into this one" in page


# ----- Requests to erase ----------------------------------------------------------------------


def test_a_facilitator_records_a_request(client, facilitator, person):
    signed_in = _client(client, facilitator)
    url = reverse("dataprotection:erasure-create", args=[person.pk])
    form = signed_in.get(url).content.decode()
    assert timezone.localdate().isoformat() in form  # today is suggested
    response = signed_in.post(
        url,
        {"received_on": "2026-01-10", "how_received": "letter", "reason": "Moving away"},
    )
    erasure = ErasureRequest.objects.get()
    assert response.url == reverse("dataprotection:erasure-detail", args=[erasure.pk])
    assert erasure.requested_by == facilitator and erasure.how_received == HowReceived.LETTER
    page = signed_in.get(response.url).content.decode()
    assert "Moving away" in page and "Waiting for a decision" in page
    assert "Approve or refuse" not in page  # facilitators do not decide
    listed = signed_in.get(reverse("dataprotection:erasure-list")).content.decode()
    assert "Pat Evans" in listed and "10 Feb 2026" in listed  # respond by


def test_the_request_form_keeps_what_was_typed_and_says_what_to_fix(client, facilitator, person):
    url = reverse("dataprotection:erasure-create", args=[person.pk])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = _client(client, facilitator).post(
        url, {"received_on": tomorrow, "how_received": "", "reason": "Please delete me"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose how the request came in." in page
    assert "Please delete me" in page and tomorrow in page
    assert not ErasureRequest.objects.exists()
    response = _client(client, facilitator).post(
        url, {"received_on": tomorrow, "how_received": "email", "reason": "Please delete me"}
    )
    assert "Enter the date the request was received: today or earlier." in response.content.decode()


def _recorded(person, by):
    return services.record_erasure_request(
        person, by, timezone.localdate(), HowReceived.EMAIL, "Please delete me"
    )


def test_an_administrator_cannot_approve_their_own_request(client, admin, person):
    erasure = _recorded(person, admin)
    signed_in = _client(client, admin)
    detail = signed_in.get(reverse("dataprotection:erasure-detail", args=[erasure.pk]))
    assert "a different administrator must approve it" in detail.content.decode()
    response = signed_in.post(
        reverse("dataprotection:erasure-decide", args=[erasure.pk]),
        {"decision": "approve", "refusal_reason": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "You recorded this request, so a different administrator must approve it." in page
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.REQUESTED


def test_refusing_needs_a_reason_and_keeps_the_choice(client, admin, facilitator, person):
    erasure = _recorded(person, facilitator)
    url = reverse("dataprotection:erasure-decide", args=[erasure.pk])
    signed_in = _client(client, admin)
    page = signed_in.post(url, {"decision": "refuse", "refusal_reason": ""}).content.decode()
    assert "Enter why the request is refused." in page
    assert 'value="refuse" checked' in page
    response = signed_in.post(url, {"decision": "refuse", "refusal_reason": "Legal claim open"})
    assert response.url == reverse("dataprotection:erasure-detail", args=[erasure.pk])
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.REFUSED and erasure.decided_by == admin
    # A decided request is not decided again.
    again = signed_in.get(url)
    assert again.status_code == 302


def test_approving_then_carrying_out_an_erasure(client, admin, facilitator, person):
    erasure = _recorded(person, facilitator)
    signed_in = _client(client, admin)
    response = signed_in.post(
        reverse("dataprotection:erasure-decide", args=[erasure.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    detail = signed_in.get(response.url).content.decode()
    assert "Carry out the erasure" in detail
    carry_out = reverse("dataprotection:erasure-carry-out", args=[erasure.pk])
    assert "This cannot be undone" in signed_in.get(carry_out).content.decode()
    response = signed_in.post(carry_out)
    assert response.url == reverse("dataprotection:erasure-detail", args=[erasure.pk])
    person.refresh_from_db()
    assert person.name == f"Person #{person.pk}"
    page = signed_in.get(response.url).content.decode()
    assert f"The record is now Person #{person.pk}" in page
    assert "Carried out" in page
    # Carrying it out again is refused politely.
    assert signed_in.post(carry_out).status_code == 302


# ----- Retention ------------------------------------------------------------------------------


def test_the_retention_page_shows_the_suggested_periods(client, admin):
    page = _client(client, admin).get(reverse("dataprotection:retention")).content.decode()
    assert "36 months from their last involvement or the last change to their record" in page
    form = client.get(reverse("dataprotection:retention-periods")).content.decode()
    assert 'value="36"' in form and "Suggested: 36 months" in form


def test_setting_periods_keeps_what_was_typed_and_says_what_to_fix(client, admin, organisation):
    url = reverse("dataprotection:retention-periods")
    signed_in = _client(client, admin)
    data = {
        "person": "three years",
        "involvement": "72",
        "consent_history": "500",
        "saved_list_membership": "12",
    }
    page = signed_in.post(url, data).content.decode()
    assert "There is a problem" in page
    assert "Enter how many months to keep people as a whole number, like 36." in page
    assert "from 1 to 240" in page
    assert 'value="three years"' in page and 'value="500"' in page
    assert not RetentionPeriod.objects.exists()
    response = signed_in.post(url, data | {"person": "24", "consent_history": "60"})
    assert response.url == reverse("dataprotection:retention")
    periods = dict(
        RetentionPeriod.objects.filter(organisation=organisation).values_list(
            "record_type", "months"
        )
    )
    assert periods["person"] == 24 and periods["consent_history"] == 60


def test_checking_now_lists_records_for_review(
    client, admin, organisation, person, django_capture_on_commit_callbacks
):
    _quiet(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(client, admin).post(reverse("dataprotection:retention-check"))
    job = Job.objects.get()
    assert response.url == reverse("core:job", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED
    assert job.outcome == "1 records past their retention period are waiting for approval."
    review = RetentionReview.objects.get(organisation=organisation)
    page = client.get(reverse("dataprotection:retention")).content.decode()
    assert reverse("dataprotection:retention-review", args=[review.pk]) in page
    detail = client.get(reverse("dataprotection:retention-review", args=[review.pk]))
    html = detail.content.decode()
    assert "Pat Evans" in html and "Their record in the register" in html
    assert "Approve and pseudonymise 1 records" in html


def test_approving_a_review_pseudonymises_in_the_background(
    client, admin, organisation, person, django_capture_on_commit_callbacks
):
    _quiet(person)
    review = services.list_records_for_review(organisation)
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(client, admin).post(
            reverse("dataprotection:retention-approve", args=[review.pk])
        )
    job = Job.objects.get()
    assert response.url == reverse("core:job", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.outcome
    assert job.outcome == "Done: 1 records pseudonymised or removed."
    person.refresh_from_db()
    review.refresh_from_db()
    assert person.pseudonymised_at and review.status == ReviewStatus.CARRIED_OUT
    assert review.approved_by == admin
    # The change is recorded as made by the administrator who approved it.
    event = AuditEvent.objects.filter(model="people.person", object_id=str(person.pk)).last()
    assert event.actor_id == admin.pk
    again = client.post(reverse("dataprotection:retention-approve", args=[review.pk]))
    assert again.url == reverse("dataprotection:retention-review", args=[review.pk])


def test_the_daily_command_lists_records_and_can_queue_instead(organisation, person, capsys):
    _quiet(person)
    call_command("retention", "review")
    assert "1 records waiting for approval" in capsys.readouterr().out
    assert RetentionReview.objects.get(organisation=organisation).items.count() == 1
    assert main(["coproduce", "retention", "review", "--enqueue"]) == 0
    assert "queued as task" in capsys.readouterr().out
    assert main(["coproduce", "retention", "purge"]) != 0


def test_the_dashboard_links_to_data_protection_for_those_who_may_use_it(
    client, organisation, admin, facilitator
):
    retention = reverse("dataprotection:retention")
    erasure = reverse("dataprotection:erasure-list")
    page = _client(client, admin).get(reverse("projects:dashboard")).content.decode()
    assert retention in page and erasure in page
    page = _client(client, facilitator).get(reverse("projects:dashboard")).content.decode()
    assert retention not in page and erasure in page
    commissioner = member(organisation, Role.COMMISSIONER)
    page = _client(client, commissioner).get(reverse("projects:dashboard")).content.decode()
    assert retention not in page and erasure not in page
