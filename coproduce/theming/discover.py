"""Proposing themes: cluster the comments' embeddings, then label each cluster with its
distinctive words (class-based TF-IDF) and the comments nearest its centre as quotes.

Deterministic for a given seed: the same comments and seed always give the same themes.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# scikit-learn is imported where it is used: web pages that only read MIN_K and MAX_K, or
# check for words, should not load it (it adds some 170 MB to every process).

# Words people write in almost every comment about a service, which would top every theme.
_FILLER = frozenset({"just", "really", "did", "does", "don", "didn", "got", "get", "ve", "ll"})
_WORD = r"(?u)\b[^\W\d_][\w'’-]*[^\W_]\b"
MIN_K, MAX_K = 2, 40


@dataclass
class ProposedTheme:
    label: str
    keywords: list[str]
    quotes: list[int]  # indices into the texts, most representative first
    members: list[int] = field(default_factory=list)


def has_words(text: str) -> bool:
    return re.search(_WORD, text) is not None


def choose_k(count: int) -> int:
    """Enough themes to be useful without burying the officer: grows with the square root of
    the number of comments (about 8 for 150, 20 for 1,000, 40 for 4,000 and more)."""
    return max(MIN_K, min(MAX_K, round(math.sqrt(count * 0.4)), count))


def ctfidf(documents: Sequence[str], clusters: np.ndarray, top: int) -> list[list[str]]:
    """For each cluster, the `top` words and two-word phrases most particular to it: a term's
    frequency within the cluster, weighted by log(1 + average words per cluster / its
    frequency across all clusters), so words common everywhere sink (Grootendorst 2022)."""
    count = int(clusters.max()) + 1 if len(clusters) else 0
    joined = [
        " ".join(documents[int(i)] for i in np.flatnonzero(clusters == c)) for c in range(count)
    ]
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    vectoriser = CountVectorizer(
        stop_words=sorted(ENGLISH_STOP_WORDS | _FILLER),
        token_pattern=_WORD,
        ngram_range=(1, 2),
        lowercase=True,
    )
    try:
        counts = vectoriser.fit_transform(joined).toarray().astype(float)
    except ValueError:  # nothing but stop words in every cluster
        return [[] for _ in range(count)]
    terms = vectoriser.get_feature_names_out()
    frequency = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    average = counts.sum() / max(count, 1)
    weight = np.log1p(average / np.maximum(counts.sum(axis=0), 1))
    scores = frequency * weight
    keywords = []
    for row, row_counts in zip(scores, counts, strict=True):
        order = [i for i in np.argsort(-row, kind="stable") if row_counts[i] > 0]
        keywords.append(_without_overlaps([str(terms[i]) for i in order], top))
    return keywords


def _without_overlaps(terms: list[str], top: int) -> list[str]:
    """Drops a word already shown inside a chosen phrase (or a phrase repeating a chosen
    word), so five keywords say five things."""
    chosen: list[str] = []
    for term in terms:
        words = set(term.split())
        if any(words & set(other.split()) for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) == top:
            break
    return chosen


def discover(
    texts: Sequence[str],
    embeddings: np.ndarray,
    k: int | None = None,
    *,
    seed: int = 0,
    keywords: int = 8,
    quotes: int = 3,
) -> list[ProposedTheme]:
    """Themes for the comments, largest first. Comments with no words (blank, "-") belong
    to no theme. `embeddings` are unit-length rows, one per text."""
    if len(texts) != len(embeddings):
        raise ValueError("one embedding is needed per comment")
    usable = np.array([i for i, text in enumerate(texts) if has_words(text)], dtype=int)
    distinct = len({texts[i].lower() for i in usable})
    if distinct < MIN_K:
        return []
    k = min(k or choose_k(len(usable)), distinct)
    vectors = embeddings[usable]
    from sklearn.cluster import KMeans

    kmeans = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(vectors)
    clusters = kmeans.labels_
    words = ctfidf([texts[i] for i in usable], clusters, keywords)
    themes = []
    for cluster in range(k):
        members = np.flatnonzero(clusters == cluster)
        if not len(members):
            continue
        centre = kmeans.cluster_centers_[cluster]
        nearest = members[np.argsort(-(vectors[members] @ centre), kind="stable")]
        picked: list[int] = []
        seen: set[str] = set()
        for member in nearest:
            said = texts[usable[member]].lower()
            if said not in seen:
                seen.add(said)
                picked.append(int(usable[member]))
            if len(picked) == quotes:
                break
        label = ", ".join(words[cluster][:3]).capitalize() or texts[picked[0]][:60]
        themes.append(
            ProposedTheme(
                label=label,
                keywords=words[cluster],
                quotes=picked,
                members=sorted(int(usable[m]) for m in members),
            )
        )
    themes.sort(key=lambda theme: (-len(theme.members), theme.members[0]))
    return themes
