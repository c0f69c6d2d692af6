"""Hash chaining for the audit trail. Plain Python: no Django, so it is easy to reason about."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


def event_hash(previous_hash: str, payload: Mapping[str, Any]) -> str:
    """The hash of one event: its canonical JSON (sorted keys) chained to the one before."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(f"{previous_hash}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    reason: str

    def __str__(self) -> str:
        return f"audit event #{self.sequence}: {self.reason}"


def first_problem(
    events: Iterable[tuple[int, str, str, Mapping[str, Any]]],
    head: tuple[int, str] | None,
) -> ChainProblem | None:
    """Walks (sequence, previous_hash, hash, payload) in sequence order and returns the first
    event that does not fit the chain, or a problem with the head, or None if all is intact."""
    expected_sequence = 1
    previous = GENESIS_HASH
    for sequence, previous_hash, stored_hash, payload in events:
        if sequence != expected_sequence:
            return ChainProblem(expected_sequence, f"missing (the next event found is #{sequence})")
        if previous_hash != previous:
            return ChainProblem(sequence, "does not follow the event before it")
        if event_hash(previous_hash, payload) != stored_hash:
            return ChainProblem(sequence, "its contents were changed after it was written")
        previous = stored_hash
        expected_sequence += 1
    last_sequence = expected_sequence - 1
    if head is not None:
        head_sequence, head_hash = head
        if head_sequence > last_sequence:
            return ChainProblem(last_sequence + 1, "missing (removed from the end of the trail)")
        if head_sequence < last_sequence or (last_sequence and head_hash != previous):
            return ChainProblem(last_sequence, "does not match the trail's recorded head")
    return None
