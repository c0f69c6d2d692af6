"""Equality answers follow the person: withdrawn consent and erasure delete them, a merge
keeps one set, and subject access shows them only to those with the equality-data permission."""

import pytest

from coproduce.accounts.models import Membership, Role
from coproduce.dataprotection.export import build_export
from coproduce.dataprotection.services import pseudonymise_person
from coproduce.equality.models import EqualityAnswers
from coproduce.people import services as people_services
from coproduce.people.models import ConsentPurpose
from coproduce.testing.factories import (
    OrganisationFactory,
    make_equality_answers,
    make_person,
    member,
)

pytestmark = pytest.mark.django_db


def test_withdrawing_equality_consent_deletes_the_answers_at_once():
    person = make_person(OrganisationFactory())
    make_equality_answers(person, age_band="35_44")
    people_services.withdraw_consent(person, ConsentPurpose.CONTACT, None)
    assert EqualityAnswers.objects.filter(person=person).exists()
    people_services.withdraw_consent(person, ConsentPurpose.EQUALITY, None)
    assert not EqualityAnswers.objects.filter(person=person).exists()


def test_erasure_deletes_answers_but_retention_keeps_them_for_figures():
    organisation = OrganisationFactory()
    kept, erased = make_person(organisation), make_person(organisation)
    make_equality_answers(kept, age_band="35_44")
    make_equality_answers(erased, age_band="35_44")
    pseudonymise_person(kept)
    pseudonymise_person(erased, erasure=True)
    assert EqualityAnswers.objects.filter(person=kept).exists()
    assert not EqualityAnswers.objects.filter(person=erased).exists()


def test_a_merge_keeps_one_set_of_answers():
    organisation = OrganisationFactory()
    keep, duplicate = make_person(organisation), make_person(organisation)
    make_equality_answers(duplicate, age_band="35_44")
    people_services.merge_people(keep, duplicate)
    assert EqualityAnswers.objects.get().person == keep

    other_keep, other_duplicate = make_person(organisation), make_person(organisation)
    make_equality_answers(other_keep, age_band="25_34")
    make_equality_answers(other_duplicate, age_band="35_44")
    people_services.merge_people(other_keep, other_duplicate)
    assert EqualityAnswers.objects.get(person=other_keep).age_band == "25_34"
    assert not EqualityAnswers.objects.filter(person=other_duplicate).exists()


def test_subject_access_shows_answers_only_with_the_equality_permission():
    organisation = OrganisationFactory()
    person = make_person(organisation)
    make_equality_answers(person, age_band="35_44")
    admin = member(organisation, Role.ADMINISTRATOR)
    without = build_export(person, admin)
    assert "equality_answers" not in {section.key for section in without.sections}
    assert "Equality monitoring answers" in {w.title for w in without.withheld}
    Membership.objects.filter(user=admin).update(equality_data_access=True)
    admin = type(admin).objects.get(pk=admin.pk)  # roles are cached per user object
    with_permission = build_export(person, admin)
    section = next(s for s in with_permission.sections if s.key == "equality_answers")
    assert {"question": "Age", "answer": section.records[0]["answer"]} == section.records[0]
    assert "35" in section.records[0]["answer"]
