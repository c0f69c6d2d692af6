import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.audit.context import acting_as
from coproduce.audit.models import AuditEvent
from coproduce.dataprotection import selectors, services
from coproduce.dataprotection.dates import add_months, start_of
from coproduce.dataprotection.models import (
    ItemOutcome,
    RecordType,
    RetentionPeriod,
    RetentionReview,
    ReviewStatus,
)
from coproduce.people import services as people
from coproduce.people.models import (
    CommunityMembership,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Involvement,
    InvolvementKind,
    PartnerContact,
    PartnerOrganisation,
    Person,
    PersonNeed,
    SavedList,
    SavedListMember,
)
from coproduce.testing.factories import CommunityFactory, OrganisationFactory, make_person, member

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2030, 6, 15)
# 36 months before TODAY: people last active before this day are past retention.
PERSON_CUTOFF = datetime.date(2027, 6, 15)


@pytest.fixture
def organisation():
    return OrganisationFactory()


def _last_changed(person, moment):
    Person.objects.filter(pk=person.pk).update(updated_at=moment)
    person.refresh_from_db()
    return person


def _involve(person, day, description="Came to the carers' workshop"):
    return people.record_involvement(person, InvolvementKind.EVENT, day, description)


def test_months_are_calendar_months_clamped_to_the_end_of_the_month():
    assert add_months(datetime.date(2026, 3, 31), -1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2024, 3, 31), -1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2026, 1, 15), -36) == datetime.date(2023, 1, 15)
    assert add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)
    assert selectors.cutoff(TODAY, 36) == PERSON_CUTOFF


def test_periods_default_until_an_administrator_sets_them(organisation):
    months = selectors.retention_months(organisation)
    assert months == {
        "person": 36,
        "involvement": 72,
        "consent_history": 72,
        "saved_list_membership": 24,
    }
    services.set_retention_periods(
        organisation,
        {"person": "24", "involvement": "60", "consent_history": 72, "saved_list_membership": "12"},
    )
    assert selectors.retention_months(organisation)["person"] == 24
    assert selectors.retention_months(OrganisationFactory())["person"] == 36
    # Saving the suggested value records the administrator's choice too; saving the same
    # values again writes nothing.
    assert RetentionPeriod.objects.filter(organisation=organisation).count() == 4
    events = AuditEvent.objects.filter(model="dataprotection.retentionperiod")
    assert events.count() == 4
    services.set_retention_periods(
        organisation,
        {"person": "24", "involvement": "60", "consent_history": 72, "saved_list_membership": "12"},
    )
    assert events.count() == 4


def test_periods_must_be_whole_months_within_twenty_years(organisation):
    with pytest.raises(ValidationError) as refused:
        services.set_retention_periods(
            organisation,
            {
                "person": "",
                "involvement": "six",
                "consent_history": "0",
                "saved_list_membership": "241",
            },
        )
    errors = refused.value.message_dict
    assert errors["person"] == ["Enter how many months to keep people, like 36."]
    assert "whole number" in errors["involvement"][0]
    assert "from 1 to 240" in errors["consent_history"][0]
    assert "from 1 to 240" in errors["saved_list_membership"][0]
    assert not RetentionPeriod.objects.exists()


