"""Importing people and partner organisations from CSV or Excel files.

1. `store_upload` keeps the file under VAR_DIR/imports/<random token>/ (never in the
   database), with a note of who uploaded it for which organisation. `find_upload` gives it
   back only to that user in that organisation, for 24 hours; `purge_stale_uploads` removes
   older ones.
2. `check_file` reads every row, checks every cell and the register's own rules (the same
   ones `services.save_person` applies), and finds likely duplicates. Nothing is written.
3. `import_file` reads the file again, checks it all again, then saves every row through
   the register's services in one transaction: one bad row and nothing is saved. Every
   record is audited by the usual signals (no bulk_create).
"""

import datetime
import json
import re
import secrets
import shutil
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from coproduce.accounts.models import Organisation

from . import services
from .duplicates import (
    Match,
    Record,
    find_in_file,
    find_within,
    organisation_record,
    person_record,
)
from .importing import (
    CHOICE,
    CHOICES,
    DATE,
    EMAIL,
    PHONE,
    URL,
    YES_NO,
    Column,
    Problem,
    RowCleaner,
    open_table,
    plural,
)
from .models import (
    AccessNeed,
    Channel,
    Community,
    ConsentMethod,
    ConsentPurpose,
    Format,
    PartnerKind,
    PartnerOrganisation,
    Person,
    TimeOfDay,
    ViaRelationship,
    Voice,
    Weekday,
)

PEOPLE = "people"
PARTNERS = "partners"
KINDS = {PEOPLE: "People", PARTNERS: "Partner organisations"}
INLINE_ROWS = 500  # larger imports run as a background job
PREVIEW_ROWS = 10
UPLOAD_LIFETIME = datetime.timedelta(hours=24)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
PROGRESS_EVERY = 250

Progress = Callable[[int, int], None]


