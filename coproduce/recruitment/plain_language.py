"""Plain-language checks for text written for the public: a reading-ease score, jargon found
against a glossary, and a first draft of an easy-read version. No Django here."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import textstat

# Easy read keeps to short sentences; longer ones are split at natural breaks.
EASY_READ_MAX_WORDS = 15

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_SOFT_BREAK = re.compile(r";\s+|:\s+|,\s+(?=(?:and|but|so|or|because|which|who)\b)")


@dataclass(frozen=True)
class Readability:
    score: float
    target: int
    words: int
    sentences: int

    @property
    def meets_target(self) -> bool:
        return self.score >= self.target

    @property
    def grade(self) -> str:
        """The score in words, as Flesch's bands describe it."""
        bands = ((90, "very easy"), (70, "easy"), (60, "plain English"), (50, "fairly hard"))
        for floor, words in bands:
            if self.score >= floor:
                return words
        return "hard"


@dataclass(frozen=True)
class Term:
    term: str
    plain_alternative: str
    explanation: str = ""


@dataclass(frozen=True)
class JargonFound:
    term: Term
    count: int
    example: str  # the word as written, for the message


def readability(text: str, target: int) -> Readability | None:
    """Flesch reading ease of the text, or None when there is too little to score."""
    words = textstat.lexicon_count(text)
    if words < 3:
        return None
    score = round(float(textstat.flesch_reading_ease(text)), 1)
    return Readability(score=score, target=target, words=words, sentences=len(sentences(text)))


def _term_pattern(term: str) -> re.Pattern[str]:
    # Whole words only, case-insensitive, allowing a plural or -ing/-ed ending on the last word.
    words = [re.escape(word) for word in term.split()]
    return re.compile(r"\b" + r"\s+".join(words) + r"(?:s|es|ing|ed|d)?\b", re.IGNORECASE)


def find_jargon(text: str, glossary: Iterable[Term]) -> list[JargonFound]:
    """Glossary terms that appear in the text, longest first so that "outcomes framework" is
    reported once rather than also as "outcomes"."""
    found: list[JargonFound] = []
    remaining = text
    for term in sorted(glossary, key=lambda t: len(t.term), reverse=True):
        matches = list(_term_pattern(term.term).finditer(remaining))
        if matches:
            found.append(JargonFound(term=term, count=len(matches), example=matches[0].group(0)))
            remaining = _term_pattern(term.term).sub(" ", remaining)
    return sorted(found, key=lambda item: item.term.term.lower())


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def _short_pieces(sentence: str) -> list[str]:
    if len(sentence.split()) <= EASY_READ_MAX_WORDS:
        return [sentence]
    pieces = [piece.strip() for piece in _SOFT_BREAK.split(sentence) if piece.strip()]
    return pieces if len(pieces) > 1 else [sentence]


def _finish(piece: str) -> str:
    piece = piece.strip().rstrip(",;:")
    if not piece:
        return piece
    piece = piece[0].upper() + piece[1:]
    return piece if piece[-1] in ".!?" else piece + "."


def replace_jargon(text: str, glossary: Iterable[Term]) -> str:
    for term in sorted(glossary, key=lambda t: len(t.term), reverse=True):
        text = _term_pattern(term.term).sub(term.plain_alternative, text)
    return text


def easy_read_draft(sections: Sequence[str], glossary: Iterable[Term]) -> list[str]:
    """A first draft of easy-read sentences: jargon replaced by plainer words, one idea per
    sentence, long sentences split. A person still checks and finishes it."""
    terms = list(glossary)
    draft: list[str] = []
    for section in sections:
        for sentence in sentences(replace_jargon(section, terms)):
            draft.extend(_finish(piece) for piece in _short_pieces(sentence))
    return [sentence for sentence in draft if sentence]


def long_sentences(items: Iterable[str]) -> list[str]:
    """Easy-read sentences that are still too long."""
    return [item for item in items if len(item.split()) > EASY_READ_MAX_WORDS]
