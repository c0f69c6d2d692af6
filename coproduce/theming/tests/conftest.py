import pytest

from coproduce.theming import embedding

from .words import embed_words


@pytest.fixture
def small_embedding(monkeypatch):
    """Embeds with the tests' small word embedding instead of loading the real model."""
    monkeypatch.setattr(embedding, "embed", embed_words)
