"""The marks spreadsheet (XLSX) in the layout procurement teams expect.

- "Summary": one row per bid, lot by lot: quality subtotal, price, price score, total, rank and
  the tie and abnormally-low flags;
- one sheet per lot: a row per question (criterion, question, weight) and, per bidder, the
  agreed (consensus) score and the weighted score, with the quality subtotal at the foot;
- "Individual scores": a row per answer (lot, bidder, question) and a column per evaluator,
  headed by their label only ("Lay evaluator A"), never by name: a staff document, but one
  that may be disclosed. Blank where they did not score it (not assigned, or excluded by a
  conflict of interest).
"""

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from coproduce.procurement.models import Tender

from . import selectors


def _yes(flag: bool) -> str:
    return "Yes" if flag else ""


def marks_workbook(tender: Tender) -> bytes:
    workbook = Workbook(write_only=True)
    lots = selectors.tender_totals(tender)
    _summary(workbook.create_sheet("Summary"), tender, lots)
    for lot in lots:
        _lot_sheet(workbook.create_sheet(f"Lot {lot.lot.number}"[:31]), tender, lot)
    _individual_sheet(workbook.create_sheet("Individual scores"), tender)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _summary(sheet: Any, tender: Tender, lots: Iterable[selectors.LotTotals]) -> None:
    sheet.append([f"{tender.reference}: {tender.title}"])
    sheet.append(
        [
            "Quality weight",
            tender.quality_weight,
            "Price weight",
            tender.price_weight,
            "Price formula",
            tender.get_price_formula_display(),
        ]
    )
    sheet.append([])
    sheet.append(
        [
            "Lot",
            "Bidder",
            "Quality",
            "Price (£)",
            "Price score",
            "Total (out of 100)",
            "Rank",
            "Tied",
            "Abnormally low price",
            "Fully moderated",
        ]
    )
    for lot in lots:
        for row in lot.rows:
            sheet.append(
                [
                    lot.lot.number,
                    row.bid.bidder.name,
                    row.quality,
                    row.bid.price,
                    row.price_score,
                    row.total,
                    row.rank,
                    _yes(row.tied),
                    _yes(row.abnormally_low),
                    _yes(row.complete) or "No",
                ]
            )


def _lot_sheet(sheet: Any, tender: Tender, lot: selectors.LotTotals) -> None:
    header: list[Any] = ["Criterion", "Question", "Weight"]
    for row in lot.rows:
        header += [f"{row.bid.bidder.name}: agreed score", f"{row.bid.bidder.name}: weighted"]
    sheet.append([f"Lot {lot.lot.number}: {lot.lot.title}"])
    sheet.append(header)
    for question in lot.questions:
        line: list[Any] = [
            question.criterion.name,
            f"{question.number}. {question.text}",
            question.weight,
        ]
        for row in lot.rows:
            line += [row.consensus.get(question.pk), row.weighted.get(question.pk)]
        sheet.append(line)
    footer: list[Any] = ["", "Quality subtotal", tender.quality_weight]
    for row in lot.rows:
        footer += ["", row.quality]
    sheet.append(footer)


def _individual_sheet(sheet: Any, tender: Tender) -> None:
    codes = list(tender.evaluators.order_by("kind", "code").values_list("code", flat=True))
    column = {code: index for index, code in enumerate(codes)}
    sheet.append(["Lot", "Bidder", "Question", *codes])
    line: list[Any] = []
    for lot_number, bidder, question, code, score in selectors.individual_scores(tender):
        if line[:3] != [lot_number, bidder, question]:
            if line:
                sheet.append(line)
            line = [lot_number, bidder, question, *([None] * len(codes))]
        line[3 + column[code]] = score
    if line:
        sheet.append(line)
