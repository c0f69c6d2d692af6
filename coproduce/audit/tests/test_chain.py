"""The plain hash-chain module: any change, removal or reordering is found."""

from hypothesis import given
from hypothesis import strategies as st

from coproduce.audit.chain import GENESIS_HASH, event_hash, first_problem

payloads = st.lists(
    st.dictionaries(
        st.sampled_from(["action", "model", "object_id", "changes"]),
        st.one_of(st.text(max_size=5), st.integers(), st.none()),
        min_size=1,
    ),
    min_size=1,
    max_size=8,
)


def chain(items):
    previous, events = GENESIS_HASH, []
    for sequence, payload in enumerate(items, start=1):
        digest = event_hash(previous, payload)
        events.append((sequence, previous, digest, payload))
        previous = digest
    head = (len(events), previous) if events else (0, GENESIS_HASH)
    return events, head


@given(payloads)
def test_an_intact_chain_has_no_problem(items):
    events, head = chain(items)
    assert first_problem(events, head) is None


@given(payloads, st.data())
def test_changing_any_event_is_found_at_that_event(items, data):
    events, head = chain(items)
    index = data.draw(st.integers(0, len(events) - 1))
    sequence, previous, digest, payload = events[index]
    tampered = {**payload, "action": f"{payload.get('action')}-changed"}
    events[index] = (sequence, previous, digest, tampered)
    problem = first_problem(events, head)
    assert problem is not None and problem.sequence == sequence


@given(payloads, st.data())
def test_removing_any_event_is_found(items, data):
    events, head = chain(items)
    index = data.draw(st.integers(0, len(events) - 1))
    del events[index]
    problem = first_problem(events, head)
    assert problem is not None and problem.sequence == index + 1


def test_rewriting_the_whole_chain_still_disagrees_with_the_head():
    _, head = chain([{"action": "create"}, {"action": "update"}])
    forged, _ = chain([{"action": "create"}, {"action": "delete"}])
    assert first_problem(forged, head) is not None


def test_hash_does_not_depend_on_key_order():
    assert event_hash("x", {"a": 1, "b": 2}) == event_hash("x", {"b": 2, "a": 1})