def test_people_are_due_when_both_their_last_involvement_and_last_change_are_before_the_cutoff(
    organisation,
):
    day_before = start_of(PERSON_CUTOFF) - datetime.timedelta(seconds=1)
    long_ago = start_of(datetime.date(2020, 1, 1))
    quiet = _last_changed(make_person(organisation), day_before)
    changed_on_cutoff = _last_changed(make_person(organisation), start_of(PERSON_CUTOFF))
    involved_on_cutoff = make_person(organisation)
    _involve(involved_on_cutoff, PERSON_CUTOFF)
    _last_changed(involved_on_cutoff, long_ago)
    involved_before = make_person(organisation)
    _involve(involved_before, datetime.date(2021, 3, 1))
    _involve(involved_before, PERSON_CUTOFF - datetime.timedelta(days=1))
    _last_changed(involved_before, long_ago)
    already_done = _last_changed(make_person(organisation), long_ago)
    Person.objects.filter(pk=already_done.pk).update(pseudonymised_at=long_ago)
    duplicate = _last_changed(make_person(organisation), long_ago)
    Person.objects.filter(pk=duplicate.pk).update(merged_into=quiet)
    _last_changed(make_person(OrganisationFactory()), long_ago)  # another organisation's

    due = selectors.due_records(organisation, TODAY)[RecordType.PERSON]

    assert due == {
        quiet.pk: PERSON_CUTOFF - datetime.timedelta(days=1),
        involved_before.pk: PERSON_CUTOFF - datetime.timedelta(days=1),
    }
    assert changed_on_cutoff.pk not in due and involved_on_cutoff.pk not in due


def test_involvements_consents_and_list_places_have_their_own_periods(organisation):
    person = make_person(organisation)
    involvement_cutoff = add_months(TODAY, -72)
    old = _involve(person, involvement_cutoff - datetime.timedelta(days=1))
    on_cutoff = _involve(person, involvement_cutoff)
    emptied = _involve(person, datetime.date(2020, 1, 1))
    Involvement.objects.filter(pk=emptied.pk).update(description="")

    staff = member(organisation, Role.FACILITATOR)
    withdrawn = people.give_consent(person, ConsentPurpose.CONTACT, ConsentMethod.PHONE, staff)
    people.withdraw_consent(person, ConsentPurpose.CONTACT, staff)
    nobody_recorded = people.give_consent(person, ConsentPurpose.QUOTES_PHOTOS, "online", None)
    people.withdraw_consent(person, ConsentPurpose.QUOTES_PHOTOS, None)
    still_given = people.give_consent(person, ConsentPurpose.KEEP_NEEDS, "paper", staff)
    consent_cutoff = start_of(add_months(TODAY, -72))
    Consent.objects.filter(pk__in=[withdrawn.pk, nobody_recorded.pk]).update(
        withdrawn_at=consent_cutoff - datetime.timedelta(seconds=1)
    )
    Consent.objects.filter(pk=still_given.pk).update(given_at=start_of(datetime.date(2020, 1, 1)))

    due = selectors.due_records(organisation, TODAY)
    assert due[RecordType.INVOLVEMENT] == {old.pk: involvement_cutoff - datetime.timedelta(days=1)}
    assert on_cutoff.pk not in due[RecordType.INVOLVEMENT]
    # Only withdrawn consents with something left to remove (who recorded it, notes).
    assert set(due[RecordType.CONSENT_HISTORY]) == {withdrawn.pk}
    assert due[RecordType.SAVED_LIST_MEMBERSHIP] == {}
    Consent.objects.filter(pk=withdrawn.pk).update(withdrawn_at=consent_cutoff)
    assert selectors.due_records(organisation, TODAY)[RecordType.CONSENT_HISTORY] == {}


def test_list_places_are_measured_from_when_the_person_was_added(organisation):
    person = make_person(organisation)
    saved = people.create_saved_list(organisation, "Reference group")
    people.add_to_list(saved, [person])
    listing = SavedListMember.objects.get(person=person)
    added = timezone.localdate()
    # Exactly 24 months after they were added they are still kept; the day after, they are due.
    on_the_day = add_months(added, 24)
    assert (
        listing.pk not in selectors.due_records(organisation, on_the_day)["saved_list_membership"]
    )
    after = on_the_day + datetime.timedelta(days=1)
    due = selectors.due_records(organisation, after)["saved_list_membership"]
    assert due == {listing.pk: added}

    # Places loaded in bulk have no audit event: the day the list was made is used instead.
    bulk_list = SavedList.objects.create(organisation=organisation, name="Imported")
    SavedList.objects.filter(pk=bulk_list.pk).update(created_at=start_of(datetime.date(2020, 5, 1)))
    SavedListMember.objects.bulk_create(
        [SavedListMember(organisation=organisation, saved_list=bulk_list, person=person)]
    )
    imported = SavedListMember.objects.get(saved_list=bulk_list)
    due = selectors.due_records(organisation, TODAY)["saved_list_membership"]
    assert due[imported.pk] == datetime.date(2020, 5, 1)


