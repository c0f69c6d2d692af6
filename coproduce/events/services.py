"""Write operations and rules for events, venues, invitations, the support checklist, papers
and the attendance register.

Timing and venue problems are warnings, never errors: the seeds warn against early starts,
late finishes and meeting on someone's own premises, but an officer may have good reasons.
What does block is an event marked ready while a support need is neither met nor explained.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from coproduce.accounts.models import Organisation
from coproduce.core import uploads
from coproduce.notifications.services import Message, send
from coproduce.people.models import AccessNeed, ConsentPurpose, Format, InvolvementKind, Person
from coproduce.people.services import (
    can_contact,
    recent_involvement_count,
    record_involvement,
    register_settings,
)
from coproduce.projects.models import EngagementMethod

from .models import (
    Attendance,
    Attended,
    Event,
    EventKind,
    EventMode,
    EventPaper,
    EventSettings,
    EventStatus,
    PaperFormat,
    PaperFormatStatus,
    Response,
    SupportArrangement,
    SupportKind,
    SupportStatus,
    Venue,
)


def event_settings(organisation: Organisation) -> EventSettings:
    found, _ = EventSettings.objects.get_or_create(organisation=organisation)
    return found


def local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def clock(moment: datetime.time | datetime.datetime) -> str:
    """ "10:30am", as people say it."""
    if isinstance(moment, datetime.datetime):
        moment = local(moment).time()
    return moment.strftime("%-I:%M%p").lower()


def when(moment: datetime.datetime) -> str:
    """ "Tuesday 3 March 2026 at 10:30am"."""
    return f"{date_format(local(moment), 'l j F Y')} at {clock(moment)}"


# Venues


@transaction.atomic
def save_venue(venue: Venue) -> Venue:
    clash = Venue.objects.filter(
        organisation_id=venue.organisation_id, name__iexact=venue.name.strip()
    ).exclude(pk=venue.pk)
    if clash.exists():
        raise ValidationError({"name": "There is already a venue with this name. Change that one."})
    venue.name = venue.name.strip()
    venue.full_clean()
    venue.save()
    return venue


def access_summary(venue: Venue) -> str:
    """What the venue offers, in one sentence for messages and the calendar file."""
    offers = [
        label
        for field, label in (
            ("step_free", "step-free access"),
            ("accessible_toilet", "an accessible toilet"),
            ("hearing_loop", "a hearing loop"),
            ("quiet_room", "a quiet room"),
            ("parking", "parking"),
            ("blue_badge_bays", "blue badge parking bays"),
        )
        if getattr(venue, field)
    ]
    text = f"The venue has {', '.join(offers)}." if offers else ""
    if venue.public_transport:
        text = f"{text} Public transport: {venue.public_transport}".strip()
    return text


# Events


def new_event(method: EngagementMethod) -> Event:
    """An unsaved event for a method: the method decides the project and stage."""
    stage = method.plan.stage
    return Event(
        organisation_id=method.organisation_id,
        project=stage.project,
        stage=stage,
        method=method,
        title=f"{method.get_kind_display()}: {stage.project.title}",
        purpose=method.purpose,
    )


def timing_warnings(event: Event) -> list[str]:
    rules = event_settings(event.organisation)
    warnings = []
    if local(event.starts_at).time() < rules.earliest_start:
        warnings.append(
            f"It starts before {clock(rules.earliest_start)}: many people cannot come early "
            "(care, medication, transport). Think about a later start."
        )
    if local(event.ends_at).time() > rules.latest_finish or (
        local(event.ends_at).date() > local(event.starts_at).date()
    ):
        warnings.append(
            f"It finishes after {clock(rules.latest_finish)}: school runs, care and dark "
            "evenings stop people coming. Think about an earlier finish."
        )
    return warnings


# Events where bids or decisions are discussed should not look like anyone's home ground.
NEUTRAL_GROUND_KINDS = frozenset({EventKind.EVALUATION_DAY, EventKind.PANEL_SESSION})


def venue_warnings(event: Event) -> list[str]:
    warnings = []
    venue = event.venue
    in_the_room = event.mode in (EventMode.IN_PERSON, EventMode.HYBRID)
    if in_the_room and venue is None:
        warnings.append("No venue chosen yet: people need to know where to go.")
    if event.mode in (EventMode.ONLINE, EventMode.HYBRID) and not event.online_link:
        warnings.append("No link to join online yet.")
    neutral_needed = in_the_room and event.kind in NEUTRAL_GROUND_KINDS
    if venue is not None and neutral_needed and not venue.neutral_ground:
        warnings.append(
            f"{venue.name} is not recorded as neutral ground. For a "
            f"{event.get_kind_display().lower()}, meet somewhere that is neither the "
            "commissioner's nor a bidder's premises."
        )
    return warnings


# A person's need, the venue feature that meets it, and what to say when it is missing.
VENUE_NEEDS: tuple[tuple[str, str, str], ...] = (
    (AccessNeed.STEP_FREE, "step_free", "step-free access"),
    (AccessNeed.HEARING_LOOP, "hearing_loop", "a hearing loop"),
    (AccessNeed.QUIET_ROOM, "quiet_room", "a quiet room"),
)


def needs_warnings(event: Event, attendances: Iterable[Attendance]) -> list[str]:
    """Where the venue lacks what a confirmed attendee needs. Counts only: names are on the
    support checklist, for those who arrange support."""
    venue = event.venue
    if venue is None or event.mode == EventMode.ONLINE:
        return []
    counts: dict[str, int] = {}
    for attendance in attendances:
        if attendance.response != Response.CONFIRMED:
            continue
        for row in attendance.person.needs.all():
            counts[row.need] = counts.get(row.need, 0) + 1
    warnings = []
    for need, feature, words in VENUE_NEEDS:
        if counts.get(need) and not getattr(venue, feature):
            warnings.append(
                f"{_people(counts[need])} coming {_need_verb(counts[need])} {words}, and "
                f"{venue.name} has none recorded. Find another venue or check with the venue."
            )
    if counts.get(AccessNeed.TRANSPORT) and not venue.public_transport.strip():
        warnings.append(
            f"{_people(counts[AccessNeed.TRANSPORT])} coming "
            f"{_need_verb(counts[AccessNeed.TRANSPORT])} transport, and no public transport is "
            f"recorded for {venue.name}. Arrange transport for them."
        )
    return warnings


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _need_verb(count: int) -> str:
    return "needs" if count == 1 else "need"


@dataclass(frozen=True)
class Saved:
    event: Event
    warnings: list[str]


@transaction.atomic
def save_event(event: Event) -> Saved:
    """Saves an event; its project and stage are always its method's. Returns the warnings
    to show, which never stop the save."""
    stage = event.method.plan.stage
    event.stage = stage
    event.project = stage.project
    event.organisation_id = event.method.organisation_id
    if event.ends_at <= event.starts_at:
        raise ValidationError({"ends_at": "The finish time must be after the start time."})
    if event.venue is not None and event.venue.organisation_id != event.organisation_id:
        raise ValidationError({"venue": "Choose one of your organisation's venues."})
    if event.status in (EventStatus.CANCELLED, EventStatus.HELD):
        raise ValidationError(
            f"This event is {event.get_status_display().lower()}: it cannot change."
        )
    moved = False
    if event.pk:
        before = Event.objects.get(pk=event.pk)
        moved = before.starts_at != event.starts_at
    event.full_clean()
    event.save()
    if moved and event.reminders_for is not None:
        schedule_reminders(event)
    if moved:
        _tell_of_move(event)
    return Saved(event, timing_warnings(event) + venue_warnings(event))


def _tell_of_move(event: Event) -> None:
    """Everyone asked who has not said no hears the new time, once per new time."""
    message = Message(
        subject=f"New time: {event.title}",
        body=f"{event.title} has moved to a new time.\n\n{event_message_details(event)}\n\n"
        "Please tell us if you can still come.",
    )
    stamp = local(event.starts_at).strftime("%Y%m%dT%H%M")
    for attendance in event.attendances.exclude(response=Response.DECLINED).select_related(
        "person"
    ):
        send(
            attendance.person,
            message,
            purpose=ConsentPurpose.CONTACT,
            key=f"event-moved:{event.pk}:{stamp}:{attendance.person_id}",
            topic=f"event:{event.pk}:moved",
        )


def event_message_details(event: Event) -> str:
    lines = [f"What: {event.title}"]
    if event.purpose:
        lines.append(event.purpose)
    lines.append(f"When: {when(event.starts_at)} to {clock(event.ends_at)}")
    if event.venue is not None and event.mode != EventMode.ONLINE:
        lines.append(f"Where: {event.venue.name}, {event.venue.address.strip()}")
        access = access_summary(event.venue)
        if access:
            lines.append(f"Access: {access}")
    if event.mode != EventMode.IN_PERSON and event.online_link:
        lines.append(f"Join online: {event.online_link}")
    if event.joining_instructions:
        lines.append(f"How to join: {event.joining_instructions}")
    contact = event.created_by
    name = contact.get_full_name() or contact.get_username()
    lines.append(f"Contact: {name}{f', {contact.email}' if contact.email else ''}")
    return "\n".join(lines)


@transaction.atomic
def cancel_event(event: Event, reason: str, *, by: Any) -> Event:
    """Cancels the event and tells everyone who said they were coming."""
    if event.status in (EventStatus.CANCELLED, EventStatus.HELD):
        raise ValidationError(f"This event is {event.get_status_display().lower()} already.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the event is cancelled: people will be told."})
    event.status = EventStatus.CANCELLED
    event.cancelled_reason = reason.strip()
    event.save()
    message = Message(
        subject=f"Cancelled: {event.title}",
        body=(
            f"We are sorry: {event.title} on {when(event.starts_at)} is cancelled.\n\n"
            f"Why: {event.cancelled_reason}\n\nWe will be in touch about what happens next."
        ),
    )
    for attendance in event.attendances.filter(response=Response.CONFIRMED).select_related(
        "person"
    ):
        send(
            attendance.person,
            message,
            purpose=ConsentPurpose.CONTACT,
            key=f"event-cancelled:{event.pk}:{attendance.person_id}",
            topic=f"event:{event.pk}:cancelled",
            sent_by=by,
        )
    return event


def readiness_problems(event: Event) -> list[str]:
    items = event.support_arrangements.filter(needed=True).select_related("person")
    return [
        f"{item.get_kind_display()}"
        f"{f' for {item.person.display_name}' if item.person else ''}: mark it met, or say why it "
        "cannot be met."
        for item in items
        if not item.settled
    ]


@transaction.atomic
def mark_ready(event: Event) -> Event:
    if event.status != EventStatus.PLANNED:
        raise ValidationError(
            f"Only a planned event can be marked ready; this one is "
            f"{event.get_status_display().lower()}."
        )
    refresh_checklist(event)
    problems = readiness_problems(event)
    if problems:
        raise ValidationError(problems)
    event.status = EventStatus.READY
    event.save()
    return event


# Invitations and answers


@dataclass(frozen=True)
class Candidate:
    person: Person
    held_reason: str  # empty when they can be invited
    may_contact: bool
    fatigued: bool
    already_invited: bool


def candidates(event: Event, people: Iterable[Person]) -> list[Candidate]:
    """Who would be invited and who is held back, by the register's own consent gate and
    consultation-fatigue limit (as for recruitment)."""
    threshold = register_settings(event.organisation).fatigue_threshold
    invited = set(event.attendances.values_list("person_id", flat=True))
    found = []
    for person in people:
        if person.organisation_id != event.organisation_id:
            continue
        recent = getattr(person, "recent_involvements", None)
        if recent is None:
            recent = recent_involvement_count(person)
        fatigued = recent >= threshold
        may_contact = can_contact(person, ConsentPurpose.CONTACT)
        reason = ""
        if not may_contact:
            reason = "No consent to be contacted about opportunities"
        elif fatigued:
            reason = f"Involved {recent} times in the last 12 months (limit {threshold})"
        found.append(
            Candidate(
                person=person,
                held_reason=reason,
                may_contact=may_contact,
                fatigued=fatigued,
                already_invited=person.pk in invited,
            )
        )
    return found


def invitation_message(event: Event, calendar_link: str) -> Message:
    return Message(
        subject=f"You are invited: {event.title}",
        body=(
            f"We would like you to come to {event.title} for {event.project.title}.\n\n"
            f"{event_message_details(event)}\n\n"
            "Please tell us if you can come, and anything you need so that you can take part "
            "(for example an interpreter, large print, transport, replacement care or breaks).\n\n"
            f"To add it to your calendar, sign in and download {calendar_link}"
        ),
    )


@dataclass(frozen=True)
class InvitationOutcome:
    invited: list[Attendance]
    held: list[Candidate]


@transaction.atomic
def invite(
    event: Event,
    people: Iterable[Person],
    *,
    by: Any,
    calendar_link: str,
    confirm_fatigued: Iterable[int] = (),
) -> InvitationOutcome:
    """Invites people by their own channel and format. People without consent are never
    invited; people asked often recently only when the officer confirmed each one. Inviting
    again sends nothing new (one delivery key per event and person)."""
    if event.status in (EventStatus.CANCELLED, EventStatus.HELD):
        raise ValidationError(
            f"This event is {event.get_status_display().lower()}: invite people to another one."
        )
    confirmed = set(confirm_fatigued)
    message = invitation_message(event, calendar_link)
    invited: list[Attendance] = []
    held: list[Candidate] = []
    for candidate in candidates(event, people):
        if candidate.already_invited:
            continue
        fatigue_ok = (
            candidate.may_contact and candidate.fatigued and candidate.person.pk in confirmed
        )
        if candidate.held_reason and not fatigue_ok:
            held.append(candidate)
            continue
        attendance = Attendance.objects.create(
            organisation_id=event.organisation_id, event=event, person=candidate.person
        )
        send(
            candidate.person,
            message,
            purpose=ConsentPurpose.CONTACT,
            key=f"event-invite:{event.pk}:{candidate.person.pk}",
            topic=f"event:{event.pk}:invitations",
            sent_by=by,
        )
        invited.append(attendance)
    if invited and event.reminders_for != event.starts_at:
        schedule_reminders(event)
    return InvitationOutcome(invited=invited, held=held)


@transaction.atomic
def respond(attendance: Attendance, response: str) -> Attendance:
    """Coming or not coming, said by the person or by staff for them. The support checklist
    and the papers' other formats follow who is coming."""
    event = attendance.event
    if response not in (Response.CONFIRMED, Response.DECLINED):
        raise ValidationError({"response": "Choose coming or not coming."})
    if event.status in (EventStatus.CANCELLED, EventStatus.HELD):
        raise ValidationError(f"This event is {event.get_status_display().lower()}.")
    attendance.response = response
    attendance.save()
    refresh_checklist(event)
    refresh_paper_formats(event)
    return attendance


