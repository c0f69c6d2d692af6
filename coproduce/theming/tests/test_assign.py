import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.theming.assign import (
    _calibrate,
    decide,
    expected_f1,
    macro_f1,
    samples_f1,
    train,
)

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
    scores = classifier.scores(texts, vectors)
    assert scores[:, 3].max() < 0.05
    assert not classifier.decide(scores)[:, 3].any()


def test_the_same_examples_and_seed_give_the_same_classifier():
    texts, vectors, labels = labelled()
    first, again = train(texts, vectors, labels, seed=5), train(texts, vectors, labels, seed=5)
    assert np.array_equal(first.slopes, again.slopes)
    assert np.array_equal(first.offsets, again.offsets) and first.floor == again.floor
    assert np.array_equal(first.scores(texts, vectors), again.scores(texts, vectors))


def test_uncertainty_is_one_minus_the_expected_f1_and_highest_when_unclear():
    texts, vectors, labels = labelled()
    classifier = train(texts, vectors, labels)
    classifier.floor = 0.2
    probabilities = np.array(
        [[0.98, 0.01, 0.01], [0.5, 0.45, 0.05], [0.1, 0.05, 0.05], [0.4, 0.35, 0.3]]
    )
    uncertainty = classifier.uncertainty(probabilities)
    decisions = classifier.decide(probabilities)
    assert decisions[2].sum() == 0  # under the floor: no theme, scored by the chance of none
    assert np.allclose(uncertainty, 1 - expected_f1(probabilities, decisions))
    assert uncertainty[0] < 0.05 and uncertainty[0] < uncertainty[1] < uncertainty[3]
    assert np.isclose(uncertainty[2], 1 - 0.9 * 0.95 * 0.95)


def test_decide_gives_the_themes_worth_giving_and_nothing_under_the_floor():
    probabilities = np.array([[0.9, 0.1, 0.0], [0.6, 0.55, 0.1], [0.08, 0.05, 0.01]])
    assert decide(probabilities, floor=0.1).tolist() == [[1, 0, 0], [1, 1, 0], [0, 0, 0]]
    assert decide(probabilities).tolist()[2] == [1, 0, 0]


@settings(max_examples=50, deadline=None)
@given(
    scores=st.lists(st.lists(st.floats(0, 1), min_size=4, max_size=4), min_size=1, max_size=20),
    floor=st.floats(0, 0.5),
)
def test_decisions_are_the_most_probable_themes_with_the_best_expected_f1(scores, floor):
    probabilities = np.array(scores)
    decisions = decide(probabilities, floor)
    for row, given_themes in zip(probabilities, decisions, strict=True):
        if row.max() < floor:
            assert not given_themes.any()
            continue
        assert given_themes.any()
        # No theme left out is more probable than one given...
        assert row[given_themes == 0].max(initial=-1) <= row[given_themes == 1].min()
        # ...and no other number of the most probable themes is expected to score higher.
        order = np.argsort(-row, kind="stable")
        alternatives = np.zeros((len(row), len(row)))
        for k in range(len(row)):
            alternatives[k, order[: k + 1]] = 1
        expected = expected_f1(np.tile(row, (len(row), 1)), alternatives)
        assert expected_f1(row[None], given_themes[None])[0] >= expected.max() - 1e-12


def test_calibration_makes_a_rare_themes_scores_count_for_more():
    # The ridge shrinks a rarely tagged theme's scores: here a comment about the rare theme
    # scores 0.3 where one about the common theme scores 1. The same score then means more
    # for the rare theme, and the probabilities are right on average.
    rng = np.random.default_rng(4)
    truth = np.zeros((600, 2))
    truth[:300, 0] = 1
    truth[300:330, 1] = 1
    scores = truth * [1.0, 0.3] + rng.normal(0, 0.1, truth.shape)
    slopes, offsets = _calibrate(scores, truth)
    probabilities = 1 / (1 + np.exp(-(scores * slopes + offsets)))
    assert slopes[1] > slopes[0] > 0
    assert abs(probabilities.mean() - truth.mean()) < 0.01
    at_point_three = 1 / (1 + np.exp(-(0.3 * slopes + offsets)))
    assert at_point_three[1] > 0.5 > at_point_three[0]


def test_with_no_theme_or_every_theme_tagged_calibration_is_certain():
    texts, vectors, labels = labelled()
    nothing = train(texts, vectors, np.zeros_like(labels))
    assert not nothing.decide(nothing.scores(texts, vectors)).any()
    everything = train(texts, vectors, np.ones_like(labels))
    assert everything.decide(everything.scores(texts, vectors)).all()


def test_f1_measures():
    truth = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 0]])
    guess = np.array([[1, 0, 0], [1, 0, 0], [0, 0, 0]])
    assert samples_f1(truth, guess) == (1 + 2 / 3 + 1) / 3
    assert macro_f1(truth, guess) == (1 + 0) / 2


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
