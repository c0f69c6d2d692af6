"""A plan in easy read: short sentences, one idea each, with a picture beside each one.

The words are the plan's own, one line each, never rewritten by the computer: easy read is
made with the person, and the page tells the worker which sentences are too long to be easy.
"""

from dataclasses import dataclass
from typing import Any

from django.templatetags.static import static

from .models import Picture, PlanVersion

# Easy read guidance (for example Mencap's) keeps a sentence to about 15 words.
MAX_WORDS = 15


@dataclass(frozen=True)
class Sentence:
    text: str
    picture: str  # the picture's URL
    alt: str

    @property
    def is_long(self) -> bool:
        return len(self.text.split()) > MAX_WORDS


@dataclass(frozen=True)
class Section:
    heading: str
    picture: str
    alt: str
    sentences: list[Sentence]


def picture_url(picture: str) -> str:
    # The PDF maker reads our static files by their static URL, so one URL serves both.
    return static(f"individual/pictures/{picture}.svg")


def _section(heading: str, picture: str, lines: list[str]) -> Section:
    url = picture_url(picture)
    alt = Picture(picture).label
    return Section(heading, url, alt, [Sentence(line, url, alt) for line in lines])


def _sentence_end(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def sections(plan: Any, version: PlanVersion) -> list[Section]:
    lines = PlanVersion.lines
    result = [
        _section("What people like about me", Picture.ME, lines(version.like_and_admire)),
        _section("What is important to me", Picture.HEART, lines(version.important_to)),
        _section("What is important for me", Picture.HEALTH, lines(version.important_for)),
        _section("How to help me", Picture.HELP, lines(version.how_to_support)),
    ]
    wants = []
    for outcome in version.outcomes.all():
        picture = outcome.picture or Picture.STAR
        url = picture_url(picture)
        wants.append(Sentence(_sentence_end(outcome.in_their_words), url, Picture(picture).label))
    result.append(
        Section(
            "What I want to happen",
            picture_url(Picture.STAR),
            Picture.STAR.label,
            wants,
        )
    )
    calendar = picture_url(Picture.CALENDAR)
    actions = [
        Sentence(
            f"{action.owner} will do this by {action.due_on:%-d %B %Y}: "
            f"{_sentence_end(action.description)}",
            calendar,
            Picture.CALENDAR.label,
        )
        for action in version.actions.all()
    ]
    result.append(Section("Who will help, and when", calendar, Picture.CALENDAR.label, actions))
    review = version.review_on or plan.next_review_on
    if review:
        result.append(
            _section(
                "When we look at my plan again",
                Picture.CALENDAR,
                [f"We will look at my plan again by {review:%-d %B %Y}."],
            )
        )
    return [section for section in result if section.sentences]


def long_sentences(found: list[Section]) -> list[str]:
    return [
        sentence.text for section in found for sentence in section.sentences if sentence.is_long
    ]
