"""A fair, seeded and auditable prize draw. No Django here.

Each entry gets a ticket: the SHA-256 of the seed and the entry's identifier. The winners are
the entries with the lowest tickets. So:

- anyone with the seed and the list of entries can repeat the draw with any SHA-256 tool and
  get the same winners, whatever order the entries are listed in;
- SHA-256 gives every entry an independent, uniformly random ticket, so each entry is equally
  likely to win and no entry's chance depends on its identifier or position;
- the seed is made (or announced) before the draw and recorded with it, and the list of
  entries is fixed by its digest, so neither can be changed afterwards unnoticed.
"""

import hashlib
import heapq
import secrets
from collections.abc import Iterable, Sequence


def new_seed() -> str:
    """A seed nobody can predict: 128 random bits, written as 32 hexadecimal characters."""
    return secrets.token_hex(16)


def ticket(seed: str, entry: str) -> str:
    """The entry's ticket: hexadecimal SHA-256 of "seed:entry"."""
    return hashlib.sha256(f"{seed}:{entry}".encode()).hexdigest()


def entries_digest(entries: Iterable[str]) -> str:
    """A fingerprint of the list of entries (in sorted order, one per line)."""
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()


def draw(entries: Sequence[str], winners: int, seed: str) -> list[str]:
    """The winning entries, first winner first: the `winners` entries with the lowest tickets
    (all of them, if there are fewer entries than winners wanted)."""
    if winners < 0:
        raise ValueError("the number of winners cannot be negative")
    if not seed:
        raise ValueError("a draw needs a seed")
    unique = set(entries)
    if len(unique) != len(entries):
        raise ValueError("each entry can be in the draw only once")
    return heapq.nsmallest(winners, unique, key=lambda entry: (ticket(seed, entry), entry))
