"""Finding likely duplicates: records whose names are nearly the same AND that share an email
address, a phone number or a postcode (for organisations, also a web address or the same
name).

Plain Python and rapidfuzz: nothing here touches the database. It never compares all pairs:
records are first put in blocks by each normalised contact detail they have ("blocking"), and
names are compared only within a block. A block bigger than `MAX_BLOCK` (a postcode shared by
a whole care home, a placeholder email) says nothing useful and is left out.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

THRESHOLD = 90.0
MAX_BLOCK = 1000
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "rev", "cllr"})
REASONS = {
    "email": "same email address",
    "phone": "same phone number",
    "postcode": "same postcode",
    "web": "same web address",
    "name": "same name",
}


def normalise_name(name: str) -> str:
    """'Dr  Zoë O'Brien-Smith' -> 'zoe o brien smith'."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[^\w]+", " ", text).split()
    return " ".join(word for word in words if word not in TITLES)


def normalise_email(email: str) -> str:
    email = email.strip().casefold()
    return email if "@" in email else ""


def normalise_phone(phone: str) -> str:
    """Digits only, UK international prefixes made national: '+44 (0)7700 900123' and
    '07700900123' are the same number. Fewer than 7 digits is not a number."""
    digits = re.sub(r"\D", "", phone)
    for prefix in ("0044", "44"):
        if digits.startswith(prefix) and len(digits) >= len(prefix) + 9:
            digits = "0" + digits[len(prefix) :].removeprefix("0")
            break
    return digits if len(digits) >= 7 else ""


def normalise_postcode(postcode: str) -> str:
    """'ns1 1aa' -> 'NS11AA'; partial postcodes (fewer than 5 characters) are not used."""
    text = re.sub(r"[^A-Za-z0-9]", "", postcode).upper()
    return text if len(text) >= 5 else ""


def normalise_web(address: str) -> str:
    text = address.strip().casefold()
    text = re.sub(r"^[a-z]+://", "", text).removeprefix("www.")
    return text.split("/", 1)[0]


@dataclass(frozen=True)
class Record:
    """Something that may be a duplicate: an id (a person's pk, or a row number in a file),
    its normalised name and its blocking keys such as 'email:pat@example.org'."""

    id: Hashable
    name: str
    keys: frozenset[str]


def person_record(
    id: Hashable,
    name: str,
    email: str = "",
    phones: Iterable[str] = (),
    postcode: str = "",
) -> Record:
    keys = {f"email:{normalise_email(email)}", f"postcode:{normalise_postcode(postcode)}"}
    keys.update(f"phone:{normalise_phone(phone)}" for phone in phones)
    return Record(id, normalise_name(name), frozenset(k for k in keys if not k.endswith(":")))


def organisation_record(
    id: Hashable, name: str, email: str = "", phone: str = "", website: str = ""
) -> Record:
    normal = normalise_name(name)
    keys = {
        f"email:{normalise_email(email)}",
        f"phone:{normalise_phone(phone)}",
        f"web:{normalise_web(website)}",
        f"name:{normal}",
    }
    return Record(id, normal, frozenset(k for k in keys if not k.endswith(":")))


@dataclass(frozen=True)
class Match:
    """`first` is the record already there (or the earlier one); `second` the likely
    duplicate of it. `shared` are the kinds of key they have in common."""

    first: Hashable
    second: Hashable
    score: float
    shared: tuple[str, ...]

    @property
    def reasons(self) -> str:
        said = [REASONS.get(kind, kind) for kind in self.shared]
        return ", ".join(said) + f"; names {self.score:.0f}% alike"


def similarity(first: str, second: str) -> float:
    if not first or not second:
        return 0.0
    return float(fuzz.token_sort_ratio(first, second, processor=None))


