"""Assigning themes to every comment, learnt from the comments an officer tagged.

Each comment is described by its sentence embedding and by its words (TF-IDF of words and
two-word phrases, and of the letter sequences inside words, which still match when people
misspell or shorten them), so both what it means and the exact terms people use count. A
linear kernel ridge regression learns, for each theme, how much of a comment is about it.
The themes' own names (and descriptions, where the officer wrote them) are examples of
their themes in every fit: with few tagged comments a rarely tagged theme still has words to
be recognised by.

The ridge's scores become probabilities through one logistic regression, fitted on the
scores each tagged comment got from a model that never saw it (k-fold cross-validation), on
the score, the log of the share of tagged comments that have the theme, and their product.
The product matters: the ridge shrinks a rarely tagged theme's scores, so the same score
means more for it than for a common one; each theme so gets its own slope and offset, from
how often it was tagged, without fitting either on its handful of examples alone. Then each
comment is given the themes that maximise its expected F1: its most probable themes, as
many as pay (a second theme is given when it is likely enough to gain more than it risks),
or none when even the most probable is under a floor chosen by the same cross-validation.
Its uncertainty is how far that expected F1 is from a perfect 1, so the officer checks first
the comments whose themes are likeliest wrong. This replaced one threshold per theme, tuned
on a few examples each (ADR 14: sample F1 with 500 tagged NHS comments from 0.714 to 0.727,
and more on other splits and with fewer tagged comments).

Deterministic: the same examples and seed give the same classifier and the same decisions.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

# How much the words weigh beside the embedding (whose rows have unit length, as each
# TF-IDF's); whole words and the letters inside them share it equally. These, the ridge and
# the names' weight were checked on coded NHS comments (bench/theming.py) over five splits
# and 50 to 2,000 tagged comments; choosing them by cross-validation inside `train` was
# measured too, and only added noise.
WORDS_WEIGHT = 1.0
RIDGE = 1.0
# A theme's name counts as much as two tagged comments: one is too faint with 500 tagged
# comments and more adds nothing.
NAME_WEIGHT = 2.0
FOLDS = 5
# A comment is given no theme when even its most probable one is under a floor, chosen from
# these by cross-validation: expected F1 alone would rather always give one.
FLOORS = np.round(np.arange(0.0, 0.51, 0.05), 2)
# Logits for a calibration that has nothing to learn from (no tagged comment has any theme,
# or each has every theme): as good as certain.
CERTAIN = 20.0


class _Words:
    """TF-IDF of whole words and two-word phrases beside TF-IDF of letter sequences (two to
    five letters, inside words), each scaled so that together a row has unit length."""

    def __init__(self) -> None:
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        self.letters = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        self.words.fit(texts)
        self.letters.fit(texts)
        return self.transform(texts)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        half = np.sqrt(0.5)
        both = [self.words.transform(texts) * half, self.letters.transform(texts) * half]
        return sparse.hstack(both).tocsr()


@dataclass
class _Ridge:
    vectoriser: _Words
    meanings: np.ndarray  # the examples' embeddings
    words: sparse.csr_matrix  # the examples' TF-IDF rows
    weights: np.ndarray  # examples × themes

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        embeddings: np.ndarray,
        labels: np.ndarray,
        importance: np.ndarray,
    ) -> "_Ridge":
        vectoriser = _Words()
        words = vectoriser.fit_transform(texts)
        model = cls(vectoriser, np.asarray(embeddings, dtype=np.float64), words, np.empty(0))
        # The dual form: a system the size of the examples (hundreds), not of the features.
        # An example that counts w times has its share of the ridge divided by w. Each theme
        # of a comment about several is a full 1: sharing it out (a third each for three)
        # measured worse once the scores are calibrated.
        gram = model._similarity(model.meanings, words)
        model.weights = np.linalg.solve(gram + RIDGE * np.diag(1.0 / importance), labels)
        return model

    def _similarity(self, embeddings: np.ndarray, words: sparse.csr_matrix) -> np.ndarray:
        """The linear kernel of [embedding, WORDS_WEIGHT × TF-IDF] against the examples,
        computed in two parts so the dense embeddings never go through sparse arithmetic."""
        meaning = embeddings @ self.meanings.T
        return meaning + WORDS_WEIGHT**2 * (words @ self.words.T).toarray()

    def scores(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """Comments × themes, unbounded: around 1 for a theme's typical comment, 0 for none."""
        similarity = self._similarity(
            np.asarray(embeddings, dtype=np.float64), self.vectoriser.transform(texts)
        )
        return similarity @ self.weights


def expected_f1(probabilities: np.ndarray, decisions: np.ndarray) -> np.ndarray:
    """Per comment, the F1 its decisions are expected to score if each theme is about it
    with its probability, independently: 2 × (the chosen themes' probabilities) / (how many
    are chosen + the expected number of true themes), a close and common approximation. No
    theme chosen scores 1 exactly when the comment is about none: its chance of that."""
    chosen = decisions.sum(axis=1)
    hits = (probabilities * decisions).sum(axis=1)
    total = probabilities.sum(axis=1)
    nothing = np.prod(1.0 - probabilities, axis=1)
    return np.where(chosen > 0, 2 * hits / np.maximum(chosen + total, 1e-12), nothing)