def _quiet_person(organisation, **fields):
    person = make_person(organisation, **fields)
    return _last_changed(person, start_of(datetime.date(2020, 1, 1)))


def test_the_daily_check_lists_records_once_into_one_open_review(organisation):
    first = _quiet_person(organisation)
    review = services.list_records_for_review(organisation, TODAY)
    assert review.status == ReviewStatus.OPEN
    assert list(review.items.values_list("record_type", "object_id")) == [("person", first.pk)]
    assert services.list_records_for_review(organisation, TODAY) == review
    assert review.items.count() == 1

    second = _quiet_person(organisation)
    again = services.list_records_for_review(organisation, TODAY + datetime.timedelta(days=1))
    assert again == review
    assert set(review.items.values_list("object_id", flat=True)) == {first.pk, second.pk}
    review.refresh_from_db()
    assert review.last_listed_on == TODAY + datetime.timedelta(days=1)

    # Involved again since: left alone in the open review.
    involvement = _involve(first, TODAY)
    services.list_records_for_review(organisation, TODAY)
    assert review.items.get(object_id=first.pk).outcome == ItemOutcome.SKIPPED
    # Due again (the involvement was a mistake and is removed): put back, not added twice.
    involvement.delete()
    services.list_records_for_review(organisation, TODAY)
    assert review.items.get(object_id=first.pk).outcome == ItemOutcome.PENDING
    assert review.items.count() == 2


def test_nothing_due_makes_no_review(organisation):
    make_person(organisation)
    assert services.list_records_for_review(organisation) is None
    assert not RetentionReview.objects.exists()


def test_records_waiting_in_an_approved_review_are_not_listed_again(organisation):
    admin = member(organisation, Role.ADMINISTRATOR)
    person = _quiet_person(organisation)
    review = services.list_records_for_review(organisation, TODAY)
    services.approve_review(review, admin)
    assert services.list_records_for_review(organisation, TODAY) is None
    later = _quiet_person(organisation)
    newer = services.list_records_for_review(organisation, TODAY)
    assert newer != review
    assert list(newer.items.values_list("object_id", flat=True)) == [later.pk]
    assert person.pk not in newer.items.values_list("object_id", flat=True)


def test_approval_is_needed_once_and_only_with_something_to_do(organisation):
    admin = member(organisation, Role.ADMINISTRATOR)
    person = _quiet_person(organisation)
    review = services.list_records_for_review(organisation, TODAY)
    with pytest.raises(ValidationError, match="approve this review first"):
        services.carry_out_review(review)
    _involve(person, TODAY)
    services.list_records_for_review(organisation, TODAY)
    with pytest.raises(ValidationError, match="nothing to approve"):
        services.approve_review(review, admin)

    other = _quiet_person(organisation)
    services.list_records_for_review(organisation, TODAY)
    approved = services.approve_review(review, admin)
    assert approved.approved_by == admin and approved.status == ReviewStatus.APPROVED
    with pytest.raises(ValidationError, match="already been approved"):
        services.approve_review(review, admin)
    assert other.pk in review.items.values_list("object_id", flat=True)


def test_carrying_out_checks_each_record_again(organisation):
    admin = member(organisation, Role.ADMINISTRATOR)
    stays = _quiet_person(organisation)
    goes = _quiet_person(organisation)
    review = services.list_records_for_review(organisation)
    services.approve_review(review, admin)
    _involve(stays, timezone.localdate())  # involved again after approval
    counts = services.carry_out_review(review)
    assert counts == {"done": 1, "skipped": 1}
    stays.refresh_from_db()
    goes.refresh_from_db()
    assert stays.pseudonymised_at is None and stays.name != f"Person #{stays.pk}"
    assert goes.pseudonymised_at is not None and goes.name == f"Person #{goes.pk}"
    review.refresh_from_db()
    assert review.status == ReviewStatus.CARRIED_OUT and review.carried_out_at
    # Running it again does nothing more.
    assert services.carry_out_review(review) == {"done": 0, "skipped": 0}


