import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft4Validator
from openpyxl import load_workbook
from pypdf import PdfReader
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from coproduce.accounts.models import Role
from coproduce.awards import services
from coproduce.awards.models import Award, FeedbackComment, FeedbackSession
from coproduce.awards.tests.factories import decision_maker, make_award, make_moderated_tender
from coproduce.procurement.tests.factories import bidder_user
from coproduce.testing.factories import member

pytestmark = pytest.mark.django_db

LAY_NAMES = ("Pat Evans", "Jo Carter")


@pytest.fixture
def world():
    return make_moderated_tender()


def test_totals_page_ranks_flags_and_keeps_query_count_flat(
    client, world, django_assert_max_num_queries
):
    client.force_login(member(world.tender.organisation, Role.COMMISSIONER))
    url = reverse("awards:totals", args=[world.tender.pk])
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "87.92" in page and "65.00" in page
    assert page.index("Carers First") < page.index("Northshire Care")


def test_a_quality_evaluator_never_sees_totals_or_prices(client, world):
    # The officer on the panel is a commissioner, but scores quality: no prices for them.
    client.force_login(world.officer.user)
    assert client.get(reverse("awards:totals", args=[world.tender.pk])).status_code == 403
    assert client.get(reverse("awards:marks", args=[world.tender.pk])).status_code == 403
    assert client.get(reverse("awards:ocds", args=[world.tender.pk])).status_code == 403


