"""Importing people and partner organisations, likely duplicates, and merging two records.

Upload (checked at once; a file with problems is not kept) -> preview (what will be added,
likely duplicates, a choice for each) -> confirm (checked again; small files are imported
at once, large ones by a background job) -> result, with the way to the merge screen.
"""

from dataclasses import asdict
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_POST

from coproduce.core.jobs import start_job
from coproduce.core.models import Job
from coproduce.core.views_helpers import require, scoped_or_404, staff_required

from . import import_services, services
from .duplicates import MAX_BLOCK
from .import_services import KINDS, ImportRejected
from .import_tasks import import_upload
from .importing import MAX_BYTES, MAX_ROWS, ImportFileError, plural, template_csv
from .models import AccessNeed, Channel, Format, Person, Voice

SESSION_TOKENS = "people_import_tokens"
SESSION_RESULT = "people_import_result"
PERMISSION = "people.change_person"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is in the file?",
        choices=list(KINDS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the file has people or organisations."},
    )
    file = forms.FileField(
        label="Upload a file",
        error_messages={
            "required": "Choose a CSV or Excel file to upload.",
            "empty": "The file is empty.",
        },
    )

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_BYTES:
            raise ValidationError(
                f"The file is {uploaded.size / 1024 / 1024:.1f} MB: the largest we can take "
                f"is {MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
            )
        return uploaded


ADD, SKIP = "add", "skip"