def test_each_kind_of_record_is_dealt_with_on_approval(organisation):
    admin = member(organisation, Role.ADMINISTRATOR)
    staff = member(organisation, Role.FACILITATOR)
    person = make_person(organisation)  # recently changed: the person stays
    involvement = _involve(person, datetime.date(2019, 1, 1), "Sat on the panel with her son")
    consent = people.give_consent(person, ConsentPurpose.CONTACT, ConsentMethod.PHONE, staff)
    people.withdraw_consent(person, ConsentPurpose.CONTACT, staff)
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=start_of(datetime.date(2019, 1, 1)))
    saved = SavedList.objects.create(organisation=organisation, name="Old list")
    SavedList.objects.filter(pk=saved.pk).update(created_at=start_of(datetime.date(2019, 1, 1)))
    SavedListMember.objects.bulk_create(
        [SavedListMember(organisation=organisation, saved_list=saved, person=person)]
    )

    review = services.list_records_for_review(organisation)
    assert selectors.review_counts(review) == {
        "involvement": 1,
        "consent_history": 1,
        "saved_list_membership": 1,
    }
    rows = selectors.item_rows(review.items.all())
    assert {row.what for row in rows} == {
        "Came to an event on 1 January 2019",
        "Withdrawn consent: Contact about opportunities to take part",
        "On the list ‘Old list’",
    }
    services.approve_review(review, admin)
    services.carry_out_review(review)

    involvement.refresh_from_db()
    consent.refresh_from_db()
    assert involvement.description == "" and involvement.occurred_on == datetime.date(2019, 1, 1)
    assert consent.recorded_by is None and consent.withdrawn_by is None
    assert consent.given_at and consent.withdrawn_at
    assert not SavedListMember.objects.filter(person=person).exists()
    person.refresh_from_db()
    assert person.pseudonymised_at is None
    # The free text removed is not written into the trail again.
    changes = json.dumps(list(AuditEvent.objects.values_list("changes", flat=True)))
    # Involvement descriptions are never copied into the trail, not even when first made.
    assert changes.count("Sat on the panel with her son") == 0


def _aggregates(organisation):
    return {
        "people per community": dict(
            CommunityMembership.objects.filter(
                organisation=organisation, person__merged_into__isnull=True
            )
            .values_list("community__name")
            .annotate(total=Count("person", distinct=True))
        ),
        "involvements per month": dict(
            Involvement.objects.filter(organisation=organisation)
            .annotate(month=TruncMonth("occurred_on"))
            .values_list("month")
            .annotate(total=Count("pk"))
        ),
        "people per need": dict(
            PersonNeed.objects.filter(organisation=organisation)
            .values_list("need")
            .annotate(total=Count("person"))
        ),
        "consents per purpose and month": dict(
            Consent.objects.filter(organisation=organisation)
            .annotate(month=TruncMonth("given_at"))
            .values_list("purpose", "month")
            .annotate(total=Count("pk"))
            .values_list("purpose", "total")
        ),
        "withdrawals": Consent.objects.filter(
            organisation=organisation, withdrawn_at__isnull=False
        ).count(),
        "people": Person.objects.filter(organisation=organisation).count(),
    }


