"""factory_boy factories for every domain record. Projects are made through the service, so
they always have their four stages, readiness items and plans."""

import datetime
from decimal import Decimal
from typing import Any, cast

import factory
from faker import Faker

from coproduce.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from coproduce.people import services as people_services
from coproduce.people.models import (
    Channel,
    Community,
    CommunityKind,
    ConsentMethod,
    Format,
    Person,
)
from coproduce.projects import services
from coproduce.projects.models import (
    BudgetCategory,
    BudgetLine,
    CommissioningLevel,
    CommissioningProject,
    EngagementMethod,
    MethodKind,
)

PASSWORD = "a-long-test-password"


_faker = Faker("en_GB")


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Council {n}")
    slug = factory.Sequence(lambda n: f"test-council-{n}")
    kind = OrganisationKind.COUNCIL
    contact_email = "involvement@council.example"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    # No apostrophes, as for people below: tests look for names in escaped pages.
    last_name = factory.LazyFunction(lambda: _faker.last_name().replace("'", ""))
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.COMMISSIONER


def member(organisation: Organisation, role: Role, **user_fields: Any) -> User:
    """A user with the given role in the organisation."""
    membership = cast(
        Membership,
        MembershipFactory(organisation=organisation, role=role, user=UserFactory(**user_fields)),
    )
    return membership.user


def make_project(
    organisation: Organisation | None = None, lead: User | None = None, **fields: Any
) -> CommissioningProject:
    if organisation is None:
        organisation = cast(Organisation, OrganisationFactory())
    lead = lead or member(organisation, Role.COMMISSIONER)
    today = datetime.date(2026, 1, 5)
    values: dict[str, Any] = {
        "title": "Carers' support service",
        "service_area": "Adult social care",
        "summary": "Recommissioning support for carers.",
        "level": CommissioningLevel.OPERATIONAL,
        "lead_officer": lead,
        "decision_maker": None,
        "decision_route": "Cabinet member decision.",
        "budget_envelope": Decimal("100000.00"),
        "involvement_budget": Decimal("5000.00"),
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=365),
        "scope_open": "What the service offers.",
        "scope_fixed": "The total budget, set by the council.",
        "how_to_get_involved": "Join the reference group.",
        "is_public": True,
    }
    values.update(fields)
    return services.create_project(organisation, **values)


def make_method(plan: Any, **fields: Any) -> EngagementMethod:
    values = {
        "plan": plan,
        "kind": MethodKind.WORKSHOP,
        "purpose": "Co-design the specification.",
        "who_for": "Carers.",
    }
    values.update(fields)
    return services.save_method(EngagementMethod(**values))


def make_budget_line(method: EngagementMethod, amount: str = "100.00", **fields: Any) -> BudgetLine:
    values = {"method": method, "category": BudgetCategory.VENUE, "amount": Decimal(amount)}
    values.update(fields)
    return services.save_budget_line(BudgetLine(**values))


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    # Tests look for names in pages, where "O'Neill" is escaped: names made here have no
    # apostrophe (tests of names that need escaping set the name themselves).
    name = factory.LazyFunction(lambda: _faker.name().replace("'", ""))
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    postcode = factory.Faker("postcode", locale="en_GB")
    preferred_channel = Channel.EMAIL
    preferred_format = Format.STANDARD


class CommunityFactory(factory.django.DjangoModelFactory[Community]):
    class Meta:
        model = Community

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Community {n}")
    kind = CommunityKind.INTEREST


def make_person(
    organisation: Organisation,
    needs: list[str] | None = None,
    communities: list[Community] | None = None,
    consents: list[str] | None = None,
    **fields: Any,
) -> Person:
    """A person saved through the service, with needs, communities and consents."""
    person = people_services.save_person(
        PersonFactory.build(organisation=organisation, **fields), needs, communities
    )
    for purpose in consents or []:
        people_services.give_consent(person, purpose, ConsentMethod.ONLINE, None)
    return person


