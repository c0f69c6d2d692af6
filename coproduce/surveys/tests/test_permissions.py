"""Every surveys staff URL visited as every role, with the designed answer for each cell:

- anonymous: sent to sign in; participants and providers are not staff: 403;
- an administrator of another organisation: 404 on this organisation's records, and their own
  organisation's page where the URL names no record;
- all staff read surveys and their results (small numbers suppressed); administrators,
  commissioners and facilitators build surveys, enter paper answers and see single responses,
  comments and exports.

Respondent pages go by the response's private token: another token is not found.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from coproduce.accounts.models import Organisation, User
from coproduce.surveys import services
from coproduce.surveys.models import QuestionKind
from coproduce.testing.factories import OrganisationFactory
from coproduce.testing.permissions import LOGIN, ROLES, assert_cell, client_for, matrix_users

from .factories import make_question, make_response, make_survey

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class World:
    organisation: Organisation
    users: dict[str, User]
    objects: dict[str, Any]


Url = Callable[[World], str]


def _url(name: str, *keys: str) -> Url:
    return lambda w: reverse(name, args=[w.objects[key].pk for key in keys])


def _page(name: str) -> Url:
    return lambda w: reverse(name)


URLS: dict[str, tuple[str, Url]] = {
    "list": ("get", _page("surveys:list")),
    "create": ("get", _page("surveys:create")),
    "detail": ("get", _url("surveys:detail", "survey")),
    "edit": ("get", _url("surveys:edit", "survey")),
    "open": ("post", _url("surveys:open", "draft")),
    "close": ("post", _url("surveys:close", "survey")),
    "section-create": ("get", _url("surveys:section-create", "draft")),
    "section-edit": ("get", _url("surveys:section-edit", "draft", "section")),
    "question-create": ("get", _url("surveys:question-create", "draft")),
    "question-edit": ("get", _url("surveys:question-edit", "survey", "question")),
    "question-delete": ("post", _url("surveys:question-delete", "draft_question")),
    "question-move": ("post", _url("surveys:question-move", "draft_question")),
    "question-routes": ("get", _url("surveys:question-routes", "draft_question")),
    "comments": ("get", _url("surveys:comments", "comment_question")),
    "invite": ("get", _url("surveys:invite", "identified")),
    "enter": ("get", _url("surveys:enter", "survey")),
    "responses": ("get", _url("surveys:responses", "survey")),
    "answer-file": ("get", _url("surveys:answer-file", "file_answer")),
    "results": ("get", _url("surveys:results", "survey")),
    "crosstab": ("get", _url("surveys:crosstab", "survey")),
    "export-csv": ("get", _url("surveys:export-csv", "survey")),
    "export-xlsx": ("get", _url("surveys:export-xlsx", "survey")),
}

EXPECTED: dict[str, tuple[int | str, ...]] = {
    #                    admin  comm  facil  finance  decide  partic  provid  other  anon
    "list":             (200,   200,  200,   200,     200,    403,    403,    200,   LOGIN),
    "create":           (200,   200,  200,   403,     403,    403,    403,    200,   LOGIN),
    "detail":           (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "edit":             (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "open":             (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "close":            (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "section-create":   (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "section-edit":     (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "question-create":  (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "question-edit":    (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "question-delete":  (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "question-move":    (302,   302,  302,   403,     403,    403,    403,    404,   LOGIN),
    "question-routes":  (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "comments":         (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "invite":           (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "enter":            (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "responses":        (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "answer-file":      (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "results":          (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "crosstab":         (200,   200,  200,   200,     200,    403,    403,    404,   LOGIN),
    "export-csv":       (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
    "export-xlsx":      (200,   200,  200,   403,     403,    403,    403,    404,   LOGIN),
}  # fmt: skip

CELLS = [
    pytest.param(name, role, expected[column], id=f"{name}-{role}")
    for name, expected in EXPECTED.items()
    for column, role in enumerate(ROLES)
]


def test_every_url_has_a_row_with_a_cell_for_every_role() -> None:
    assert set(URLS) == set(EXPECTED)
    assert all(len(expected) == len(ROLES) for expected in EXPECTED.values())


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    # Each test runs in its own transaction inside this one, so an open or close in one cell
    # is rolled back before the next.
    from django.conf import settings

    uploads = tmp_path_factory.mktemp("uploads")
    previous = settings.VAR_DIR
    settings.VAR_DIR = uploads
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            yield _make_world()
            transaction.set_rollback(True)
    finally:
        settings.VAR_DIR = previous


def _make_world() -> World:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users = matrix_users(organisation, other)
    draft = make_survey(organisation, title="Draft")
    draft_question = make_question(draft)
    make_question(draft, QuestionKind.TEXT)
    survey = make_survey(organisation, title="Open")
    question = make_question(survey)
    comment_question = make_question(survey, QuestionKind.LONG_TEXT)
    file_question = make_question(survey, QuestionKind.FILE)
    services.open_survey(survey)
    response = make_response(
        survey,
        {question: "Agree", comment_question: "A comment"},
        submit=False,
    )
    file_answer = services.save_answer(
        response, file_question, SimpleUploadedFile("a.pdf", b"%PDF-1.4")
    )
    services.submit(response)
    identified = make_survey(organisation, title="Identified", anonymous=False)
    make_question(identified)
    services.open_survey(identified)
    return World(
        organisation=organisation,
        users=users,
        objects={
            "draft": draft,
            "draft_question": draft_question,
            "section": draft.sections.get(),
            "survey": survey,
            "question": question,
            "comment_question": comment_question,
            "file_answer": file_answer,
            "identified": identified,
        },
    )


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_permission_matrix(world: World, name: str, role: str, expected: int | str) -> None:
    method, url_for = URLS[name]
    url = url_for(world)
    response = getattr(client_for(world.users, role), method)(url)
    assert_cell(response, expected, f"{method.upper()} {url}")


def test_post_only_urls_refuse_get(world: World) -> None:
    client = client_for(world.users, "administrator")
    for name, (method, url_for) in URLS.items():
        if method == "post":
            assert client.get(url_for(world)).status_code == 405, name


def test_respondent_pages_need_the_responses_own_token(world: World) -> None:
    survey = world.objects["survey"]
    question = world.objects["question"]
    mine = services.start_response(survey)
    theirs = services.start_response(survey)
    client = Client()
    url = reverse("surveys:question", args=[mine.resume_token, question.pk])
    assert client.get(url).status_code == 200
    for name in ("resume", "check", "save"):
        assert (
            client.get(reverse(f"surveys:{name}", args=[theirs.resume_token[:-1]])).status_code
            == 404
        )
    assert client.get(reverse("surveys:start", args=[world.objects["draft"].pk])).status_code == 404
