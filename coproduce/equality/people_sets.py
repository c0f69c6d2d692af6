"""A *people set*: a group of people whose equality answers are counted together, such as a
saved list today, and an opportunity's applicants or a panel in later capabilities.

A capability that wants its people compared with a project's target population registers a
source once (in its AppConfig's `ready()`)::

    from coproduce.equality.people_sets import register_source

    register_source(OpportunityApplicants())  # param "opportunity": ?opportunity=<id>

A source names the GET parameter it answers to, offers its choices for an organisation, and
turns a chosen value into a `PeopleSet`, or None if the value is not one of that
organisation's (the page then answers 404, as for any other organisation's record).
"""

from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import QuerySet

from coproduce.people.models import Person, SavedList


@dataclass(frozen=True)
class PeopleSet:
    source: str  # the source's GET parameter, e.g. "list"
    key: str  # the chosen value, e.g. the saved list's id
    name: str  # what it is called on screen
    kind: str  # what sort of set it is, in words: "saved list"
    organisation_id: int
    people: QuerySet[Person]  # merged and pseudonymised records are left out when counting


class PeopleSetSource(Protocol):
    param: str
    label: str

    def choices(self, organisation: Any) -> list[tuple[str, str]]: ...

    def get(self, organisation: Any, key: str) -> PeopleSet | None: ...


class SavedListSource:
    param = "list"
    label = "Saved list"

    def choices(self, organisation: Any) -> list[tuple[str, str]]:
        lists = SavedList.objects.filter(organisation=organisation).order_by("name")
        return [(str(pk), name) for pk, name in lists.values_list("pk", "name")]

    def get(self, organisation: Any, key: str) -> PeopleSet | None:
        if not key.isdigit():
            return None
        saved = SavedList.objects.filter(organisation=organisation, pk=int(key)).first()
        return saved_list_people_set(saved) if saved is not None else None


def saved_list_people_set(saved: SavedList) -> PeopleSet:
    return PeopleSet(
        source=SavedListSource.param,
        key=str(saved.pk),
        name=saved.name,
        kind="saved list",
        organisation_id=saved.organisation_id,
        people=Person.objects.filter(
            organisation_id=saved.organisation_id,
            pk__in=saved.members.values("person_id"),
        ),
    )


_SOURCES: dict[str, PeopleSetSource] = {}


def register_source(source: PeopleSetSource) -> None:
    _SOURCES[source.param] = source


def sources() -> list[PeopleSetSource]:
    return list(_SOURCES.values())


register_source(SavedListSource())