def decide(probabilities: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """The themes with the highest expected F1 for each comment: its k most probable, with k
    from 1 to all chosen per comment; none when even the most probable is under the floor."""
    count, themes = probabilities.shape
    decisions = np.zeros((count, themes), dtype=np.int8)
    if not themes or not count:
        return decisions
    order = np.argsort(-probabilities, axis=1, kind="stable")
    ranked = np.take_along_axis(probabilities, order, axis=1)
    expected = (
        2 * np.cumsum(ranked, axis=1) / (np.arange(1, themes + 1) + ranked.sum(axis=1)[:, None])
    )
    best = expected.argmax(axis=1)
    give = ranked[:, 0] >= floor
    chosen = (np.arange(themes) <= best[:, None]) & give[:, None]
    np.put_along_axis(decisions, order, chosen.astype(np.int8), axis=1)
    return decisions


def samples_f1(truth: np.ndarray, decisions: np.ndarray) -> float:
    """Sample-averaged F1: for each comment, how well its themes match, then the mean. A
    comment with no theme on either side counts as a perfect match."""
    both = (truth * decisions).sum(axis=1)
    either = truth.sum(axis=1) + decisions.sum(axis=1)
    per_comment = np.where(either > 0, 2 * both / np.maximum(either, 1), 1.0)
    return float(per_comment.mean())


def macro_f1(truth: np.ndarray, decisions: np.ndarray) -> float:
    """F1 of each theme, averaged over the themes that occur in the truth or the decisions."""
    both = (truth * decisions).sum(axis=0)
    either = truth.sum(axis=0) + decisions.sum(axis=0)
    present = either > 0
    return float((2 * both[present] / either[present]).mean()) if present.any() else 1.0


@dataclass
class Classifier:
    model: _Ridge
    slopes: np.ndarray  # per theme: logit = slope × ridge score + offset
    offsets: np.ndarray
    floor: float

    def scores(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """Comments × themes: the probability, from 0 to 1, that the comment is about it."""
        return expit(self.model.scores(texts, embeddings) * self.slopes + self.offsets)

    def decide(self, scores: np.ndarray) -> np.ndarray:
        return decide(scores, self.floor)

    def uncertainty(self, scores: np.ndarray) -> np.ndarray:
        """Per comment, 1 minus the F1 its decisions are expected to score: near 0 when its
        themes are clear, higher the likelier they are wrong. The officer checks the
        highest first."""
        return np.clip(1.0 - expected_f1(scores, self.decide(scores)), 0.0, 1.0)


def train(
    texts: Sequence[str],
    embeddings: np.ndarray,
    labels: np.ndarray,
    *,
    seed: int = 0,
    theme_texts: Sequence[str] = (),
    theme_embeddings: np.ndarray | None = None,
) -> Classifier:
    """Learns from tagged comments (`labels`: comments × themes, 0/1) and, when given, each
    theme's own words (`theme_texts`, one per theme in the labels' order, with their
    embeddings). The calibration comes from scores each tagged comment got from a model that
    never saw it (k-fold cross-validation); the themes' words are in every fold."""
    labels = np.asarray(labels, dtype=float)
    if len(texts) != len(embeddings) or len(texts) != len(labels):
        raise ValueError("texts, embeddings and labels must have one row per comment")
    themes = labels.shape[1]
    if theme_texts and (
        len(theme_texts) != themes or theme_embeddings is None or len(theme_embeddings) != themes
    ):
        raise ValueError("theme_texts and theme_embeddings must have one row per theme")
    names = list(theme_texts)
    name_vectors = np.asarray(theme_embeddings).reshape(len(names), -1) if names else None

    def fit(rows: np.ndarray) -> _Ridge:
        chosen = [texts[i] for i in rows]
        if name_vectors is None:
            return _Ridge.fit(chosen, embeddings[rows], labels[rows], np.ones(len(rows)))
        return _Ridge.fit(
            chosen + names,
            np.vstack([embeddings[rows], name_vectors]),
            np.vstack([labels[rows], np.eye(themes)]),
            np.concatenate([np.ones(len(rows)), np.full(themes, NAME_WEIGHT)]),
        )

    held_out = np.zeros(labels.shape)
    folds = min(FOLDS, len(texts))
    if folds >= 2:
        for seen, unseen in KFold(folds, shuffle=True, random_state=seed).split(texts):
            held_out[unseen] = fit(seen).scores([texts[i] for i in unseen], embeddings[unseen])
    slopes, offsets = _calibrate(held_out, labels)
    probabilities = expit(held_out * slopes + offsets)
    # Ties keep the lower floor: a theme is worth giving in expectation (see `decide`).
    floor = max(FLOORS, key=lambda f: (samples_f1(labels, decide(probabilities, f)), -f))
    return Classifier(fit(np.arange(len(texts))), slopes, offsets, float(floor))


def _calibrate(scores: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each theme's slope and offset from score to logit: one logistic regression over every
    (comment, theme) pair on the score, the log of the theme's share of the tagged comments
    (one added to its count and two to theirs, so an untagged theme's is finite) and their
    product. The features are standardised, so its weak default penalty treats them alike.
    A slope is never below 0: a higher score never makes a theme less likely."""
    themes = truth.shape[1]
    share = np.log((truth.sum(axis=0) + 1) / (len(truth) + 2))
    outcome = truth.ravel()
    if not outcome.size or outcome.min() == outcome.max():
        return np.zeros(themes), np.full(themes, CERTAIN if outcome.any() else -CERTAIN)
    score = scores.ravel()
    shares = np.tile(share, len(truth))
    features = np.column_stack([score, shares, score * shares])
    middle, spread = features.mean(axis=0), features.std(axis=0)
    spread[spread == 0] = 1.0
    fitted = LogisticRegression(max_iter=1000).fit((features - middle) / spread, outcome)
    weight = fitted.coef_[0] / spread
    offset = fitted.intercept_[0] - weight @ middle
    slopes = np.maximum(weight[0] + weight[2] * share, 0.0)
    return slopes, offset + weight[1] * share
