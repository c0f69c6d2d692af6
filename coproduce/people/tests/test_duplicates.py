"""Likely duplicates: the plain module, with a property test that blocking finds exactly what
comparing every pair would."""

import itertools
from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from coproduce.people import duplicates
from coproduce.people.duplicates import (
    Record,
    find_in_file,
    find_within,
    normalise_email,
    normalise_name,
    normalise_phone,
    normalise_postcode,
    organisation_record,
    person_record,
)


def test_normalising():
    assert normalise_name("Dr  Zoë O'Brien-Smith") == "zoe o brien smith"
    assert normalise_email(" Pat@Example.ORG ") == "pat@example.org"
    assert normalise_email("not an email") == ""
    assert normalise_phone("+44 (0)7700 900123") == "07700900123"
    assert normalise_phone("0044 7700 900123") == "07700900123"
    assert normalise_phone("07700-900-123") == "07700900123"
    assert normalise_phone("ext 12") == ""
    assert normalise_postcode("ns1 1aa") == "NS11AA"
    assert normalise_postcode("NS1") == ""


def test_similar_names_with_a_shared_detail_are_likely_duplicates():
    existing = [
        person_record(1, "Patricia Evans", email="pat@example.org"),
        person_record(2, "Sam Lewis", phones=["07700 900123"]),
        person_record(3, "Jo Bloggs", postcode="NS1 1AA"),
        person_record(4, "Someone Else", email="pat@example.org"),
    ]
    incoming = [
        person_record(2, "Evans, Patricia", email="PAT@example.org"),  # names in another order
        person_record(3, "Sam Lewis", phones=["+44 7700 900123"]),
        person_record(4, "Jo Bloggs", postcode="NS2 2BB"),  # same name, nothing shared
        person_record(5, "Mrs Jo Blogs", postcode="ns11aa"),
    ]
    with_existing, within = find_in_file(incoming, existing)
    found = {(m.first, m.second): m for m in with_existing}
    assert set(found) == {(1, 2), (2, 3), (3, 5)}
    assert found[(1, 2)].shared == ("email",)
    assert found[(1, 2)].reasons == "same email address; names 100% alike"
    assert found[(3, 5)].score >= 90
    assert within == []


def test_duplicates_within_the_file_point_at_the_earlier_row():
    incoming = [
        person_record(2, "Pat Evans", email="pat@example.org"),
        person_record(3, "Sam Lewis", postcode="NS1 1AA"),
        person_record(4, "Pat Evans", email="pat@example.org"),
    ]
    with_existing, within = find_in_file(incoming, [])
    assert with_existing == []
    assert [(m.first, m.second) for m in within] == [(2, 4)]


def test_existing_records_that_share_nothing_are_not_kept():
    seen = []

    def existing():
        for number in range(1000):
            record = person_record(number, f"Person {number}", email=f"p{number}@example.org")
            seen.append(number)
            yield record

    with_existing, _ = find_in_file(
        [person_record(1, "Person 7", email="p7@example.org")], existing()
    )
    assert len(seen) == 1000  # streamed once
    assert [(m.first, m.second) for m in with_existing] == [(7, 1)]


def test_an_existing_record_whose_key_equals_the_row_number_is_still_found():
    # A database key and a file's row number are different kinds of id; on PostgreSQL
    # an existing record's key is often 2, the first data row.
    existing = [person_record(2, "Pat Evans", email="pat@example.org")]
    incoming = [person_record(2, "Pat Evans", email="pat@example.org")]
    with_existing, within = find_in_file(incoming, existing)
    assert [(m.first, m.second) for m in with_existing] == [(2, 2)]
    assert within == []


def test_huge_blocks_are_left_out(monkeypatch):
    monkeypatch.setattr(duplicates, "MAX_BLOCK", 3)
    everyone = [person_record(n, "Pat Evans", postcode="NS1 1AA") for n in range(4)]
    assert find_within(everyone) == []
    assert len(find_within(everyone[:3])) == 3