# Reminders


def reminder_due(event: Event) -> datetime.datetime:
    days = event_settings(event.organisation).reminder_days_before
    return event.starts_at - datetime.timedelta(days=days)


def schedule_reminders(event: Event) -> None:
    """Enqueues the reminder job for when it is due and notes the start time it is for. With a
    queue that cannot wait (tests run tasks at once) nothing is enqueued; reminders then go
    only through `send_reminders`."""
    from .tasks import send_event_reminders

    event.reminders_for = event.starts_at
    event.save(update_fields=["reminders_for"])
    due = reminder_due(event)
    if due <= timezone.now() or not send_event_reminders.get_backend().supports_defer:
        return
    pk = event.pk
    transaction.on_commit(
        lambda: send_event_reminders.using(run_after=due).enqueue(pk), robust=True
    )


def send_reminders(event: Event, now: datetime.datetime | None = None) -> int:
    """Reminds people who are coming, once per start time. A job left from before the event
    moved or was cancelled sends nothing: the move scheduled its own."""
    now = now or timezone.now()
    if event.status in (EventStatus.CANCELLED, EventStatus.HELD):
        return 0
    if event.reminders_for != event.starts_at or not reminder_due(event) <= now < event.starts_at:
        return 0
    message = Message(
        subject=f"Reminder: {event.title}",
        body=f"This is a reminder that you are coming to {event.title}.\n\n"
        f"{event_message_details(event)}\n\nIf you cannot come now, please tell us.",
    )
    stamp = local(event.starts_at).strftime("%Y%m%dT%H%M")
    sent = 0
    for attendance in event.attendances.filter(response=Response.CONFIRMED).select_related(
        "person"
    ):
        send(
            attendance.person,
            message,
            purpose=ConsentPurpose.CONTACT,
            key=f"event-reminder:{event.pk}:{stamp}:{attendance.person_id}",
            topic=f"event:{event.pk}:reminders",
        )
        sent += 1
    return sent


