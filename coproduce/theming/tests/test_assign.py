import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.theming.assign import NEVER, decide, macro_f1, samples_f1, train

from .data import comments


def labelled(per_topic=12, seed=1):
    texts, vectors, topics = comments(per_topic, seed)
    labels = np.zeros((len(texts), 3), dtype=np.int8)
    labels[np.arange(len(texts)), topics] = 1
    return texts, vectors, labels


def test_learns_the_themes_and_assigns_them_to_new_comments():
    texts, vectors, labels = labelled()
    classifier = train(texts, vectors, labels, seed=3)
    new_texts, new_vectors, new_labels = labelled(per_topic=8, seed=99)
    scores = classifier.scores(new_texts, new_vectors)
    assert scores.shape == (24, 3) and scores.min() >= 0 and scores.max() <= 1
    decisions = classifier.decide(scores)
    assert decisions.shape == (24, 3) and set(np.unique(decisions)) <= {0, 1}
    assert samples_f1(new_labels, decisions) > 0.95


def test_a_theme_nobody_tagged_is_never_given():
    texts, vectors, labels = labelled()
    labels = np.hstack([labels, np.zeros((len(texts), 1), dtype=np.int8)])
    classifier = train(texts, vectors, labels)
    assert classifier.thresholds[3] == NEVER
    decisions = classifier.decide(classifier.scores(texts, vectors))
    assert not decisions[:, 3].any()


def test_the_same_examples_and_seed_give_the_same_classifier():
    texts, vectors, labels = labelled()
    first, again = train(texts, vectors, labels, seed=5), train(texts, vectors, labels, seed=5)
    assert np.array_equal(first.thresholds, again.thresholds) and first.floor == again.floor
    assert np.array_equal(first.scores(texts, vectors), again.scores(texts, vectors))


def test_uncertainty_is_highest_on_an_edge():
    texts, vectors, labels = labelled()
    classifier = train(texts, vectors, labels)
    classifier.thresholds = np.array([0.6, NEVER, 0.5])
    classifier.floor = 0.2
    uncertainty = classifier.uncertainty(
        np.array([[0.6, 0.0, 0.0], [0.2, 0.1, 0.1], [1.0, 0.0, 1.0], [0.7, 0.0, 0.1]])
    )
    assert uncertainty[0] == 1.0 and uncertainty[1] == 1.0
    assert uncertainty[2] < uncertainty[3] < 1.0


def test_decide_gives_the_best_theme_only_above_the_floor():
    scores = np.array([[0.3, 0.2], [0.05, 0.01], [0.9, 0.8]])
    decisions = decide(scores, np.array([0.95, 0.7]), floor=0.1)
    assert decisions.tolist() == [[1, 0], [0, 0], [1, 1]]


def test_f1_measures():
    truth = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 0]])
    guess = np.array([[1, 0, 0], [1, 0, 0], [0, 0, 0]])
    assert samples_f1(truth, guess) == (1 + 2 / 3 + 1) / 3
    assert macro_f1(truth, guess) == (1 + 0) / 2


@settings(max_examples=20, deadline=None)
@given(
    scores=st.lists(st.lists(st.floats(0, 1), min_size=3, max_size=3), min_size=1, max_size=20),
    floor=st.floats(0, 0.5),
)
def test_every_comment_whose_best_score_reaches_the_floor_gets_a_theme(scores, floor):
    array = np.array(scores)
    decisions = decide(array, np.full(3, NEVER), floor)
    assert decisions.sum(axis=1).tolist() == [int(row.max() >= max(floor, 1e-9)) for row in array]


def test_a_themes_name_teaches_it_when_few_comments_were_tagged():
    # One tagged comment per theme, none using the words "getting there": with the theme's
    # name as an example too, comments in those words lean to it rather than to staff.
    texts, vectors, labels = labelled(per_topic=1)
    names = ["Parking and getting there", "Staff", "Waiting"]
    name_vectors = np.eye(3, 16)
    new_texts = ["getting there", "getting there was hard"]
    new_vectors = np.tile(np.eye(3, 16)[0] + np.eye(3, 16)[1], (2, 1))
    new_vectors /= np.linalg.norm(new_vectors, axis=1, keepdims=True)
    without = train(texts, vectors, labels).scores(new_texts, new_vectors)
    named = train(texts, vectors, labels, theme_texts=names, theme_embeddings=name_vectors)
    with_names = named.scores(new_texts, new_vectors)
    assert (with_names[:, 0] > without[:, 0]).all()
    assert (with_names[:, 0] > with_names[:, 1]).all()


def test_theme_names_must_match_the_themes():
    texts, vectors, labels = labelled()
    try:
        train(texts, vectors, labels, theme_texts=["Only one"], theme_embeddings=np.eye(1, 16))
    except ValueError as error:
        assert "one row per theme" in str(error)
    else:
        raise AssertionError("a wrong number of theme names was accepted")
