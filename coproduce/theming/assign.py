"""Assigning themes to every comment, learnt from the comments an officer tagged.

Each comment is described by its sentence embedding and by its words (TF-IDF of words and
two-word phrases, and of the letter sequences inside words, which still match when people
misspell or shorten them), so both what it means and the exact terms people use count. A
linear kernel ridge regression learns, for each theme, how much of a comment is about it.
The themes' own names (and descriptions, where the officer wrote them) are examples of
their themes in every fit: with few tagged comments a rarely tagged theme still has words to
be recognised by. Its
scores become yes/no decisions through one threshold per theme, chosen by cross-validation
on the tagged examples alone; most comments are about one thing, so the best-scoring theme
is also given whenever its score reaches a floor chosen the same way.

Deterministic: the same examples and seed give the same thresholds and the same decisions.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import KFold

# How much the words weigh beside the embedding (whose rows have unit length, as each
# TF-IDF's); whole words and the letters inside them share it equally.
WORDS_WEIGHT = 1.0
RIDGE = 1.0
# A theme's name counts as much as two tagged comments: measured on coded NHS comments
# (bench/theming.py), one is too faint with 500 tagged comments and more adds nothing.
NAME_WEIGHT = 2.0
FOLDS = 5
GRID = np.round(np.arange(0.05, 0.96, 0.05), 2)
FLOORS = np.round(np.arange(0.0, 0.51, 0.05), 2)
NEVER = 1.01


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
        # Each comment's themes share its weight, so a comment about three things teaches
        # each of them a third as strongly as a comment about one.
        per_row = labels.sum(axis=1, keepdims=True)
        targets = np.divide(labels, per_row, out=np.zeros(labels.shape), where=per_row > 0)
        # The dual form: a system the size of the examples (hundreds), not of the features.
        # An example that counts w times has its share of the ridge divided by w.
        gram = model._similarity(model.meanings, words)
        model.weights = np.linalg.solve(gram + RIDGE * np.diag(1.0 / importance), targets)
        return model

    def _similarity(self, embeddings: np.ndarray, words: sparse.csr_matrix) -> np.ndarray:
        """The linear kernel of [embedding, WORDS_WEIGHT × TF-IDF] against the examples,
        computed in two parts so the dense embeddings never go through sparse arithmetic."""
        meaning = embeddings @ self.meanings.T
        return meaning + WORDS_WEIGHT**2 * (words @ self.words.T).toarray()

    def scores(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        similarity = self._similarity(
            np.asarray(embeddings, dtype=np.float64), self.vectoriser.transform(texts)
        )
        return np.clip(similarity @ self.weights, 0.0, 1.0)


def decide(scores: np.ndarray, thresholds: np.ndarray, floor: float) -> np.ndarray:
    decisions = (scores >= thresholds).astype(np.int8)
    if scores.shape[1]:
        rows = np.arange(len(scores))
        best = scores.argmax(axis=1)
        confident = scores[rows, best] >= max(floor, 1e-9)
        decisions[rows[confident], best[confident]] = 1
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
    thresholds: np.ndarray
    floor: float

    def scores(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """Comments × themes, each from 0 (not about it) to 1 (certainly about it)."""
        return self.model.scores(texts, embeddings)

    def decide(self, scores: np.ndarray) -> np.ndarray:
        return decide(scores, self.thresholds, self.floor)

    def uncertainty(self, scores: np.ndarray) -> np.ndarray:
        """Per comment, 1 when a decision sits right on its edge (a theme's threshold, or the
        floor for the best theme), towards 0 when every decision is clear: the officer
        checks the highest first."""
        if not scores.shape[1]:
            return np.zeros(len(scores))
        given = self.thresholds <= 1  # themes never given alone are decided by the floor
        spread = np.maximum(self.thresholds, 1 - self.thresholds)
        edge = np.where(given, np.abs(scores - self.thresholds) / spread, np.inf).min(axis=1)
        floor = np.abs(scores.max(axis=1) - self.floor) / max(self.floor, 1 - self.floor)
        return 1.0 - np.minimum(edge, floor)


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
    embeddings). Thresholds come from scores each tagged comment got from a model that never
    saw it (k-fold cross-validation); the themes' words are in every fold."""
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
    thresholds, floor = _tune(held_out, labels)
    return Classifier(fit(np.arange(len(texts))), thresholds, floor)


def _tune(scores: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, float]:
    """One pass of coordinate ascent on sample-averaged F1: the floor first (with no other
    thresholds), then each theme's threshold in turn. Ties keep the higher threshold, so a
    theme is not given on weak evidence."""
    never = np.full(truth.shape[1], np.inf)
    floor = max(FLOORS, key=lambda f: (samples_f1(truth, decide(scores, never, f)), f))
    thresholds = never.copy()
    for theme in range(truth.shape[1]):
        best, best_f1 = np.inf, samples_f1(truth, decide(scores, thresholds, floor))
        for candidate in GRID[::-1]:
            thresholds[theme] = candidate
            f1 = samples_f1(truth, decide(scores, thresholds, floor))
            if f1 > best_f1 + 1e-9:
                best, best_f1 = candidate, f1
        thresholds[theme] = best
    # A theme never worth giving on its own still needs a finite threshold for the review
    # queue to measure against: just above the highest score (1) the model can give.
    return np.where(np.isinf(thresholds), NEVER, thresholds), float(floor)