def test_organisations_match_on_name_web_address_or_contact_details():
    existing = [
        organisation_record(
            1, "Northtown Carers' Centre", website="https://www.carers.example.org/about"
        )
    ]
    incoming = [
        organisation_record(2, "Northtown Carers Centre", website="carers.example.org"),
        organisation_record(3, "northtown carers' centre"),
        organisation_record(4, "Southtown Carers Centre", website="south.example.org"),
    ]
    with_existing, _ = find_in_file(incoming, existing)
    assert sorted((m.first, m.second, m.shared) for m in with_existing) == [
        (1, 2, ("name", "web")),
        (1, 3, ("name",)),
    ]


def test_pairs_in_the_register_have_the_older_record_first():
    records = [
        person_record(10, "Pat Evans", email="pat@example.org", postcode="NS1 1AA"),
        person_record(4, "Pat Evans", email="pat@example.org", postcode="NS1 1AA"),
    ]
    [match] = find_within(records)
    assert (match.first, match.second) == (4, 10)
    assert match.shared == ("email", "postcode")


# Property: blocking finds exactly the pairs that comparing every pair would. -------------

NAMES = [
    "Pat Evans",
    "Patricia Evans",
    "Evans Pat",
    "Pat Evens",
    "Sam Lewis",
    "Sam Lewes",
    "Jo Bloggs",
    "",
]
EMAILS = ["", "pat@example.org", "sam@example.org"]
PHONES = ["", "07700 900123", "+44 7700 900123", "01632 960000"]
POSTCODES = ["", "NS1 1AA", "ns11aa", "NS2 2BB"]

people = st.lists(
    st.tuples(
        st.sampled_from(NAMES),
        st.sampled_from(EMAILS),
        st.sampled_from(PHONES),
        st.sampled_from(POSTCODES),
    ),
    max_size=25,
)


def _records(rows: list[tuple[str, str, str, str]]) -> list[Record]:
    return [
        person_record(number, name, email=email, phones=[phone], postcode=postcode)
        for number, (name, email, phone, postcode) in enumerate(rows, start=1)
    ]


def _brute_force(records: list[Record]) -> set[tuple[int, int]]:
    pairs = set()
    for a, b in itertools.combinations(records, 2):
        shares = not a.keys.isdisjoint(b.keys)
        if (
            shares
            and a.name
            and b.name
            and fuzz.token_sort_ratio(a.name, b.name) >= duplicates.THRESHOLD
        ):
            first, second = cast(int, a.id), cast(int, b.id)
            pairs.add((min(first, second), max(first, second)))
    return pairs


@settings(max_examples=150, deadline=None)
@given(people)
def test_blocking_finds_what_comparing_every_pair_finds(rows):
    records = _records(rows)
    found = {(m.first, m.second) for m in find_within(records)}
    assert found == _brute_force(records)


@settings(max_examples=100, deadline=None)
@given(people, st.randoms(use_true_random=False))
def test_the_order_of_records_does_not_change_the_pairs(rows, random):
    records = _records(rows)
    shuffled = list(records)
    random.shuffle(shuffled)
    assert {(m.first, m.second, m.shared) for m in find_within(records)} == {
        (m.first, m.second, m.shared) for m in find_within(shuffled)
    }


@settings(max_examples=100, deadline=None)
@given(people, people)
def test_a_file_finds_the_same_pairs_as_the_register_would(existing_rows, file_rows):
    """Matching a file against the register (and within itself) gives the pairs that
    `find_within` gives for the register and the file put together, less register pairs."""
    existing = _records(existing_rows)
    incoming = [
        Record(1000 + number, record.name, record.keys)
        for number, record in enumerate(_records(file_rows))
    ]
    with_existing, within = find_in_file(incoming, existing)
    found = {(m.first, m.second) for m in with_existing + within}
    expected = {pair for pair in _brute_force(existing + incoming) if pair[1] >= 1000}
    assert found == expected