class ConfirmForm(forms.Form):
    """One choice per likely duplicate row (`row_<number>`), or one for them all."""

    all_duplicates = forms.ChoiceField(
        label="What should happen to the likely duplicates?",
        choices=[
            (SKIP, "Skip all of them: they are already in the register"),
            (ADD, "Add all of them as new records"),
            ("each", "Choose for each row below"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, duplicates: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duplicate_rows = [entry["row"] for entry in duplicates]
        if not duplicates:
            del self.fields["all_duplicates"]
        for entry in duplicates:
            rows_above = [m["row"] for m in entry["matches"] if m["person"] is None]
            skip = (
                f"Skip it: it repeats row {rows_above[0]} above"
                if len(rows_above) == len(entry["matches"])
                else "Skip it: they are already in the register"
            )
            self.fields[f"row_{entry['row']}"] = forms.ChoiceField(
                label=f"Row {entry['row']}: {entry['name']}",
                choices=[(SKIP, skip), (ADD, "Add as new")],
                widget=forms.RadioSelect,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("all_duplicates")
        if not self.duplicate_rows or choice in {ADD, SKIP}:
            return data
        if not choice:
            missing = [n for n in self.duplicate_rows if not data.get(f"row_{n}")]
            if not missing:
                return data
            self.add_error(
                "all_duplicates",
                "Choose what should happen to the likely duplicates: skip them all, add them "
                "all, or choose for each row.",
            )
            return data
        for number in self.duplicate_rows:
            if not data.get(f"row_{number}"):
                self.add_error(f"row_{number}", f"Choose whether to add row {number} or skip it.")
        return data

    def skip_rows(self) -> list[int]:
        choice = self.cleaned_data.get("all_duplicates")
        if choice in {ADD, SKIP}:
            return self.duplicate_rows if choice == SKIP else []
        return [n for n in self.duplicate_rows if self.cleaned_data.get(f"row_{n}") == SKIP]

    def row_field(self, number: int) -> forms.BoundField:
        return self[f"row_{number}"]


def _organisation(request: HttpRequest) -> Any:
    organisation = request.organisation  # type: ignore[attr-defined]
    require(request, PERMISSION, organisation)
    return organisation


def _upload_or_404(request: HttpRequest, token: str) -> import_services.Upload:
    """Only the person who uploaded the file, in the same session and organisation, may see
    or confirm it: for anyone else it does not exist."""
    organisation = _organisation(request)
    if token not in request.session.get(SESSION_TOKENS, []):
        raise Http404
    upload = import_services.find_upload(token, cast(int, request.user.pk), organisation.pk)
    if upload is None or upload.check is None:
        raise Http404
    return upload


def _remember(request: HttpRequest, token: str) -> None:
    tokens = [t for t in request.session.get(SESSION_TOKENS, []) if t != token][-9:]
    request.session[SESSION_TOKENS] = [*tokens, token]


def _forget(request: HttpRequest, token: str) -> None:
    request.session[SESSION_TOKENS] = [
        t for t in request.session.get(SESSION_TOKENS, []) if t != token
    ]


def _guidance(organisation: Any) -> dict[str, Any]:
    return {
        "max_mb": MAX_BYTES // 1024 // 1024,
        "max_rows": MAX_ROWS,
        "inline_rows": import_services.INLINE_ROWS,
        "people_columns": import_services.template_columns(import_services.PEOPLE, organisation),
        "partner_columns": import_services.template_columns(import_services.PARTNERS, organisation),
    }


@staff_required
def start(request: HttpRequest) -> HttpResponse:
    """Choose what the file holds and upload it; it is checked at once."""
    organisation = _organisation(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        uploaded = form.cleaned_data["file"]
        upload = import_services.store_upload(
            uploaded.chunks(), uploaded.name or "upload", kind, request.user, organisation
        )
        try:
            check, _, _ = import_services.check_file(
                upload.path, upload.filename, kind, organisation
            )
        except ImportFileError as error:
            import_services.discard_upload(upload.token)
            form.add_error("file", error.message)
        else:
            if check.problems:
                import_services.discard_upload(upload.token)
                problems = check.problems
                form.add_error(
                    "file",
                    f"The file has {plural(len(problems), 'problem')}, listed below. Nothing "
                    "has been imported. Fix them and upload the file again.",
                )
            else:
                upload.check = asdict(check)
                upload.save_meta()
                _remember(request, upload.token)
                return redirect("people_import:preview", token=upload.token)
    context = {"form": form, "problems": problems, **_guidance(organisation)}
    return render(request, "people/import/start.html", context)


@staff_required
def template_file(request: HttpRequest, kind: str) -> HttpResponse:
    """A CSV file with every heading and one example row."""
    organisation = _organisation(request)
    if kind not in KINDS:
        raise Http404
    columns = import_services.template_columns(kind, organisation)
    response = HttpResponse(
        "\ufeff" + template_csv(columns), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="coproduce-{kind}-template.csv"'
    return response


def _preview_context(upload: import_services.Upload, form: ConfirmForm) -> dict[str, Any]:
    check = import_services.Check(**upload.check)  # type: ignore[arg-type]
    importer = import_services.IMPORTERS[upload.kind]
    return {
        "upload": upload,
        "check": check,
        "form": form,
        "noun": importer.noun,
        "nouns": importer.nouns,
        "duplicates": [
            {**entry, "field": form.row_field(entry["row"]), "hint": _looks_like(entry)}
            for entry in check.duplicates
        ],
        "inline": check.rows <= import_services.INLINE_ROWS,
    }


def _looks_like(entry: dict[str, Any]) -> str:
    said = []
    for match in entry["matches"]:
        if match["person"] is not None:
            said.append(
                f"Looks like {match['name']}, already in the register (record "
                f"#{match['person']}): {match['reasons']}."
            )
        else:
            said.append(f"Looks like row {match['row']}, {match['name']}: {match['reasons']}.")
    return " ".join(said)


@staff_required
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the file will add, and its likely duplicates. POST: import it."""
    upload = _upload_or_404(request, token)
    organisation = request.organisation  # type: ignore[attr-defined]
    check = import_services.Check(**upload.check)  # type: ignore[arg-type]
    data = request.POST if request.method == "POST" else None
    form = ConfirmForm(data, duplicates=check.duplicates)
    if request.method == "POST" and form.is_valid():
        skip = form.skip_rows()
        _forget(request, token)
        if not import_services.claim_upload(upload):
            raise Http404  # confirmed already, in another request (a double click)
        if check.rows > import_services.INLINE_ROWS:
            job = start_job(
                organisation,
                request.user,
                f"Import {upload.filename}",
                import_upload,
                upload.token,
                request.user.pk,
                organisation.pk,
                skip,
            )
            return redirect("people_import:progress", pk=job.pk)
        try:
            result = import_services.import_file(
                upload.path,
                upload.filename,
                upload.kind,
                organisation,
                request.user,
                skip,
            )
        except (ImportRejected, ImportFileError) as error:
            problems = [str(problem) for problem in getattr(error, "problems", [])] or [
                getattr(error, "message", "The file cannot be read.")
            ]
            restart = UploadForm({"kind": upload.kind}, MultiValueDict())
            restart.is_valid()  # no file yet: say why one is needed again
            restart.errors["file"] = restart.error_class(
                [
                    "Nothing has been imported: the register has changed since the file was "
                    "checked. Fix the problems listed below and upload the file again."
                ]
            )
            context = {"form": restart, "problems": problems, **_guidance(organisation)}
            return render(request, "people/import/start.html", context)
        finally:
            import_services.discard_upload(token)
        request.session[SESSION_RESULT] = {
            "kind": result.kind,
            "summary": result.summary(),
            "to_review": result.to_review[:100],
            "more_to_review": max(0, len(result.to_review) - 100),
        }
        return redirect("people_import:done")
    return render(request, "people/import/preview.html", _preview_context(upload, form))


@staff_required
@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    _upload_or_404(request, token)
    import_services.discard_upload(token)
    _forget(request, token)
    messages.success(request, "The file was removed. Nothing was imported.")
    return redirect("people_import:start")


@staff_required
def done(request: HttpRequest) -> HttpResponse:
    _organisation(request)
    result = request.session.get(SESSION_RESULT)
    if not result:
        return redirect("people_import:start")
    pairs = result["to_review"]
    ids = {pk for pair in pairs for pk in pair}
    model = Person if result["kind"] == import_services.PEOPLE else None
    names = dict(model.objects.filter(pk__in=ids).values_list("pk", "name")) if model else {}
    review = [
        {"keep": keep, "duplicate": new, "keep_name": names.get(keep), "new_name": names.get(new)}
        for keep, new in pairs
    ]
    return render(
        request,
        "people/import/done.html",
        {"result": result, "review": review, "people": model is not None},
    )


@staff_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The background import's progress, with what to do next."""
    organisation = _organisation(request)
    job = scoped_or_404(request, Job, pk)
    require(request, "core.view_job", job)
    return render(
        request, "people/import/progress.html", {"job": job, "organisation": organisation}
    )


# Likely duplicates in the register, and merging -------------------------------------------


@staff_required
def duplicates(request: HttpRequest) -> HttpResponse:
    """Pairs of people in the register who are probably the same person. A fixed number of
    queries whatever the size: the register's count and latest change, every live record's
    name and contact details (unless the cache has the pairs), then the page's people."""
    organisation = _organisation(request)
    matches = import_services.register_duplicates(organisation)
    page = Paginator(matches, settings.COPRODUCE_PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [cast(int, pk) for m in page.object_list for pk in (m.first, m.second)]
    people = Person.objects.in_bulk(ids)
    pairs = [
        {
            "keep": people[cast(int, m.first)],
            "duplicate": people[cast(int, m.second)],
            "reasons": m.reasons,
        }
        for m in page.object_list
        if m.first in people and m.second in people
    ]
    return render(
        request,
        "people/import/duplicates.html",
        {"page": page, "pairs": pairs, "count": len(matches), "max_block": MAX_BLOCK},
    )


def _person(request: HttpRequest, value: Any) -> Person:
    try:
        pk = int(value)
    except (TypeError, ValueError) as bad:
        raise Http404 from bad
    return scoped_or_404(
        request,
        Person.objects.select_related("organisation").prefetch_related(
            "needs", "memberships__community", "consents"
        ),
        pk,
    )


def _details(person: Person) -> list[tuple[str, str]]:
    consents = [c.get_purpose_display() for c in person.consents.all() if not c.withdrawn_at]
    needs = [AccessNeed(need.need).label for need in person.needs.all()]
    return [
            ("Full name", person.name),
            ("What they like to be called", person.preferred_name),
            ("Email", person.email),
            ("Mobile phone", person.mobile),
            ("Landline", person.landline),
            ("Postal address", person.address),
            ("Postcode", person.postcode),
            ("Best way to contact", Channel(person.preferred_channel).label),
            ("Format for information", Format(person.preferred_format).label),
            ("Language", person.language),
            ("How they take part", Voice(person.voice).label),
            ("Group they represent", person.represents),
            ("Access and support needs", "; ".join(needs)),
            ("Communities", "; ".join(m.community.name for m in person.memberships.all())),
            ("Agreed to", "; ".join(consents)),
            ("Times involved", str(person.involvements.count())),
            ("Added to the register", f"{person.created_at:%d %B %Y}"),
        ]  # fmt: skip


@staff_required
def merge(request: HttpRequest) -> HttpResponse:
    """GET: the two records side by side. POST: merge the duplicate into the record kept."""
    source = request.POST if request.method == "POST" else request.GET
    keep = _person(request, source.get("keep"))
    duplicate = _person(request, source.get("duplicate"))
    require(request, PERMISSION, keep.organisation)
    require(request, PERMISSION, duplicate.organisation)
    error = ""
    if request.method == "POST":
        try:
            services.merge_people(keep, duplicate)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                f"Merged: {duplicate.name} (record #{duplicate.pk}) is now part of "
                f"{keep.name} (record #{keep.pk}). Both histories are kept.",
            )
            return redirect("people:detail", pk=keep.pk)
    elif keep.pk == duplicate.pk:
        error = "Choose two different people to merge."
    elif keep.organisation_id != duplicate.organisation_id:
        error = "People from different organisations cannot be merged."
    elif duplicate.merged_into_id or keep.merged_into_id:
        error = "One of these records has already been merged."
    swap = reverse("people_import:merge") + f"?keep={duplicate.pk}&duplicate={keep.pk}"
    rows = [
        (label, kept, other)
        for (label, kept), (_, other) in zip(_details(keep), _details(duplicate), strict=True)
    ]
    context = {"keep": keep, "duplicate": duplicate, "rows": rows, "error": error, "swap": swap}
    return render(request, "people/import/merge.html", context)