# Equality monitoring and representativeness (coproduce.equality)


def make_equality_answers(
    person: Person, extra: dict[int, str] | None = None, **answers: str
) -> Any:
    """Answers saved through the service; records the person's equality consent if missing."""
    from coproduce.equality import services as equality_services
    from coproduce.people.models import ConsentPurpose

    people_services.give_consent(person, ConsentPurpose.EQUALITY, ConsentMethod.ONLINE, None)
    return equality_services.save_answers(person, answers, extra)


def make_saved_list(organisation: Organisation, people: list[Person], name: str = "") -> Any:
    name = name or f"List {Person.objects.count()}"
    saved = people_services.create_saved_list(organisation, name)
    people_services.add_to_list(saved, people)
    return saved


# Recruitment (coproduce.recruitment)

COMPLETE_KEY_MESSAGES: dict[str, Any] = {
    "purpose": "We want carers to help us choose who runs the new carers' service.",
    "deciding": "Which organisation runs the service. The cabinet member decides in June.",
    "cannot_change": "The budget is set by the council.",
    "expected": "Read the offers and score them with us.",
    "time_commitment": "Three days over two weeks.",
    "dates_and_place": "At the library in the town centre, from 10am to 3pm.",
    "access_support": "We pay for replacement care, taxis and interpreters.",
    "payment": "We pay £25 an hour and your travel.",
    "feedback": "We will write to you after the decision.",
    "contact": "Fran Hughes, 01234 567890, fran@example.org",
}


def make_opportunity(
    method: EngagementMethod | None = None,
    *,
    publish: bool = False,
    organisation: Organisation | None = None,
    **fields: Any,
) -> Any:
    """An opportunity with every key message; published if asked."""
    from coproduce.recruitment import services as recruitment_services

    if method is None:
        project = make_project(organisation)
        method = make_method(project.stages.get(position=3).plan)
    opportunity = recruitment_services.new_opportunity(method)
    values: dict[str, Any] = {
        **COMPLETE_KEY_MESSAGES,
        "title": "Help choose the new carers' service",
        "closes_on": datetime.date.today() + datetime.timedelta(days=30),
    }
    values.update(fields)
    for name, value in values.items():
        setattr(opportunity, name, value)
    opportunity = recruitment_services.save_opportunity(opportunity)
    if publish:
        recruitment_services.publish_opportunity(opportunity, None)
    return opportunity


_application_numbers = iter(range(1, 10**9))


def make_application(opportunity: Any, status: str = "applied", **answers: Any) -> Any:
    """An online application answered through the services: every requirement met, every
    date free, the first answer to each selection question. `answers` replace those, by the
    keys `save_answer` takes. Sent (unless `status` is "draft"), then moved to `status`
    without telling the person. The opportunity must be taking applications."""
    from coproduce.recruitment import application_services as applications

    number = next(_application_numbers)
    application = applications.start_application(opportunity)
    data: dict[str, Any] = {
        "name": f"Applicant {number}",
        "preferred_channel": Channel.EMAIL,
        "email": f"applicant{number}@example.org",
        "preferred_format": Format.STANDARD,
        "eligibility_answers": dict.fromkeys(opportunity.eligibility_lines(), "yes"),
        "availability": opportunity.session_lines(),
        "access_needs": [],
        "selection_answers": {
            question.feature: question.values[0]
            for question in opportunity.selection_questions.all()
        },
        **answers,
    }
    for step in applications.steps_for(opportunity):
        applications.save_answer(application, step.slug, data)
    if status == "draft":
        return application
    applications.submit_application(application)
    moves = {"confirmed": ["selected", "confirmed"], "applied": []}.get(status, [status])
    for to_status in moves:
        applications.move_application(
            application, to_status, by=None, reason="For a test.", notify=False, beyond_places=True
        )
    return application
