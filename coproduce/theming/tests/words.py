"""A small deterministic embedding for tests of the pages and services, in place of the real
model (which takes tens of seconds to load on two cores): words are hashed into a few
dimensions, and the words of each topic the tests' comments talk about share one."""

import re
import zlib
from collections.abc import Callable, Sequence

import numpy as np

DIMENSIONS = 32
TOPIC_WORDS = {
    "parking": {"park", "parking", "car", "space", "costs"},
    "staff": {"staff", "nurses", "kind", "caring", "friendly", "support", "listened", "helpful"},
    "waiting": {"wait", "waited", "waiting", "appointment", "appointments", "late", "months"},
}
_TOPIC_OF = {word: number for number, words in enumerate(TOPIC_WORDS.values()) for word in words}


def embed_words(
    texts: Sequence[str], progress: Callable[[int, int], None] | None = None
) -> np.ndarray:
    vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in re.findall(r"[a-z]+", text.lower()):
            if word in _TOPIC_OF:
                vectors[row, _TOPIC_OF[word]] += 3
            else:
                vectors[row, 3 + zlib.crc32(word.encode()) % (DIMENSIONS - 3)] += 0.2
        vectors[row] /= max(float(np.linalg.norm(vectors[row])), 1e-9)
    if progress is not None:
        progress(len(texts), len(texts))
    return vectors
