import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from coproduce.theming.discover import choose_k, ctfidf, discover

from .data import comments


def test_ctfidf_picks_the_words_particular_to_each_cluster():
    documents = [
        "parking was awful, no parking spaces",
        "parking costs too much and the car park is far",
        "staff were kind",
        "kind staff, caring nurses",
    ]
    words = ctfidf(documents, np.array([0, 0, 1, 1]), top=3)
    assert words[0][0] == "parking"
    assert {"staff", "kind"} <= set(" ".join(words[1]).split())
    assert "parking" not in " ".join(words[1])
    # A word shown inside a chosen phrase is not repeated on its own.
    for keywords in words:
        shown = [w for term in keywords for w in term.split()]
        assert len(shown) == len(set(shown))


def test_ctfidf_of_stop_words_only_gives_no_keywords():
    assert ctfidf(["the and", "of it"], np.array([0, 1]), top=3) == [[], []]


def test_discovers_the_topics_with_labels_and_central_quotes():
    texts, vectors, topics = comments()
    themes = discover(texts, vectors, 3, seed=7)
    assert len(themes) == 3
    found = np.zeros(len(texts), dtype=int)
    for number, theme in enumerate(themes):
        found[theme.members] = number
        assert len(theme.quotes) == 3 and set(theme.quotes) <= set(theme.members)
        assert theme.label and theme.keywords
    assert adjusted_rand_score(topics, found) == 1.0
    parking = next(t for t in themes if topics[t.members[0]] == 0)
    assert "parking" in " ".join(parking.keywords)
    # The first quote is the comment nearest the centre of its theme.
    centre = vectors[parking.members].mean(axis=0)
    assert parking.quotes[0] == max(parking.members, key=lambda i: vectors[i] @ centre)


def test_blank_comments_belong_to_no_theme_and_k_is_chosen():
    texts, vectors, _ = comments()
    texts += ["", "-", "  "]
    vectors = np.vstack([vectors, np.ones((3, vectors.shape[1])) / 4])
    themes = discover(texts, vectors, seed=0)
    members = {m for theme in themes for m in theme.members}
    assert len(themes) == choose_k(30)
    assert members == set(range(30))


def test_too_few_different_comments_gives_no_themes():
    assert discover(["same", "same", "Same"], np.ones((3, 4)) / 2) == []


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16), k=st.integers(2, 6))
def test_the_same_seed_gives_the_same_themes(seed, k):
    texts, vectors, _ = comments(per_topic=6, seed=seed)
    first = discover(texts, vectors, k, seed=seed)
    again = discover(list(texts), vectors.copy(), k, seed=seed)
    assert first == again
    assert sorted(m for theme in first for m in theme.members) == list(range(len(texts)))


@given(count=st.integers(0, 100_000))
def test_chosen_k_stays_between_two_and_forty(count):
    assert 2 <= choose_k(count) <= 40
