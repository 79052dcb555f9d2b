"""Tables, scorecards and 'respectively' lists: the generic readers and the FinancialResults read from them.

The articles are written for these tests.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.records import Amount, Article
from pipelines.extractors.coordination import conjuncts, listed, pair_respectively
from pipelines.extractors.tables import doc_blocks, is_figure, row_at
from pipelines.run import process


def _results(nlp, text: str, date: str = "2024-02-01") -> list[tuple[str, str, object, object]]:
    (result,) = list(process([Article(text=text, date=date)], nlp))
    return sorted(
        (
            e.roles["organization"][0].label,  # type: ignore[union-attr]
            str(e.roles["period"][0]),
            e.roles.get("revenue", (None,))[0],
            e.roles.get("growthRate", (None,))[0],
        )
        for e in result.events
        if e.type == "FinancialResult"
    )


def _usd(value: str) -> Amount:
    return Amount(value=Decimal(value), currency="USD")


def test_blocks_of_every_shape_with_header_and_lead(nlp):
    text = (
        "Quillon Systems gave its numbers on Monday.\n"
        "| Quarter | Revenue ($bn) |\n|---|---|\n| Q1 2023 | 4.1 |\n"
        "Aligned columns follow.\nQuarter\tRevenue\nQ1 2023\t$4bn\nQ2 2023\t$5bn\n"
        "Highlights:\nCloud revenue: $3 billion\n"
    )
    doc = nlp(text)
    blocks = doc_blocks(doc)
    assert [(b.kind, b.header, len(b.rows)) for b in blocks] == [
        ("pipe", ("Quarter", "Revenue ($bn)"), 1),
        ("columns", ("Quarter", "Revenue"), 2),
        ("list", (), 1),
    ]
    assert [b.lead.text.strip() for b in blocks if b.lead is not None] == [
        "Quillon Systems gave its numbers on Monday.",
        "Aligned columns follow.",
        "Highlights:",
    ]
    assert blocks[0].cells(blocks[0].rows[0]) == {"Quarter": "Q1 2023", "Revenue ($bn)": "4.1"}
    assert blocks[2].cells(blocks[2].rows[0]) == {"label": "Cloud revenue", "value": "$3 billion"}
    row_sents = [s for s in doc.sents if row_at(s) is not None]
    assert [s.text.strip() for s in row_sents][0] == "| Q1 2023 | 4.1 |"


@pytest.mark.parametrize(("cell", "figure"), [("42%", True), ("$4.1bn", True), ("4.1", True), ("2022", False)])
def test_a_year_is_no_figure(cell, figure):
    assert is_figure(cell) is figure


def test_prose_with_double_spaces_is_no_table(nlp):
    text = (
        "Quillon Systems said its revenue rose sharply in the year to March.  The board approved a dividend.\n"
        "Analysts at several banks welcomed the figures.  Shares closed higher on the news in New York.\n"
    )
    assert doc_blocks(nlp(text)) == ()


def test_quarterly_revenue_table_in_an_html_page(nlp, tmp_path):
    from pipelines.ingest import read_articles

    page = tmp_path / "results.html"
    page.write_text(
        "<html><head><title>Quillon results</title><meta name='date' content='2023-08-02'></head><body><article>"
        "<h1>Quillon keeps growing</h1><p>Quillon Systems, the storage software maker, published its figures "
        "for the first half on Tuesday. Its revenue by quarter:</p><table><thead><tr><th>Quarter</th>"
        "<th>Revenue ($m)</th><th>Growth (%)</th></tr></thead><tbody>"
        "<tr><td>Q1 2023</td><td>410</td><td>42</td></tr><tr><td>Q2 2023</td><td>455</td><td>38</td></tr>"
        "</tbody></table><p>The company did not give a forecast for the rest of the year.</p></article></body></html>",
        encoding="utf-8",
    )
    (result,) = process(list(read_articles([page])), nlp)
    rows = sorted(
        (str(e.roles["period"][0]), e.roles["revenue"][0], e.roles["growthRate"][0])
        for e in result.events
        if e.type == "FinancialResult"
    )
    assert rows == [
        ("2023-Q1", _usd("410000000"), Decimal("0.42")),
        ("2023-Q2", _usd("455000000"), Decimal("0.38")),
    ]
    assert {e.roles["organization"][0].label for e in result.events if e.type == "FinancialResult"} == {
        "Quillon Systems"
    }


def test_text_table_of_providers_under_a_lead_naming_the_period(nlp):
    text = (
        "Cloud revenue in the fourth quarter of 2023 was compared across the big providers.\n"
        "Provider\tRevenue\tGrowth\n"
        "Amazon Web Services\t$24.2bn\t13%\n"
        "Google Cloud\t$9.2bn\t26%\n"
    )
    assert _results(nlp, text) == [
        ("Amazon Web Services", "2023-Q4", _usd("24200000000"), Decimal("0.13")),
        ("Google Cloud", "2023-Q4", _usd("9200000000"), Decimal("0.26")),
    ]


def test_bullet_scorecard_under_a_lead_naming_the_quarter(nlp):
    text = (
        "Microsoft reported results for its fiscal second quarter on Tuesday. The highlights:\n"
        "- Azure: up 31%\n"
        "- Intelligent Cloud revenue: $25.9 billion, up 20%\n"
        "- Operating income: $27 billion, up 33%\n"
        "- Shares: up 2%\n"
        "Executives said demand stayed strong."
    )
    assert _results(nlp, text) == [("Microsoft Azure", "FY2024-Q2", None, Decimal("0.31"))]


def test_bullet_revenue_line_names_its_company(nlp):
    text = (
        "Alphabet posted results for the fourth quarter of 2023.\n"
        "• Google Cloud revenue: $9.2 billion, up 26%\n"
        "• Search: $48 billion\n"
    )
    assert _results(nlp, text) == [("Google Cloud", "2023-Q4", _usd("9200000000"), Decimal("0.26"))]


def test_respectively_gives_each_name_its_rate(nlp):
    text = (
        "Amazon Web Services, Microsoft Azure and Google Cloud grew 13%, 28% and 22%, respectively, "
        "in the third quarter of 2023."
    )
    assert _results(nlp, text) == [
        ("Amazon Web Services", "2023-Q3", None, Decimal("0.13")),
        ("Google Cloud", "2023-Q3", None, Decimal("0.22")),
        ("Microsoft Azure", "2023-Q3", None, Decimal("0.28")),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # a table of operating income: no revenue, and its change is the income's
        "Quillon Systems posted its figures on Monday.\n| Quarter | Operating income ($bn) | Change (%) |\n"
        "| Q1 2023 | 4.1 | 42 |\n| Q2 2023 | 4.4 | 30 |\nThat was all.",
        # no company named anywhere
        "Revenue by quarter:\n| Quarter | Revenue ($bn) | Growth (%) |\n| Q1 2023 | 4.1 | 42 |\nThat was all.",
        # rows named by segments, not companies
        "Quillon Systems reported results for the first quarter of 2023.\n| Segment | Revenue ($bn) |\n"
        "| Storage | 1.2 |\n| Services | 0.8 |\n",
        # two companies in the lead: whose figures is unclear
        "Quillon Systems and Harrow Data reported results for the first quarter of 2023. Revenue:\n"
        "- Total revenue: $3 billion, up 5%\n",
        # a forecast, not a result
        "Quillon Systems gave its outlook for the first quarter of 2024:\n- Revenue: $3 billion, up 5%\n",
        # rates of market shares, not revenue
        "Amazon Web Services and Microsoft Azure held market shares of 31% and 25%, respectively, in 2023.",
    ],
)
def test_unclear_tables_and_lists_give_nothing(nlp, text):
    assert _results(nlp, text) == []


def test_conjuncts_and_respectively_pairing(nlp):
    doc = nlp("The fund bought Harrow, Pinecrest and Lumen last year.")
    first = next(t for t in doc if t.text == "Pinecrest")
    assert [t.text for t in conjuncts(first)] == ["Harrow", "Pinecrest", "Lumen"]
    assert pair_respectively(["a", "b"], [1, 2]) == [("a", 1), ("b", 2)]
    assert pair_respectively(["a", "b"], [1]) == []
    assert pair_respectively(["a", "a"], [1, 2]) == []


def test_lists_of_names_read_from_the_words_between_them(nlp):
    doc = nlp("Oracle, IBM as well as SAP reported higher sales, while Dell did not.")
    spans = [(0, 1), (2, 3), (6, 7), (12, 13)]  # Oracle, IBM, SAP, Dell
    assert [doc[s:e].text for s, e in spans] == ["Oracle", "IBM", "SAP", "Dell"]
    assert listed(doc, spans) == [[0, 1, 2]]


def test_space_aligned_table_under_the_company_named_before(nlp):
    text = (
        "Quillon Systems published figures on Monday.\n"
        "Quarter      Revenue ($m)    Growth (%)\n"
        "Q1 2023      410              42\n"
        "Q2 2023      455              -3\n"
        "The shares were unchanged."
    )
    assert _results(nlp, text) == [
        ("Quillon Systems", "2023-Q1", _usd("410000000"), Decimal("0.42")),
        ("Quillon Systems", "2023-Q2", _usd("455000000"), Decimal("-0.03")),
    ]
