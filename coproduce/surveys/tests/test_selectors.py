"""Results figures: counts, percentages from shown figures only, suppression with its
complements, filters and cross-tabulations."""

from decimal import Decimal

import pytest

from coproduce.surveys import selectors, services
from coproduce.surveys.models import QuestionKind, ResponseSource
from coproduce.testing.factories import OrganisationFactory

from .factories import make_question, make_response, make_survey

K = QuestionKind
pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    survey = make_survey(OrganisationFactory())
    make_question(survey, text="Overall")
    make_question(survey, K.MULTIPLE_CHOICE, text="Used")
    make_question(survey, K.RANKING, text="Order")
    make_question(survey, K.MATRIX, text="Grid")
    make_question(survey, K.NUMBER, text="Hours")
    services.open_survey(survey)
    return survey


def _questions(survey):
    return {q.text: q for q in services.questions_in_order(survey)}


def test_counts_percentages_and_suppression(survey):
    q = _questions(survey)
    for n in range(10):
        make_response(
            survey,
            {
                q["Overall"]: "Agree" if n < 7 else "Disagree",
                q["Used"]: ["Agree", "Not sure"] if n < 6 else ["Agree"],
                q["Order"]: ["Disagree", "Agree", "Not sure"],
                q["Grid"]: {"Staff": "Agree", "Venue": "Agree" if n < 8 else "Disagree"},
                q["Hours"]: Decimal(n),
            },
            source=ResponseSource.PAPER if n < 5 else ResponseSource.ONLINE,
        )
    make_response(survey, {q["Overall"]: "Agree"}, submit=False)  # not sent: not counted
    total, figures = selectors.results(survey)
    by = {f.question.text: f for f in figures}
    assert total.value == 10
    overall = {row.label: row for row in by["Overall"].rows}
    # 3 is hidden; 7 with it (else 10 - 7 gives it away); 0 is shown as 0.
    assert overall["Agree"].cell.value is None and overall["Disagree"].cell.value is None
    assert overall["Not sure"].cell.value == 0
    used = {row.label: row for row in by["Used"].rows}
    assert used["Agree"].cell.value == 10 and used["Agree"].percent == Decimal("100.0")
    assert used["Not sure"].cell.value == 6 and used["Not sure"].percent == Decimal("60.0")
    assert by["Order"].ranking[0] == ("Disagree", Decimal("1.0"))
    grid = by["Grid"].table
    assert grid is not None and grid.rows[0][0] == "Staff"
    venue = grid.rows[1][1]
    assert venue[grid.columns.index("Disagree")].value is None  # 2: hidden
    assert grid.rows[0][1][grid.columns.index("Not sure")].value == 0
    assert by["Hours"].number_summary == {
        "smallest": Decimal(0),
        "largest": Decimal(9),
        "mean": Decimal("4.5"),
    }
    paper = selectors.Filters(source=ResponseSource.PAPER)
    assert selectors.results(survey, paper)[0].value == 5
    picked = selectors.Filters(question=q["Used"], answer="Not sure")
    assert selectors.results(survey, picked)[0].value == 6


def test_crosstab_by_source_and_by_another_question(survey):
    q = _questions(survey)
    for n in range(12):
        make_response(
            survey,
            {q["Overall"]: "Agree" if n % 2 else "Disagree", q["Used"]: ["Agree"]},
            source=ResponseSource.PAPER if n < 6 else ResponseSource.PHONE,
        )
    table = selectors.crosstab(survey, q["Overall"], "source", "How given").table
    rows = {row: [cell.value for cell in cells] for row, cells, _ in table.rows}
    columns = list(table.columns)
    assert rows["Agree"][columns.index("On paper")] is None  # 3: hidden
    assert table.total.value == 12
    other = make_survey(survey.organisation)
    with pytest.raises(ValueError):
        selectors.crosstab(survey, q["Overall"], f"question:{make_question(other).pk}", "x")
    by_itself = selectors.crosstab(survey, q["Overall"], f"question:{q['Overall'].pk}", "x")
    diagonal = {row: cells for row, cells, _ in by_itself.table.rows}
    assert diagonal["Agree"][by_itself.table.columns.index("Agree")].value == 6
    assert diagonal["Agree"][by_itself.table.columns.index("Disagree")].value == 0


def test_export_rows_stream_in_chunks(survey, monkeypatch):
    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 2)
    q = _questions(survey)
    for n in range(5):
        make_response(survey, {q["Hours"]: Decimal(n)})
    rows = list(selectors.export_rows(survey))
    assert [row[-1] for row in rows] == ["0", "1", "2", "3", "4"]