class ImportRejected(Exception):
    """The file has problems: nothing was saved."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = list(problems)


# Stored uploads ---------------------------------------------------------------------------


def imports_directory() -> Path:
    return Path(settings.VAR_DIR) / "imports"


@dataclass
class Upload:
    token: str
    filename: str
    kind: str
    user_id: int
    organisation_id: int
    created_at: str
    check: dict[str, Any] | None = None

    @property
    def directory(self) -> Path:
        return imports_directory() / self.token

    @property
    def path(self) -> Path:
        return self.directory / "upload"

    def save_meta(self) -> None:
        (self.directory / "meta.json").write_text(json.dumps(asdict(self)))


def store_upload(
    chunks: Iterable[bytes], filename: str, kind: str, user: Any, organisation: Organisation
) -> Upload:
    purge_stale_uploads()
    token = secrets.token_urlsafe(24)
    upload = Upload(
        token=token,
        filename=Path(filename).name[:200],
        kind=kind,
        user_id=user.pk,
        organisation_id=organisation.pk,
        created_at=timezone.now().isoformat(),
    )
    upload.directory.mkdir(parents=True, mode=0o700)
    with upload.path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    upload.save_meta()
    return upload


def find_upload(
    token: str, user_id: int, organisation_id: int, claimed: bool = False
) -> Upload | None:
    """The upload, if it is this user's, for this organisation, and less than a day old.
    Once claimed for importing (`claim_upload`), only `claimed=True` finds it."""
    if not TOKEN_RE.match(token):
        return None
    try:
        meta_file = imports_directory() / token / ("claimed.json" if claimed else "meta.json")
        meta = json.loads(meta_file.read_text())
        upload = Upload(**meta)
    except (OSError, ValueError, TypeError):
        return None
    if upload.user_id != user_id or upload.organisation_id != organisation_id:
        return None
    created = datetime.datetime.fromisoformat(upload.created_at)
    if timezone.now() - created > UPLOAD_LIFETIME or not upload.path.exists():
        return None
    return upload


def claim_upload(upload: Upload) -> bool:
    """Marks the upload as being imported, once: a second confirm (a double click, another
    tab) finds nothing to import. False if it was claimed already."""
    try:
        (upload.directory / "meta.json").rename(upload.directory / "claimed.json")
    except OSError:
        return False
    return True


def discard_upload(token: str) -> None:
    if TOKEN_RE.match(token):
        shutil.rmtree(imports_directory() / token, ignore_errors=True)


def purge_stale_uploads(now: float | None = None) -> int:
    """Removes uploads older than a day. Runs at each upload and from `purge_imports`."""
    root = imports_directory()
    if not root.exists():
        return 0
    limit = (now or time.time()) - UPLOAD_LIFETIME.total_seconds()
    removed = 0
    for entry in root.iterdir():
        try:
            stale = entry.stat().st_mtime < limit
        except OSError:
            continue
        if stale and TOKEN_RE.match(entry.name):
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed


# What each kind of import understands ---------------------------------------------------


def _label(model: Any, name: str) -> str:
    text = str(model._meta.get_field(name).verbose_name)
    return text[:1].upper() + text[1:]


def _length(model: Any, name: str) -> int | None:
    return model._meta.get_field(name).max_length


def _choices(choices: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(code), str(label)) for code, label in choices)


def _joined(labels: Iterable[str]) -> str:
    return "; ".join(labels)


@dataclass
class Row:
    """One checked row, ready to save."""

    number: int
    record: Any  # an unsaved Person or PartnerOrganisation
    needs: list[str] = field(default_factory=list)
    communities: list[Community] = field(default_factory=list)
    consents: list[str] = field(default_factory=list)
    consent_method: str = ""
    consent_on: datetime.date | None = None


class Importer:
    kind: str
    noun: str
    nouns: str

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.communities = {
            community.name.casefold(): community
            for community in Community.objects.filter(organisation=organisation)
        }

    def community_column(self, label: str) -> Column:
        names = sorted(community.name for community in self.communities.values())
        return Column(
            "communities",
            label,
            CHOICES,
            choices=tuple((name, name) for name in names),
            hint="Names of communities already in your register, separated by semicolons.",
            example="; ".join(names[:2]),
        )

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def build(self, number: int, values: dict[str, Any], cleaner: RowCleaner) -> Row:
        raise NotImplementedError

    def rule_errors(self, row: Row) -> dict[str, list[str]]:
        raise NotImplementedError

    def record(self, row: Row) -> Record:
        raise NotImplementedError

    def existing(self) -> Iterator[Record]:
        raise NotImplementedError

    def describe_existing(self, ids: set[int]) -> dict[int, str]:
        raise NotImplementedError

    def preview(self, row: Row) -> list[str]:
        raise NotImplementedError

    preview_headings: tuple[str, ...] = ()

    def save(self, row: Row, user: Any) -> Any:
        raise NotImplementedError


def _full_clean_errors(record: Any, exclude: list[str]) -> dict[str, list[str]]:
    try:
        record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return dict(error.message_dict)
    return {}


class PeopleImporter(Importer):
    kind = PEOPLE
    noun = "person"
    nouns = "people"
    preview_headings = (
        "Row",
        "Name",
        "Contact details",
        "Best way to contact",
        "Format",
        "Needs",
        "Communities",
        "Agreed to contact",
    )

    def columns(self) -> list[Column]:
        p = Person
        return [
            Column("name", _label(p, "name"), required=True, max_length=_length(p, "name"),
                   aliases=("full name", "person"), example="Pat Evans"),
            Column("preferred_name", _label(p, "preferred_name"),
                   max_length=_length(p, "preferred_name"), aliases=("known as",), example="Pat"),
            Column("email", "Email address", EMAIL, max_length=_length(p, "email"), unique=True,
                   aliases=("e-mail", "email address"), example="pat.evans@example.org"),
            Column("mobile", _label(p, "mobile"), PHONE, max_length=_length(p, "mobile"),
                   aliases=("mobile number", "mobile phone number"), example="07700 900123"),
            Column("landline", _label(p, "landline"), PHONE, max_length=_length(p, "landline"),
                   aliases=("landline number", "home phone"), example=""),
            Column("address", _label(p, "address"), aliases=("address",),
                   example="1 High Street, Northtown"),
            Column("postcode", "Postcode", max_length=_length(p, "postcode"),
                   aliases=("post code",), example="NS1 1AA"),
            Column("preferred_channel", _label(p, "preferred_channel"), CHOICE,
                   choices=_choices(Channel.choices), aliases=("channel", "contact by"),
                   hint="Leave blank to use the first of email, mobile, landline, address given.",
                   example="email"),
            Column("preferred_format", _label(p, "preferred_format"), CHOICE,
                   choices=_choices(Format.choices), aliases=("format",),
                   hint="Blank means standard print.", example="large_print"),
            Column("language", _label(p, "language"), max_length=_length(p, "language"),
                   example=""),
            Column("voice", _label(p, "voice"), CHOICE, choices=_choices(Voice.choices),
                   hint="Blank means they speak for themselves.", example="self"),
            Column("represents", _label(p, "represents"), max_length=_length(p, "represents"),
                   example=""),
            Column("mandate", _label(p, "mandate"), example=""),
            Column("via_name", _label(p, "via_name"), max_length=_length(p, "via_name"),
                   example=""),
            Column("via_relationship", "Contact through (who they are)", CHOICE,
                   choices=_choices(ViaRelationship.choices), example=""),
            Column("via_contact", _label(p, "via_contact"),
                   max_length=_length(p, "via_contact"), example=""),
            Column("available_days", "Days they can take part", CHOICES,
                   choices=_choices(Weekday.choices), example="mon; wed"),
            Column("available_times", "Times of day they can take part", CHOICES,
                   choices=_choices(TimeOfDay.choices), example="morning"),
            Column("needs", "Access and support needs", CHOICES,
                   choices=_choices(AccessNeed.choices), aliases=("access needs",),
                   example="step_free; Hearing loop"),
            Column("needs_notes", _label(p, "needs_notes"), example=""),
            self.community_column("Communities"),
            Column("consent_contact", "Agreed to be contacted", YES_NO,
                   hint="yes or no: they agreed to be contacted about opportunities.",
                   example="yes"),
            Column("consent_keep_needs", "Agreed we keep their needs", YES_NO, example="yes"),
            Column("consent_method", "How they agreed", CHOICE,
                   choices=_choices(ConsentMethod.choices), example="paper"),
            Column("consent_date", "Date they agreed", DATE,
                   hint="Blank means today.", example="2025-03-31"),
        ]  # fmt: skip

    def build(self, number: int, values: dict[str, Any], cleaner: RowCleaner) -> Row:
        channel = values["preferred_channel"] or next(
            (
                channel
                for channel, detail in (
                    (Channel.EMAIL, "email"),
                    (Channel.TEXT, "mobile"),
                    (Channel.PHONE, "landline"),
                    (Channel.POST, "address"),
                    (Channel.VIA, "via_name"),
                )
                if values[detail]
            ),
            Channel.EMAIL,
        )
        person = Person(
            organisation=self.organisation,
            name=values["name"],
            preferred_name=values["preferred_name"],
            email=values["email"],
            mobile=values["mobile"],
            landline=values["landline"],
            address=values["address"],
            postcode=values["postcode"].strip().upper(),
            preferred_channel=channel,
            preferred_format=values["preferred_format"] or Format.STANDARD,
            language=values["language"],
            voice=values["voice"] or Voice.SELF,
            represents=values["represents"],
            mandate=values["mandate"],
            via_name=values["via_name"],
            via_relationship=values["via_relationship"],
            via_contact=values["via_contact"],
            available_days=values["available_days"],
            available_times=values["available_times"],
            needs_notes=values["needs_notes"],
        )
        consents = [
            str(purpose)
            for purpose, column in (
                (ConsentPurpose.CONTACT, "consent_contact"),
                (ConsentPurpose.KEEP_NEEDS, "consent_keep_needs"),
            )
            if values[column]
        ]
        return Row(
            number=number,
            record=person,
            needs=values["needs"],
            communities=[self.communities[name.casefold()] for name in values["communities"]],
            consents=consents,
            consent_method=values["consent_method"],
            consent_on=values["consent_date"],
        )

    def rule_errors(self, row: Row) -> dict[str, list[str]]:
        person = row.record
        errors = _full_clean_errors(person, ["organisation", "user", "merged_into"])
        try:
            # The register's own rules, exactly as save_person applies them.
            services.check_person(person)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if row.consents and not row.consent_method:
            errors.setdefault("consent_method", []).append(
                "Say how they agreed, with one of: "
                + ", ".join(str(code) for code in ConsentMethod.values)
                + "."
            )
        if row.consent_on and row.consent_on > timezone.localdate():
            errors.setdefault("consent_date", []).append(
                f"{row.consent_on:%d/%m/%Y} is in the future. Use the date they agreed."
            )
        return errors

    def record(self, row: Row) -> Record:
        person = row.record
        return person_record(
            row.number, person.name, person.email, (person.mobile, person.landline), person.postcode
        )

    def existing(self) -> Iterator[Record]:
        found = Person.objects.filter(
            organisation=self.organisation, merged_into__isnull=True, pseudonymised_at__isnull=True
        ).values_list("pk", "name", "email", "mobile", "landline", "postcode")
        for pk, name, email, mobile, landline, postcode in found.iterator(chunk_size=5000):
            yield person_record(pk, name, email, (mobile, landline), postcode)

    def describe_existing(self, ids: set[int]) -> dict[int, str]:
        described = {}
        for pk, name, email, postcode in Person.objects.filter(pk__in=ids).values_list(
            "pk", "name", "email", "postcode"
        ):
            details = ", ".join(detail for detail in (email, postcode) if detail)
            described[pk] = f"{name} ({details})" if details else name
        return described

    def preview(self, row: Row) -> list[str]:
        person: Person = row.record
        consent = (
            f"Yes ({ConsentMethod(row.consent_method).label.lower()})"
            if ConsentPurpose.CONTACT in row.consents
            else "No"
        )
        contact = [person.email, person.mobile, person.landline, person.postcode]
        return [
            str(row.number),
            person.name + (f" ({person.preferred_name})" if person.preferred_name else ""),
            ", ".join(detail for detail in contact if detail),
            Channel(person.preferred_channel).label,
            Format(person.preferred_format).label,
            _joined(AccessNeed(code).label for code in row.needs),
            _joined(community.name for community in row.communities),
            consent,
        ]

    def save(self, row: Row, user: Any) -> Person:
        person = services.save_person(row.record, row.needs or None, row.communities or None)
        given_at = None
        if row.consent_on:
            given_at = timezone.make_aware(
                datetime.datetime.combine(row.consent_on, datetime.time(12, 0))
            )
        for purpose in row.consents:
            services.give_consent(person, purpose, row.consent_method, user, given_at)
        return person


class PartnerImporter(Importer):
    kind = PARTNERS
    noun = "partner organisation"
    nouns = "partner organisations"
    preview_headings = ("Row", "Name", "Kind", "Contact details", "Communities")

    def columns(self) -> list[Column]:
        p = PartnerOrganisation
        return [
            Column("name", "Name", required=True, max_length=_length(p, "name"),
                   aliases=("organisation", "organisation name"),
                   example="Northtown Carers' Centre"),
            Column("kind", "Kind of organisation", CHOICE, required=True,
                   choices=_choices(PartnerKind.choices), aliases=("type",),
                   example="carers_group"),
            Column("email", "Email address", EMAIL, max_length=_length(p, "email"),
                   aliases=("e-mail",), example="hello@carers.example.org"),
            Column("phone", "Phone", PHONE, max_length=_length(p, "phone"),
                   aliases=("phone number", "telephone"), example="01632 960000"),
            Column("website", "Website", URL, max_length=_length(p, "website"),
                   aliases=("web address", "web site"), example="https://carers.example.org"),
            self.community_column("Communities they work with"),
            Column("conflicts_of_interest", "Conflicts of interest",
                   example="May bid for the carers' support contract."),
            Column("notes", "Notes", example=""),
        ]  # fmt: skip

    def build(self, number: int, values: dict[str, Any], cleaner: RowCleaner) -> Row:
        partner = PartnerOrganisation(
            organisation=self.organisation,
            name=values["name"],
            kind=values["kind"],
            email=values["email"],
            phone=values["phone"],
            website=values["website"],
            conflicts_of_interest=values["conflicts_of_interest"],
            notes=values["notes"],
        )
        communities = [self.communities[name.casefold()] for name in values["communities"]]
        return Row(number=number, record=partner, communities=communities)

    def rule_errors(self, row: Row) -> dict[str, list[str]]:
        return _full_clean_errors(row.record, ["organisation", "communities"])

    def record(self, row: Row) -> Record:
        partner = row.record
        return organisation_record(
            row.number, partner.name, partner.email, partner.phone, partner.website
        )

    def existing(self) -> Iterator[Record]:
        found = PartnerOrganisation.objects.filter(organisation=self.organisation).values_list(
            "pk", "name", "email", "phone", "website"
        )
        for pk, name, email, phone, website in found.iterator(chunk_size=5000):
            yield organisation_record(pk, name, email, phone, website)

    def describe_existing(self, ids: set[int]) -> dict[int, str]:
        return dict(PartnerOrganisation.objects.filter(pk__in=ids).values_list("pk", "name"))

    def preview(self, row: Row) -> list[str]:
        partner: PartnerOrganisation = row.record
        contact = [partner.email, partner.phone, partner.website]
        return [
            str(row.number),
            partner.name,
            PartnerKind(partner.kind).label,
            ", ".join(detail for detail in contact if detail),
            _joined(community.name for community in row.communities),
        ]

    @transaction.atomic
    def save(self, row: Row, user: Any) -> PartnerOrganisation:
        partner: PartnerOrganisation = row.record
        partner.full_clean(exclude=["organisation", "communities"])
        partner.save()
        if row.communities:
            partner.communities.set(row.communities)
        return partner


IMPORTERS: dict[str, type[Importer]] = {PEOPLE: PeopleImporter, PARTNERS: PartnerImporter}


def importer_for(kind: str, organisation: Organisation) -> Importer:
    return IMPORTERS[kind](organisation)


def template_columns(kind: str, organisation: Organisation) -> list[Column]:
    return importer_for(kind, organisation).columns()


# Checking and importing -------------------------------------------------------------------


@dataclass
class Check:
    """What a file would do, ready to show (and to keep beside the upload as JSON)."""

    kind: str
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    preview_headings: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)
    # One entry per row that looks like a duplicate: {"row", "name", "matches": [...]}, each
    # match {"person": id or None, "row": number or None, "name": what to show, "reasons"}.
    duplicates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def duplicate_rows(self) -> list[int]:
        return [entry["row"] for entry in self.duplicates]


def _rows(
    path: Path, filename: str, importer: Importer, progress: Progress | None = None
) -> Iterator[tuple[Row | None, list[Problem]]]:
    """Every row of the file, checked: (row ready to save or None, its problems). The first
    item is (None, problems with the headings) if there are any."""
    with open_table(path, filename) as table:
        columns = importer.columns()
        cleaner = RowCleaner(table.headings, columns)
        if cleaner.problems:
            yield None, cleaner.problems
        # Said once above: not again on every row.
        missing = {c.key for c in columns if c.required and c.key not in cleaner.heading_of}
        count = 0
        for number, cells in table.rows:
            values, problems = cleaner.clean(number, cells)
            bad = {problem.column for problem in problems}
            row = importer.build(number, values, cleaner)
            for name, messages in importer.rule_errors(row).items():
                heading = None if name == NON_FIELD_ERRORS else cleaner.heading(name)
                if name in missing or (heading is not None and heading in bad):
                    continue  # already said what is wrong with that cell
                problems.extend(Problem(message, number, heading) for message in messages)
            yield (None if problems else row), problems
            count += 1
            if progress and count % PROGRESS_EVERY == 0:
                progress(count, 0)


def check_file(
    path: Path,
    filename: str,
    kind: str,
    organisation: Organisation,
    progress: Progress | None = None,
) -> tuple[Check, list[Match], list[Match]]:
    """Checks every row without saving anything. Returns the check, and the likely
    duplicates (with existing records, and within the file) when there are no problems.
    Raises ImportFileError if the file cannot be read at all."""
    importer = importer_for(kind, organisation)
    check = Check(kind=kind, preview_headings=list(importer.preview_headings))
    problems: list[Problem] = []
    records: list[Record] = []
    names: dict[int, str] = {}
    for row, row_problems in _rows(path, filename, importer, progress):
        problems.extend(row_problems)
        if row is None:
            if row_problems and row_problems[0].row is not None:
                check.rows += 1
            continue
        check.rows += 1
        if problems:
            continue  # nothing will be imported: only the problems matter now
        if len(check.preview) < PREVIEW_ROWS:
            check.preview.append(importer.preview(row))
        records.append(importer.record(row))
        names[row.number] = row.record.name
    check.problems = [str(problem) for problem in problems]
    if not problems and check.rows == 0:
        check.problems = [f"The file has headings but no rows of {importer.nouns} under them."]
    if check.problems:
        return check, [], []
    with_existing, within = find_in_file(records, importer.existing())
    described = importer.describe_existing({_id(match.first) for match in with_existing})
    by_row: dict[int, list[dict[str, Any]]] = {}
    for match in with_existing:
        by_row.setdefault(_id(match.second), []).append(
            {
                "person": match.first,
                "row": None,
                "name": described.get(_id(match.first), ""),
                "reasons": match.reasons,
            }
        )
    for match in within:
        by_row.setdefault(_id(match.second), []).append(
            {
                "person": None,
                "row": match.first,
                "name": names.get(_id(match.first), ""),
                "reasons": match.reasons,
            }
        )
    check.duplicates = [
        {"row": number, "name": names[number], "matches": by_row[number]}
        for number in sorted(by_row)
    ]
    return check, with_existing, within


@dataclass
class ImportResult:
    kind: str
    added: int
    skipped: int
    # Likely duplicates that were added anyway, as (record kept, new record) id pairs for
    # the merge screen.
    to_review: list[tuple[int, int]]

    def summary(self) -> str:
        importer = IMPORTERS[self.kind]
        said = f"Added {plural(self.added, importer.noun, importer.nouns)}"
        if self.skipped:
            said += f"; skipped {plural(self.skipped, 'likely duplicate')}"
        return said + "."


def import_file(
    path: Path,
    filename: str,
    kind: str,
    organisation: Organisation,
    user: Any,
    skip_rows: Iterable[int] = (),
    progress: Progress | None = None,
    expected_rows: int = 0,
) -> ImportResult:
    """Checks the whole file again, then saves every row not skipped, all or nothing. Raises
    ImportRejected (nothing saved) if any row has a problem, ImportFileError if the file
    cannot be read."""
    skip = set(skip_rows)
    total = 2 * expected_rows

    def checked(done: int, _: int) -> None:
        if progress:
            progress(done, max(total, done))

    check, with_existing, within = check_file(path, filename, kind, organisation, checked)
    if check.problems:
        raise ImportRejected([Problem(problem) for problem in check.problems])
    total = 2 * check.rows
    importer = importer_for(kind, organisation)
    created: dict[int, int] = {}  # row number -> new record's id
    problems: list[Problem] = []
    skipped = 0
    with transaction.atomic():
        for row, row_problems in _rows(path, filename, importer):
            if row is None:
                problems.extend(row_problems)
                continue
            if row.number in skip:
                skipped += 1
                continue
            try:
                created[row.number] = importer.save(row, user).pk
            except ValidationError as error:
                # The register changed since the check (say, a community was removed).
                messages = getattr(error, "message_dict", {NON_FIELD_ERRORS: error.messages})
                for name, said in messages.items():
                    column = None if name == NON_FIELD_ERRORS else name
                    problems.extend(Problem(message, row.number, column) for message in said)
            if progress and (len(created) + skipped) % PROGRESS_EVERY == 0:
                progress(check.rows + len(created) + skipped, total)
        if problems:
            raise ImportRejected(problems)  # rolls back everything saved above
    if progress:
        progress(total, total)
    to_review = [
        (_id(match.first), created[_id(match.second)])
        for match in with_existing
        if _id(match.second) in created
    ] + [
        (created[_id(match.first)], created[_id(match.second)])
        for match in within
        if _id(match.first) in created and _id(match.second) in created
    ]
    return ImportResult(kind=kind, added=len(created), skipped=skipped, to_review=to_review)


def register_duplicates(organisation: Organisation) -> list[Match]:
    """Likely duplicate pairs among the organisation's live people, the older record first.
    Worked out from every record's name and contact details, then kept in the cache until
    anyone is added, changed, merged or removed (the key holds the count and the latest
    change), so paging through the list does not work it out again."""
    live = Person.objects.filter(
        organisation=organisation, merged_into__isnull=True, pseudonymised_at__isnull=True
    )
    stamp = live.aggregate(count=Count("pk"), latest=Max("updated_at"))
    latest = stamp["latest"].isoformat() if stamp["latest"] else "none"
    key = f"people-duplicates:{organisation.pk}:{stamp['count']}:{latest}"
    pairs: list[Match] | None = cache.get(key)
    if pairs is None:
        rows = live.values_list("pk", "name", "email", "mobile", "landline", "postcode")
        pairs = find_within(
            person_record(pk, name, email, (mobile, landline), postcode)
            for pk, name, email, mobile, landline, postcode in rows.iterator(chunk_size=5000)
        )
        cache.set(key, pairs, 60 * 60)
    return pairs


def _id(value: Hashable) -> int:
    return cast(int, value)