class _Blocks:
    def __init__(self) -> None:
        self.members: dict[str, list[Record]] = defaultdict(list)

    def add(self, record: Record) -> None:
        for key in record.keys:
            self.members[key].append(record)

    def candidates(
        self, record: Record, *, same_records: bool
    ) -> dict[Hashable, tuple[Record, set[str]]]:
        """Records sharing a key with `record`. Only when the blocks hold the same kind of
        ids (`same_records`) is an equal id the record itself: a database key and a row
        number can be equal by chance."""
        found: dict[Hashable, tuple[Record, set[str]]] = {}
        for key in record.keys:
            block = self.members.get(key, ())
            if len(block) > MAX_BLOCK:
                continue
            kind = key.split(":", 1)[0]
            for other in block:
                if same_records and other.id == record.id:
                    continue
                found.setdefault(other.id, (other, set()))[1].add(kind)
        return found


def _compare(
    record: Record, candidates: dict[Hashable, tuple[Record, set[str]]], threshold: float
) -> list[Match]:
    if not candidates or not record.name:
        return []
    names = {other_id: other.name for other_id, (other, _) in candidates.items()}
    scored = process.extract(
        record.name,
        names,
        scorer=fuzz.token_sort_ratio,
        processor=None,
        score_cutoff=threshold,
        limit=None,
    )
    return [
        Match(other_id, record.id, float(score), tuple(sorted(candidates[other_id][1])))
        for _, score, other_id in scored
    ]


def _order(matches: list[Match]) -> list[Match]:
    return sorted(matches, key=lambda m: (-m.score, str(m.first), str(m.second)))


def find_in_file(
    incoming: Iterable[Record], existing: Iterable[Record], threshold: float = THRESHOLD
) -> tuple[list[Match], list[Match]]:
    """Likely duplicates of each incoming record (ids are row numbers): among `existing`
    (streamed once; only records sharing a key with an incoming one are kept in memory), and
    among the incoming rows above it. Returns (matches with existing records, matches within
    the file); each match has the existing record, or the earlier row, first."""
    incoming = list(incoming)
    wanted: set[str] = set().union(*(record.keys for record in incoming)) if incoming else set()
    there = _Blocks()
    for record in existing:
        if not record.keys.isdisjoint(wanted):
            there.add(record)
    earlier = _Blocks()
    for record in incoming:
        earlier.add(record)
    with_existing: list[Match] = []
    within: list[Match] = []
    for record in incoming:
        with_existing.extend(
            _compare(record, there.candidates(record, same_records=False), threshold)
        )
        above = {
            other_id: found
            for other_id, found in earlier.candidates(record, same_records=True).items()
            if _position(other_id) < _position(record.id)
        }
        within.extend(_compare(record, above, threshold))
    return with_existing, within


def _position(value: Hashable) -> tuple[int, str]:
    return (value, "") if isinstance(value, int) else (0, str(value))


def find_within(records: Iterable[Record], threshold: float = THRESHOLD) -> list[Match]:
    """Likely duplicate pairs among `records`, each pair once, the smaller id first (for
    people, the older record: the one to keep by default). Best matches first."""
    blocks = _Blocks()
    for record in records:
        blocks.add(record)
    pairs: dict[tuple[Hashable, Hashable], Match] = {}
    for key, block in blocks.members.items():
        if len(block) < 2 or len(block) > MAX_BLOCK:
            continue
        kind = key.split(":", 1)[0]
        ordered = sorted(block, key=lambda r: _position(r.id))
        for index, record in enumerate(ordered[:-1]):
            if not record.name:
                continue
            later = {other.id: other.name for other in ordered[index + 1 :] if other.name}
            for _, score, other_id in process.extract(
                record.name,
                later,
                scorer=fuzz.token_sort_ratio,
                processor=None,
                score_cutoff=threshold,
                limit=None,
            ):
                pair = (record.id, other_id)
                found = pairs.get(pair)
                shared = tuple(sorted({kind, *(found.shared if found else ())}))
                pairs[pair] = Match(record.id, other_id, float(score), shared)
    return _order(list(pairs.values()))
