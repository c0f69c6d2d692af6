"""An Open Contracting Data Standard (OCDS 1.1) release package for one tender: the tender
with its lots and items, bid statistics (bids extension), and awards with their suppliers.

Nothing about the evaluation panel is published: no evaluator, lay or officer, appears.
Amounts are pounds and pence, written as JSON numbers as the standard requires.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count

from coproduce.procurement.models import Bid, BidStatus, Tender, TenderStatus

from .models import Award

LOTS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/"
    "v1.1.5/extension.json"
)
BIDS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
    "v1.1.5/extension.json"
)
# Our tender status in the OCDS tenderStatus codelist.
TENDER_STATUS = {
    TenderStatus.DRAFT: "planned",
    TenderStatus.OPEN: "active",
    TenderStatus.EVALUATION: "active",
    TenderStatus.SCORING: "active",
    TenderStatus.AWARDED: "complete",
    TenderStatus.CANCELLED: "cancelled",
}


def ocid(tender: Tender) -> str:
    return f"{settings.OCDS_OCID_PREFIX}{tender.pk}"


def _amount(value: Decimal) -> dict[str, Any]:
    # JSON has no decimal type: a float of pounds and pence prints back exactly.
    return {"amount": float(value), "currency": "GBP"}


def _award_status(award: Award) -> str:
    """Pending until the contract is entered into (standstill included), then active."""
    return "active" if award.contract_entered_on else "pending"


def _iso(day: datetime.date) -> str:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC).isoformat()


def release_package(tender: Tender, uri: str, published: datetime.datetime) -> dict[str, Any]:
    organisation = tender.organisation
    lots = list(tender.lots.order_by("number"))
    counts = dict(
        Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED)
        .values("lot__number")
        .annotate(n=Count("pk"))
        .values_list("lot__number", "n")
    )
    awards = list(
        Award.objects.filter(tender=tender, signed_off_at__isnull=False, notice_date__isnull=False)
        .select_related("lot", "winning_bid__bidder")
        .order_by("lot__number")
    )
    buyer = {"id": f"organisation-{organisation.pk}", "name": organisation.name}
    parties = [{**buyer, "roles": ["buyer", "procuringEntity"]}]
    suppliers: dict[int, dict[str, str]] = {}
    for award in awards:
        bidder = award.winning_bid.bidder
        suppliers[bidder.pk] = {"id": f"bidder-{bidder.pk}", "name": bidder.name}
    parties += [{**supplier, "roles": ["supplier", "tenderer"]} for supplier in suppliers.values()]
    lot_items = []
    ocds_lots = []
    for lot in lots:
        entry: dict[str, Any] = {"id": str(lot.number), "title": lot.title, "status": "active"}
        if lot.description:
            entry["description"] = lot.description
        if lot.estimated_value is not None:
            entry["value"] = _amount(lot.estimated_value)
        ocds_lots.append(entry)
        lot_items.append(
            {"id": f"lot-{lot.number}", "description": lot.title, "relatedLot": str(lot.number)}
        )
    ocds_tender: dict[str, Any] = {
        "id": tender.reference,
        "title": tender.title,
        "status": TENDER_STATUS.get(TenderStatus(tender.status), "active"),
        "procuringEntity": buyer,
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": (
            f"Quality {tender.quality_weight}%, price {tender.price_weight}% "
            f"({tender.get_price_formula_display()})."
        ),
        "items": lot_items,
        "lots": ocds_lots,
        "numberOfTenderers": tender.bidders.filter(bids__status=BidStatus.SUBMITTED)
        .distinct()
        .count(),
    }
    if tender.description:
        ocds_tender["description"] = tender.description
    release: dict[str, Any] = {
        "ocid": ocid(tender),
        "id": f"{ocid(tender)}-{published:%Y%m%dT%H%M%S}",
        "date": published.isoformat(),
        "tag": ["tender", "award"] if awards else ["tender"],
        "initiationType": "tender",
        "language": "en",
        "parties": parties,
        "buyer": buyer,
        "tender": ocds_tender,
        "bids": {
            "statistics": [
                {
                    "id": f"lot-{lot.number}-bids",
                    "measure": "bids",
                    "value": counts.get(lot.number, 0),
                    "relatedLot": str(lot.number),
                }
                for lot in lots
            ]
        },
    }
    if awards:
        release["awards"] = [
            {
                "id": f"award-{award.pk}",
                "title": f"Lot {award.lot.number}: {award.lot.title}",
                "status": _award_status(award),
                "date": _iso(award.notice_date),  # type: ignore[arg-type]
                "suppliers": [suppliers[award.winning_bid.bidder_id]],
                "relatedLots": [str(award.lot.number)],
                **(
                    {"value": _amount(award.winning_bid.price)}
                    if award.winning_bid.price is not None
                    else {}
                ),
            }
            for award in awards
        ]
    return {
        "uri": uri,
        "version": "1.1",
        "extensions": [LOTS_EXTENSION, BIDS_EXTENSION],
        "publishedDate": published.isoformat(),
        "publisher": {"name": organisation.name},
        "releases": [release],
    }