def test_marks_spreadsheet_has_summary_lot_and_individual_sheets_without_names(client, world):
    client.force_login(member(world.tender.organisation, Role.COMMISSIONER))
    response = client.get(reverse("awards:marks", args=[world.tender.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Lot 1", "Individual scores"]
    summary = list(book["Summary"].iter_rows(values_only=True))
    header = summary[3]
    assert header[:7] == (
        "Lot",
        "Bidder",
        "Quality",
        "Price (£)",
        "Price score",
        "Total (out of 100)",
        "Rank",
    )
    first = summary[4]
    assert first[1] == "Carers First"
    assert Decimal(str(first[5])) == Decimal("87.92") and first[6] == 1
    lot = list(book["Lot 1"].iter_rows(values_only=True))
    assert lot[1][3:] == (
        "Carers First: agreed score",
        "Carers First: weighted",
        "Northshire Care: agreed score",
        "Northshire Care: weighted",
    )
    assert lot[2][0] == "Quality of support" and lot[2][3] == 4
    assert Decimal(str(lot[2][4])) == Decimal("35")
    assert lot[-1][1] == "Quality subtotal" and Decimal(str(lot[-1][4])) == Decimal("61.25")
    scores = list(book["Individual scores"].iter_rows(values_only=True))
    codes = [e.code for e in sorted([*world.lay, world.officer], key=lambda e: (e.kind, e.code))]
    assert scores[0] == ("Lot", "Bidder", "Question", *codes)
    assert len(scores) == 1 + 2 * 2  # a row per answer: 2 bids × 2 questions
    lay_first = codes.index(world.lay[0].code)
    officer = codes.index(world.officer.code)
    assert scores[1][:3] == (1, "Carers First", 1)
    assert (scores[1][3 + lay_first], scores[1][3 + officer]) == (4, 3)
    everything = json.dumps(
        [list(r) for s in book for r in s.iter_rows(values_only=True)], default=str
    )
    for name in LAY_NAMES:
        assert name not in everything


def test_record_award_keeps_what_was_typed_and_asks_for_a_reason(client, world):
    client.force_login(world.lead)
    url = reverse("awards:create", args=[world.tender.pk])
    lot = world.tender.lots.get()
    response = client.post(
        url,
        {
            "lot": lot.pk,
            "winning_bid": world.bids[1].pk,
            "reason_not_preferred": "",
            "standstill_days": "9",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The panel&#x27;s marks ranked Carers First first" in page
    assert 'value="9"' in page
    response = client.post(
        url,
        {
            "lot": lot.pk,
            "winning_bid": world.bids[1].pk,
            "reason_not_preferred": "Carers First withdrew.",
            "standstill_days": "8",
        },
    )
    award = Award.objects.get()
    assert response.status_code == 302 and award.winning_bid == world.bids[1]


def test_sign_off_then_dates_then_tell(client, world):
    award = make_award(world, signed=False)
    dee = decision_maker(world)
    client.force_login(dee)
    response = client.post(reverse("awards:sign-off", args=[award.pk]), {"sign_off_note": ""})
    assert (
        response.status_code == 400 and "Write a note of the decision." in response.content.decode()
    )
    client.post(reverse("awards:sign-off", args=[award.pk]), {"sign_off_note": "Cabinet, 1 March."})
    award.refresh_from_db()
    assert award.signed_off_by == dee
    client.force_login(world.lead)
    response = client.post(
        reverse("awards:dates", args=[award.pk]),
        {"notice_date": "2026-03-02", "contract_entered_on": "2026-03-05"},
    )
    assert response.status_code == 400
    assert "The standstill period ends on Wednesday 11 March 2026" in response.content.decode()
    client.post(
        reverse("awards:dates", args=[award.pk]),
        {"notice_date": "2026-03-02", "contract_entered_on": ""},
    )
    award.refresh_from_db()
    assert award.standstill_ends_on == datetime.date(2026, 3, 11)
    response = client.post(reverse("awards:tell", args=[award.pk]))
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.lay_evaluators_told_at is not None


def test_tell_before_standstill_ends_says_when(client, world):
    award = make_award(world, notice_date=timezone.localdate())
    client.force_login(world.lead)
    response = client.post(reverse("awards:tell", args=[award.pk]))
    assert response.status_code == 400
    assert "You can tell the lay evaluators after that." in response.content.decode()


def test_bidder_reads_its_summary_after_the_notice_with_no_evaluator_named(client, world):
    award = make_award(world, signed=True)
    loser = bidder_user(world.bidders[1])
    url = reverse("awards:summary", args=[award.pk, world.bids[1].pk])
    client.force_login(loser)
    assert client.get(url).status_code == 404  # not published yet
    services.record_dates(award, notice_date=datetime.date(2026, 3, 2), contract_entered_on=None)
    page = client.get(url).content.decode()
    assert "Rationale for Northshire Care on question 1." in page
    assert "61.25" in page  # the winner's quality mark
    for name in (*LAY_NAMES, world.officer.user.display_name):
        assert name not in page
    for evaluator in [*world.lay, world.officer]:
        assert evaluator.code not in page
    pdf = client.get(reverse("awards:summary-pdf", args=[award.pk, world.bids[1].pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Rationale for Northshire Care on question 1." in text
    for name in LAY_NAMES:
        assert name not in text


def test_a_bidder_cannot_read_another_bidders_summary(client, world):
    award = make_award(world, notice_date=datetime.date(2026, 3, 2))
    client.force_login(bidder_user(world.bidders[1]))
    other = reverse("awards:summary", args=[award.pk, world.bids[0].pk])
    assert client.get(other).status_code == 403


def test_panel_report_labels_evaluators_and_never_names_them(client):
    world = make_moderated_tender(individual={1: (4, 4, 1), 2: (3, 3, 3)})
    client.force_login(member(world.tender.organisation, Role.FACILITATOR))
    page = client.get(reverse("awards:panel-report", args=[world.tender.pk])).content.decode()
    assert world.lay[0].code in page and world.officer.code in page
    for name in LAY_NAMES:
        assert name not in page


def test_feedback_session_and_anonymous_comment(client, world):
    client.force_login(member(world.tender.organisation, Role.FACILITATOR))
    response = client.post(
        reverse("awards:feedback", args=[world.tender.pk]), {"held_on": "", "summary": "Good"}
    )
    assert (
        response.status_code == 400
        and "Enter the date of the session." in response.content.decode()
    )
    client.post(
        reverse("awards:feedback", args=[world.tender.pk]),
        {"held_on": "2026-04-01", "summary": "Good"},
    )
    session = FeedbackSession.objects.get()
    url = reverse("awards:feedback-session", args=[session.pk])
    client.post(url, {"comment": "I felt heard.", "evaluator": world.lay[0].pk})
    client.post(url, {"comment": "Too much to read.", "evaluator": ""})
    assert [(c.comment, c.evaluator_id) for c in FeedbackComment.objects.order_by("pk")] == [
        ("I felt heard.", world.lay[0].pk),
        ("Too much to read.", None),
    ]
    page = client.get(url).content.decode()
    assert "Anonymous" in page and world.lay[0].code in page


def test_ocds_package_has_tender_lots_bids_and_award_and_no_evaluators(client, world):
    award = make_award(world, notice_date=datetime.date(2026, 3, 2))
    client.force_login(decision_maker(world))
    package = client.get(reverse("awards:ocds", args=[world.tender.pk])).json()
    assert_valid_ocds_1_1(package)
    (release,) = package["releases"]
    assert release["ocid"] == f"ocds-coproduce-{world.tender.pk}"
    assert release["tag"] == ["tender", "award"]
    assert release["bids"]["statistics"][0]["value"] == 2
    (ocds_award,) = release["awards"]
    assert ocds_award["suppliers"][0]["name"] == "Carers First"
    assert ocds_award["value"] == {"amount": 90000.0, "currency": "GBP"}
    assert ocds_award["status"] == "pending"
    assert ocds_award["id"] == f"award-{award.pk}"
    text = json.dumps(package)
    for name in (*LAY_NAMES, world.officer.user.display_name):
        assert name not in text
    assert_ocds_1_1_shape(package)


OCDS_SCHEMA = Path(__file__).resolve().parents[3] / "var" / "ocds-schema"


def assert_valid_ocds_1_1(package):
    """Valid against the official OCDS 1.1 JSON schemas (draft-04), which `make setup` takes
    from pinned PyPI source distributions into var/ocds-schema/ (see the Makefile). The package
    schema is 1.1.5; its release schema is resolved locally to the newest one on PyPI, 1.1.4.
    The lots and bids extensions' fields are allowed by the core schema, not checked by it."""
    assert (OCDS_SCHEMA / ".extracted").exists(), "run `make setup` to fetch the OCDS schema"
    package_schema = json.loads((OCDS_SCHEMA / "release-package-schema.json").read_text())
    release_schema = json.loads((OCDS_SCHEMA / "release-schema.json").read_text())
    release_ref = package_schema["properties"]["releases"]["items"]["$ref"]
    release = Resource.from_contents(release_schema, default_specification=DRAFT4)
    registry = Registry().with_resources([(release_ref, release), (release_schema["id"], release)])
    validator = Draft4Validator(package_schema, registry=registry)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]
    assert errors == []


def assert_ocds_1_1_shape(package):
    """What the schema leaves to the standard's documentation or to this export: dates that
    parse (formats are not checked), ids that point at parties and lots, no nulls where the
    schema allows them, and the extension fields (lots, bids) the core schema lets through."""
    assert package["version"] == "1.1" and package["publisher"]["name"]
    datetime.datetime.fromisoformat(package["publishedDate"])
    for release in package["releases"]:
        datetime.datetime.fromisoformat(release["date"])
        assert release["tender"]["status"] in {"planned", "active", "cancelled", "complete"}
        party_ids = {party["id"] for party in release["parties"]}
        assert release["buyer"]["id"] in party_ids
        lot_ids = {lot["id"] for lot in release["tender"]["lots"]}
        assert {item["relatedLot"] for item in release["tender"]["items"]} <= lot_ids
        for statistic in release["bids"]["statistics"]:
            assert {"id", "measure", "value"} <= set(statistic)
            assert statistic["relatedLot"] in lot_ids
        for award in release.get("awards", []):
            assert award["status"] in {"pending", "active", "cancelled", "unsuccessful"}
            datetime.datetime.fromisoformat(award["date"])
            assert {s["id"] for s in award["suppliers"]} <= party_ids
            assert set(award["relatedLots"]) <= lot_ids
            assert isinstance(award["value"]["amount"], (int, float))


def test_ocds_package_before_any_award_is_valid(client, world):
    client.force_login(decision_maker(world))
    package = client.get(reverse("awards:ocds", args=[world.tender.pk])).json()
    assert_valid_ocds_1_1(package)
    assert package["releases"][0]["tag"] == ["tender"] and "awards" not in package["releases"][0]
    assert_ocds_1_1_shape(package)