# Support checklist

# Each access need and what it asks of the event: some are arranged once for everyone in the
# room, others for the person.
NEED_TO_SUPPORT: dict[str, str] = {
    AccessNeed.STEP_FREE: SupportKind.STEP_FREE,
    AccessNeed.HEARING_LOOP: SupportKind.HEARING_LOOP,
    AccessNeed.BSL_INTERPRETER: SupportKind.BSL_INTERPRETER,
    AccessNeed.LARGE_PRINT_PAPERS: SupportKind.LARGE_PRINT_PAPERS,
    AccessNeed.READING_STAND: SupportKind.READING_STAND,
    AccessNeed.QUIET_ROOM: SupportKind.QUIET_ROOM,
    AccessNeed.CAFFEINE_FREE: SupportKind.CAFFEINE_FREE,
    AccessNeed.DIETARY: SupportKind.DIETARY,
    AccessNeed.CARER_OR_PA: SupportKind.CARER_PLACE,
    AccessNeed.REPLACEMENT_CARE: SupportKind.REPLACEMENT_CARE,
    AccessNeed.TRANSPORT: SupportKind.TRANSPORT,
    AccessNeed.REGULAR_BREAKS: SupportKind.BREAKS,
    AccessNeed.PAPERS_EARLY: SupportKind.PAPERS_EARLY,
}
FOR_EVERYONE = frozenset(
    {
        SupportKind.STEP_FREE,
        SupportKind.HEARING_LOOP,
        SupportKind.BSL_INTERPRETER,
        SupportKind.QUIET_ROOM,
        SupportKind.CAFFEINE_FREE,
        SupportKind.BREAKS,
    }
)


