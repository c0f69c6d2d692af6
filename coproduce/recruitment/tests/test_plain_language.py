from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.recruitment import plain_language
from coproduce.recruitment.plain_language import Term

GLOSSARY = [
    Term("commissioning", "planning and buying services"),
    Term("outcomes framework", "list of the changes we want to see"),
    Term("outcomes", "differences for people"),
    Term("tender", "offer to run a service"),
]


def test_plain_text_scores_higher_than_jargon():
    plain = plain_language.readability(
        "We want to hear from you. We will pay you for your time.", 60
    )
    dense = plain_language.readability(
        "The procurement evaluation methodology necessitates comprehensive stakeholder "
        "consultation regarding commissioning intentions.",
        60,
    )
    assert plain is not None and dense is not None
    assert plain.meets_target and plain.grade in {"easy", "very easy"}
    assert not dense.meets_target and dense.grade == "hard"


def test_too_little_text_is_not_scored():
    assert plain_language.readability("Hello", 60) is None


def test_jargon_is_found_whole_word_and_case_insensitively_with_endings():
    found = plain_language.find_jargon(
        "Commissioning starts soon. Bidders send Tenders. Intendering is not a word.", GLOSSARY
    )
    assert [(f.term.term, f.count, f.example) for f in found] == [
        ("commissioning", 1, "Commissioning"),
        ("tender", 1, "Tenders"),
    ]


def test_longer_term_is_reported_instead_of_the_shorter_one_inside_it():
    found = plain_language.find_jargon("Our outcomes framework has outcomes.", GLOSSARY)
    assert {(f.term.term, f.count) for f in found} == {
        ("outcomes framework", 1),
        ("outcomes", 1),
    }


def test_easy_read_draft_replaces_jargon_and_splits_long_sentences():
    draft = plain_language.easy_read_draft(
        [
            "We are commissioning a new service for carers in the county, and we want carers "
            "to help us choose who runs it because they know what matters.",
            "Closing date: 1 June",
        ],
        GLOSSARY,
    )
    assert draft[0].startswith("We are planning and buying services")
    assert len(draft) >= 3
    assert all(sentence.endswith(".") for sentence in draft)
    assert draft[-1] == "Closing date: 1 June."


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=300), max_size=5))
def test_easy_read_draft_never_loses_words_or_makes_empty_sentences(sections):
    draft = plain_language.easy_read_draft(sections, [])
    assert all(sentence.strip() for sentence in draft)

    # Lone punctuation may be dropped; no word with a letter or digit in it may be.
    def words(texts):
        return sum(1 for text in texts for word in text.split() if any(c.isalnum() for c in word))

    assert words(draft) == words(sections)