def test_pseudonymising_keeps_every_aggregate_figure(organisation):
    carers = CommunityFactory(organisation=organisation, name="Carers")
    north = CommunityFactory(organisation=organisation, name="North ward")
    staff = member(organisation, Role.FACILITATOR)
    everyone = []
    for n in range(6):
        person = make_person(
            organisation,
            needs=["step_free", "hearing_loop"][: n % 3],
            communities=[carers, north][: 1 + n % 2],
            consents=["contact"],
            name=f"Person Named {n}",
            address=f"{n} High Street",
            needs_notes="Needs a morning slot",
        )
        for month in range(1, 2 + n):
            _involve(person, datetime.date(2021, month, 10), f"Workshop {n}-{month}")
        if n % 2:
            people.withdraw_consent(person, ConsentPurpose.CONTACT, staff)
        everyone.append(person)
    before = _aggregates(organisation)
    assert before["people per community"] == {"Carers": 6, "North ward": 3}

    for person in everyone:
        services.pseudonymise_person(person)

    assert _aggregates(organisation) == before
    for person in everyone:
        person.refresh_from_db()
        assert person.name == f"Person #{person.pk}"
        assert person.address == person.email == person.needs_notes == ""
        assert not people.can_contact(person)
        assert set(person.involvements.values_list("description", flat=True)) == {""}


def test_pseudonymising_removes_who_they_are_and_keeps_what_is_counted(organisation):
    carers = CommunityFactory(organisation=organisation)
    user = member(organisation, Role.PARTICIPANT)
    person = make_person(
        organisation,
        needs=["step_free"],
        communities=[carers],
        consents=["contact"],
        name="Patricia Evans",
        preferred_name="Pat",
        email="pat@example.org",
        mobile="07700 900001",
        landline="01632 960001",
        address="1 Carer Close",
        postcode="NS1 1AA",
        via_name="Sam Evans",
        via_relationship="family",
        via_contact="sam@example.org",
        voice="representative",
        represents="Northshire Carers Forum",
        mandate="Elected at the AGM",
        needs_notes="Needs replacement care on Tuesdays",
        language="Welsh",
        user=user,
    )
    duplicate = make_person(organisation, name="Pat Evans", email="pat.old@example.org")
    people.merge_people(person, duplicate)
    partner = PartnerOrganisation.objects.create(
        organisation=organisation, name="Carers' Centre", kind="carers_group"
    )
    PartnerContact.objects.create(
        organisation=organisation, partner=partner, person=person, role="Chair"
    )
    # The administrator is made before the mark: their made-up name (say "Patel") is not the
    # person's and must not be read as a leak.
    administrator = member(organisation, Role.ADMINISTRATOR)
    first_new_event = AuditEvent.objects.order_by("-sequence").first().sequence + 1

    with acting_as(administrator):
        services.pseudonymise_person(person)

    person.refresh_from_db()
    duplicate.refresh_from_db()
    assert person.name == f"Person #{person.pk}" and duplicate.name == f"Person #{duplicate.pk}"
    for field in services.CLEARED_PERSON_FIELDS:
        assert getattr(person, field) == "", field
    assert person.user is None and person.pseudonymised_at and duplicate.pseudonymised_at
    assert person.voice == "representative"  # kept for counts; the group's name is gone
    assert list(person.needs.values_list("need", flat=True)) == ["step_free"]
    assert list(person.memberships.values_list("community", flat=True)) == [carers.pk]
    assert person.consents.count() == 1
    # Retention keeps lists and partner roles (erasure removes them).
    assert PartnerContact.objects.filter(person=person).exists()
    assert not people.can_contact(person)
    new_events = AuditEvent.objects.filter(sequence__gte=first_new_event)
    assert new_events.filter(model="people.person", action="update").count() == 2
    written = json.dumps(list(new_events.values_list("changes", "object_repr")))
    for secret in (
        "Patricia",
        "Pat",
        "pat@example.org",
        "07700",
        "Carer Close",
        "NS1",
        "Sam Evans",
        "Forum",
        "AGM",
        "Tuesdays",
        "Welsh",
    ):
        assert secret not in written, secret

    # Doing it again changes nothing.
    count = AuditEvent.objects.count()
    services.pseudonymise_person(person)
    assert AuditEvent.objects.count() == count


def test_other_apps_can_add_to_pseudonymisation(organisation, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "_HOOKS", [])
    services.register_pseudonymiser(lambda person, erasure: calls.append((person.pk, erasure)))
    person = make_person(organisation)
    services.pseudonymise_person(person, erasure=True)
    assert calls == [(person.pk, True)]