def _untouched(item: SupportArrangement) -> bool:
    return (
        item.status == SupportStatus.TO_DO
        and item.owner_id is None
        and item.cost is None
        and not item.acknowledged_reason
        and not item.notes
    )


@transaction.atomic
def refresh_checklist(event: Event) -> list[SupportArrangement]:
    """Brings the checklist in line with who is coming. What officers entered (owner, status,
    cost) is never lost: an item nobody needs any more is removed only if untouched, and
    otherwise kept as no longer needed."""
    wanted: set[tuple[str, int | None]] = set()
    confirmed = event.attendances.filter(response=Response.CONFIRMED).prefetch_related(
        "person__needs"
    )
    for attendance in confirmed:
        for need in attendance.person.needs.all():
            kind = NEED_TO_SUPPORT.get(need.need)
            if kind is None:
                continue
            wanted.add((kind, None if kind in FOR_EVERYONE else attendance.person_id))
    kept = []
    for item in list(event.support_arrangements.all()):
        key = (item.kind, item.person_id)
        if key in wanted:
            wanted.discard(key)
            if not item.needed:
                item.needed = True
                item.save()
            kept.append(item)
        elif _untouched(item):
            item.delete()
        else:
            if item.needed:
                item.needed = False
                item.save()
            kept.append(item)
    for kind, person_id in sorted(wanted, key=lambda key: (key[0], key[1] or 0)):
        kept.append(
            SupportArrangement.objects.create(
                organisation_id=event.organisation_id, event=event, kind=kind, person_id=person_id
            )
        )
    if event.status == EventStatus.READY and readiness_problems(event):
        # Someone new is coming with a need not yet met: the event is not ready any more.
        event.status = EventStatus.PLANNED
        event.save()
    return kept


