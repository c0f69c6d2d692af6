"""Small comments made for the tests, with embeddings that are built from known topics, so
clustering and classification have something real to find without loading the model."""

import numpy as np

TOPICS = {
    "parking": ["parking was impossible", "no parking spaces near the clinic", "car park full"],
    "staff": ["the nurses were kind", "staff were friendly and caring", "lovely kind staff"],
    "waiting": ["waited four hours", "the wait was far too long", "long waiting times again"],
}


def comments(per_topic: int = 10, seed: int = 1) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Texts, unit-length embeddings near one direction per topic, and the topic index."""
    rng = np.random.default_rng(seed)
    centres = np.eye(len(TOPICS), 16)
    texts, vectors, topics = [], [], []
    for number, phrases in enumerate(TOPICS.values()):
        for index in range(per_topic):
            texts.append(f"{phrases[index % len(phrases)]} ({index})")
            vector = centres[number] + rng.normal(0, 0.15, 16)
            vectors.append(vector / np.linalg.norm(vector))
            topics.append(number)
    return texts, np.array(vectors), np.array(topics)