@transaction.atomic
def save_support_item(item: SupportArrangement) -> SupportArrangement:
    errors: dict[str, str] = {}
    if item.budget_line is not None and item.budget_line.method_id != item.event.method_id:
        errors["budget_line"] = "Choose a budget line of this event's method."
    if item.cost is not None and item.budget_line is None:
        errors["budget_line"] = "Choose the budget line this cost comes from."
    if item.status == SupportStatus.NOT_NEEDED and not item.acknowledged_reason.strip():
        errors["acknowledged_reason"] = (
            "Say why it is not needed, for example what the person told you."
        )
    if errors:
        raise ValidationError(errors)
    item.acknowledged_reason = item.acknowledged_reason.strip()
    item.full_clean()
    item.save()
    return item


def support_cost(event: Event) -> Decimal:
    return sum(
        (item.cost for item in event.support_arrangements.all() if item.cost is not None),
        Decimal("0"),
    )


# Papers and their other formats

MAX_PAPER_MEGABYTES = 20
PAPER_KINDS: dict[str, uploads.Kind] = {
    ".pdf": uploads.PDF,
    ".docx": uploads.DOCX,
    ".pptx": uploads.PPTX,
    ".xlsx": uploads.XLSX,
    ".odt": uploads.ODT,
    ".rtf": uploads.RTF,
    ".txt": uploads.TXT,
}
# Other formats can also be sound, video or braille.
FORMAT_KINDS: dict[str, uploads.Kind] = {
    **PAPER_KINDS,
    ".mp3": uploads.Kind("MP3", "audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    ".m4a": uploads.Kind("M4A", "audio/mp4"),
    ".mp4": uploads.Kind("MP4", "video/mp4"),
    ".brf": uploads.Kind("braille (.brf)", "text/plain"),
}


def check_upload(upload: UploadedFile, kinds: Mapping[str, uploads.Kind], field: str) -> str:
    """The file's content type, once its kind and size are acceptable."""
    try:
        return uploads.check_upload(upload, kinds, max_megabytes=MAX_PAPER_MEGABYTES).content_type
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


def papers_due(event: Event) -> datetime.datetime:
    days = event_settings(event.organisation).papers_days_before
    return event.starts_at - datetime.timedelta(days=days)


@transaction.atomic
def add_paper(event: Event, title: str, upload: UploadedFile, *, by: Any) -> EventPaper:
    if event.status == EventStatus.CANCELLED:
        raise ValidationError("This event is cancelled.")
    if not title.strip():
        raise ValidationError({"title": "Give the paper a title, for example “Agenda”."})
    content_type = check_upload(upload, PAPER_KINDS, "file")
    paper = EventPaper(
        organisation_id=event.organisation_id,
        event=event,
        title=title.strip(),
        original_name=Path(upload.name or "paper").name[:255],
        content_type=content_type,
        uploaded_by=by,
    )
    paper.file.save(upload.name or "paper", upload, save=False)
    paper.save()
    refresh_paper_formats(event)
    return paper


def needs_other_format(person: Person) -> bool:
    return person.preferred_format != Format.STANDARD


@transaction.atomic
def refresh_paper_formats(event: Event) -> None:
    """A to-do for each paper and each person coming who needs another format. Versions
    already done stay; to-dos for people no longer coming go."""
    coming = {
        attendance.person_id: attendance.person
        for attendance in event.attendances.filter(response=Response.CONFIRMED).select_related(
            "person"
        )
        if needs_other_format(attendance.person)
    }
    for paper in event.papers.prefetch_related("formats"):
        existing = {version.person_id: version for version in paper.formats.all()}
        for person_id, person in coming.items():
            version = existing.get(person_id)
            if version is None:
                PaperFormat.objects.create(
                    organisation_id=event.organisation_id,
                    paper=paper,
                    person=person,
                    format=person.preferred_format,
                )
            elif (
                version.status == PaperFormatStatus.TO_DO
                and version.format != person.preferred_format
            ):
                version.format = person.preferred_format
                version.save()
        for person_id, version in existing.items():
            if person_id not in coming and version.status == PaperFormatStatus.TO_DO:
                version.delete()


@transaction.atomic
def complete_format(
    version: PaperFormat,
    upload: UploadedFile | None = None,
    *,
    now: datetime.datetime | None = None,
) -> PaperFormat:
    if upload is not None:
        version.content_type = check_upload(upload, FORMAT_KINDS, "file")
        version.original_name = Path(upload.name or "version").name[:255]
        version.file.save(upload.name or "version", upload, save=False)
    version.status = PaperFormatStatus.DONE
    version.done_at = now or timezone.now()
    version.save()
    return version


def paper_flags(event: Event, now: datetime.datetime | None = None) -> list[str]:
    """Papers that went late or are missing, and other formats not done in time."""
    now = now or timezone.now()
    due = papers_due(event)
    flags = []
    papers = list(event.papers.prefetch_related("formats__person"))
    if not papers and now > due and event.status != EventStatus.CANCELLED:
        flags.append(f"No papers yet: they were due by {when(due)}.")
    for paper in papers:
        if paper.uploaded_at > due:
            flags.append(
                f"“{paper.title}” was added on {when(paper.uploaded_at)}, after papers "
                f"were due ({when(due)})."
            )
        for version in paper.formats.all():
            label = f"The {version.get_format_display().lower()} version of “{paper.title}”"
            if version.status == PaperFormatStatus.TO_DO and now > due:
                flags.append(f"{label} is not done: it was due by {when(due)}.")
            elif version.done_at and version.done_at > due:
                flags.append(f"{label} was done late, on {when(version.done_at)}.")
    return flags


# Attendance register


@dataclass(frozen=True)
class Mark:
    attended: str
    hours_attended: Decimal | None = None


@transaction.atomic
def take_register(
    event: Event, marks: Mapping[int, Mark], *, today: datetime.date | None = None
) -> list[Attendance]:
    """Records who came, by attendance id. Being there counts as involvement: marking someone
    present records it in their history (so consultation fatigue counts it), and changing the
    mark takes it away again."""
    today = today or timezone.localdate()
    if event.status == EventStatus.CANCELLED:
        raise ValidationError("This event was cancelled: there is no register to take.")
    if local(event.starts_at).date() > today:
        raise ValidationError("You can take the register from the day of the event.")
    errors: dict[str, str] = {}
    attendances = {
        row.pk: row
        for row in event.attendances.exclude(response=Response.DECLINED).select_related("person")
    }
    length = Decimal(str(round(event.hours, 2))).normalize()
    for pk, mark in marks.items():
        row = attendances.get(pk)
        if row is None:
            raise ValidationError("Someone on the register was not asked to this event.")
        if mark.attended and mark.attended not in Attended.values:
            errors[f"attended_{pk}"] = "Choose present, sent apologies or did not attend."
        hours = mark.hours_attended
        if hours is not None and (mark.attended != Attended.PRESENT or not 0 < hours <= length):
            errors[f"hours_{pk}"] = (
                f"Hours for {row.person.display_name} must be more than 0 and no more than the "
                f"event's {length:f} hours, and only for someone present."
            )
    if errors:
        raise ValidationError(errors)
    changed = []
    for pk, mark in marks.items():
        row = attendances[pk]
        row.attended = mark.attended
        row.hours_attended = mark.hours_attended
        if mark.attended == Attended.PRESENT and row.involvement_id is None:
            row.involvement = record_involvement(
                row.person,
                InvolvementKind.EVENT,
                local(event.starts_at).date(),
                event.title[:200],
                project=event.project,
            )
        elif mark.attended != Attended.PRESENT and row.involvement is not None:
            involvement = row.involvement
            row.involvement = None
            row.save()
            involvement.delete()
        row.save()
        changed.append(row)
    if any(row.attended for row in changed) and event.status in (
        EventStatus.PLANNED,
        EventStatus.READY,
    ):
        event.status = EventStatus.HELD
        event.save()
    return changed


# The calendar file


def calendar_file(event: Event) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Coproduce//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@coproduce")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    entry.add("description", event_message_details(event))
    if event.venue is not None and event.mode != EventMode.ONLINE:
        entry.add("location", f"{event.venue.name}, {' '.join(event.venue.address.split())}")
    elif event.online_link:
        entry.add("location", event.online_link)
    entry.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    calendar.add_component(entry)
    return bytes(calendar.to_ical())
