"""pipelines.ingest: files, folders, JSONL feeds and stdin become `Article`s or `Skipped`s."""

from __future__ import annotations

import io
import logging
import re
import sys
from pathlib import Path

import pytest

from graph.records import Article
from pipelines.errors import InputError, SkipArticle
from pipelines.ingest import (
    Skipped,
    decode_bytes,
    html_date,
    normalise_date,
    parse_html,
    read_articles,
    read_file,
)

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"


def _one(path: Path) -> Article | Skipped:
    items = list(read_file(path))
    assert len(items) == 1, items
    return items[0]


def _article(path: Path) -> Article:
    item = _one(path)
    assert isinstance(item, Article), item
    return item


# ---------------------------------------------------------------------------
# Text and Markdown
# ---------------------------------------------------------------------------


def test_front_matter_gives_metadata_and_is_removed_from_the_body() -> None:
    article = _article(ARTICLES / "frontmatter.txt")
    assert article.title == "Northwind Freight shifts its booking platform to AWS"
    assert article.date == "2022-03-14"
    assert article.url == "https://news.example/frontmatter"
    assert article.publisher == "Test Wire"
    assert article.text.startswith(
        "Northwind Freight is moving its booking platform from Microsoft Azure to Amazon Web Services"
    )
    assert "---" not in article.text and "publisher:" not in article.text
    assert article.source == str(ARTICLES / "frontmatter.txt")


def test_plain_text_has_no_metadata_and_keeps_the_whole_file() -> None:
    article = _article(ARTICLES / "plain.txt")
    assert (article.date, article.url, article.publisher) == ("", "", "")
    assert article.title in ("", "plain")
    assert article.text == (ARTICLES / "plain.txt").read_text(encoding="utf-8").strip()


def test_markdown_notes_keep_their_sentences() -> None:
    article = _article(ARTICLES / "notes.md")
    assert article.title == "Weekly cloud deal notes"
    assert article.date == "2023-01-20"
    assert article.url == "https://news.example/notes"
    assert article.publisher == "Test Wire"
    assert "Harbor Bank signed a five-year, $50 million contract with Oracle Cloud." in article.text
    assert "Pine Street Games is moving its game servers from Google Cloud to Amazon Web Services." in article.text


def test_front_matter_with_crlf_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(
        b"---\r\ntitle: Windows line ends\r\ndate: 2020-01-02\r\n---\r\n"
        b"Acme Retail signed a deal with Google Cloud.\r\n"
    )
    article = _article(path)
    assert (article.title, article.date) == ("Windows line ends", "2020-01-02")
    assert article.text == "Acme Retail signed a deal with Google Cloud."


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------


def test_html_page_gives_the_article_without_boilerplate() -> None:
    article = _article(ARTICLES / "page.html")
    assert "Blue Heron Logistics" in article.text
    assert "Blue Heron Logistics moved its warehouse systems from Oracle Cloud to Microsoft Azure" in article.text
    assert "holiday season" in article.text
    boilerplate = [
        "Oracle signs deal with Zoom",  # nav and related stories
        "Alibaba Cloud news",  # nav
        "We use cookies",  # cookie banner
        "Accept all",
        "Related stories",
        "Tencent Cloud opens data centre in Germany",
        "HashiCorp",
        "saved a lot",  # comments
        "Huawei Cloud",
        "not affiliated",  # footer
        "Privacy",
    ]
    leaked = [text for text in boilerplate if text in article.text]
    assert not leaked, f"boilerplate in the article body: {leaked}"
    assert "<" not in article.text


def test_html_page_metadata() -> None:
    article = _article(ARTICLES / "page.html")
    assert article.date == "2023-06-01"
    assert article.url == "https://news.example/page"
    assert article.title == "Blue Heron Logistics moves to Microsoft Azure"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<meta property="article:published_time" content="2023-06-01T09:00:00Z">', "2023-06-01"),
        ('<meta content="2022-01-05" name="date">', "2022-01-05"),
        ('<p>By A. Writer, <time datetime="2021-07-08">July 8</time></p>', "2021-07-08"),
        ('<meta property="og:title" content="2020-01-01 recap">', ""),
        ("<p>No date here.</p>", ""),
    ],
)
def test_html_date(html: str, expected: str) -> None:
    assert html_date(html) == expected


PARAGRAPH = "<p>Kestrel Outdoor Gear said it has moved its warehouse software to Google Cloud this spring.</p>"


@pytest.mark.parametrize("tag", ["b", "nav", "cvkg-widget"])
def test_deep_nesting_of_any_tag_is_refused_before_trafilatura(tag: str, caplog: pytest.LogCaptureFixture) -> None:
    """lxml stops at 256 levels of any element, and trafilatura then logs a warning and finds nothing (issue 18)."""
    html = "<html><body>" + f"<{tag}>" * 100_000 + PARAGRAPH + f"</{tag}>" * 100_000
    with caplog.at_level(logging.WARNING), pytest.raises(SkipArticle) as skip:
        parse_html(html, "deep.html")
    assert str(skip.value) == "HTML nested too deeply (100,003 levels > limit 250)"
    assert not caplog.records


def test_a_page_nested_within_the_limit_keeps_its_article() -> None:
    html = "<html><body>" + "<div>" * 200 + PARAGRAPH + "</div>" * 200 + "</body></html>"
    assert "warehouse software" in parse_html(html, "nested.html").text


@pytest.mark.parametrize("reference", ["&#7;", "&#x1B;", "&#0001", "&#65535;"])
def test_a_control_character_reference_does_not_cost_the_page(reference: str) -> None:
    """lxml gives up on a page with one `&#7;`; the reference is dropped and the article kept (issue 18)."""
    html = (
        f"<html><body><article>{PARAGRAPH}<p>The move took{reference} six weeks, it said.</p></article></body></html>"
    )
    text = parse_html(html, "page.html").text
    assert "warehouse software" in text and "The move took six weeks" in text


def test_text_with_html_suffix_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("Just words, no markup, but long enough to be an article.", encoding="utf-8")
    assert _one(path) == Skipped(str(path), "not HTML")


# ---------------------------------------------------------------------------
# JSONL
# ---------------------------------------------------------------------------


def test_jsonl_feed_gives_two_articles_and_one_skip() -> None:
    items = list(read_file(ARTICLES / "feed.jsonl"))
    assert len(items) == 3, items
    first, second, third = items

    assert isinstance(first, Article)
    assert first.title == "Lakeside Media picks Google Cloud"
    assert (first.date, first.url, first.publisher) == (
        "2023-02-10",
        "https://news.example/feed-1",
        "Test Wire",
    )
    assert first.text.startswith("Lakeside Media signed a four-year, $80 million contract")
    assert first.source == f"{ARTICLES / 'feed.jsonl'}:1"

    assert isinstance(second, Article)
    assert (second.title, second.date, second.url) == (
        "Granite Health leaves IBM Cloud",
        "2023-02-11",
        "https://news.example/feed-2",
    )
    assert "Granite Health is moving its patient records system from IBM Cloud to Microsoft Azure." in second.text
    assert "<" not in second.text and "html" not in second.text

    assert isinstance(third, Skipped)
    assert third.source == f"{ARTICLES / 'feed.jsonl'}:3"
    assert third.reason == "JSON line has no text or html"


def test_bad_jsonl_lines_are_skipped_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        "{not json\n"
        "[1, 2]\n"
        "\n"
        '{"text": "Acme Retail signed a deal with Google Cloud.", '
        '"date": "2021-05-19T08:00:00Z"}\n',
        encoding="utf-8",
    )
    first, second, third = read_file(path)
    assert isinstance(first, Skipped) and first.reason.startswith("invalid JSON")
    assert second == Skipped(f"{path}:2", "JSON line is not an object")
    assert isinstance(third, Article)
    assert (third.text, third.date, third.source) == (
        "Acme Retail signed a deal with Google Cloud.",
        "2021-05-19",
        f"{path}:4",
    )


def test_jsonl_without_any_text_is_one_skip(tmp_path: Path) -> None:
    path = tmp_path / "links.jsonl"
    path.write_text('{"url": "https://news.example/a"}\n{"url": "https://news.example/b"}\n')
    assert _one(path) == Skipped(str(path), "JSONL with no text or html fields (not articles)")


# ---------------------------------------------------------------------------
# Unusable files
# ---------------------------------------------------------------------------


def test_empty_file_is_skipped() -> None:
    assert _one(ARTICLES / "empty.txt") == Skipped(str(ARTICLES / "empty.txt"), "empty file")


def test_binary_file_is_skipped() -> None:
    item = _one(ARTICLES / "binary.txt")
    assert isinstance(item, Skipped)
    assert item.reason.startswith("binary"), item.reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [("tiny", "too short (4 characters)"), ("---\ntitle: Only metadata\n---\n", "no article text")],
)
def test_too_little_text_is_skipped(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "short.md"
    path.write_text(text, encoding="utf-8")
    assert _one(path) == Skipped(str(path), reason)


@pytest.mark.parametrize(
    ("limits", "reason"),
    [
        ({"max_chars": 200}, "text too long (449 characters > limit 200)"),
        ({"max_bytes": 400}, "too large (450 bytes > limit 400 bytes)"),
        ({"max_bytes": 100_000}, None),
    ],
)
def test_text_over_the_limit_is_skipped(tmp_path: Path, limits: dict[str, int], reason: str | None) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Acme Retail signed a deal with Google Cloud. " * 10, encoding="utf-8")
    (item,) = read_file(path, **limits)
    if reason is None:
        assert isinstance(item, Article)
    else:
        assert item == Skipped(str(path), reason)


# ---------------------------------------------------------------------------
# read_articles: folders, missing paths, stdin
# ---------------------------------------------------------------------------


def test_folder_yields_articles_and_skips_readme() -> None:
    items = list(read_articles([ARTICLES]))
    sources = {Path(item.source.rsplit(":", 1)[0]).name for item in items}
    assert "README.md" not in sources
    articles = {item.source: item for item in items if isinstance(item, Article)}
    skipped = {item.source: item.reason for item in items if isinstance(item, Skipped)}
    assert sorted(Path(s).name for s in articles) == [
        "feed.jsonl:1",
        "feed.jsonl:2",
        "frontmatter.txt",
        "notes.md",
        "page.html",
        "plain.txt",
    ]
    assert sorted(Path(s).name for s in skipped) == ["binary.txt", "empty.txt", "feed.jsonl:3"]
    assert skipped[str(ARTICLES / "empty.txt")] == "empty file"


def test_folder_skips_hidden_and_unknown_files(tmp_path: Path) -> None:
    (tmp_path / ".drafts").mkdir()
    (tmp_path / ".drafts" / "draft.txt").write_text("A hidden draft about Google Cloud deals.")
    (tmp_path / "table.csv").write_text("customer,provider\nAcme Retail,Google Cloud\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "story.txt").write_text("Acme Retail signed a deal with Google Cloud.")
    items = list(read_articles([tmp_path]))
    assert [(type(i).__name__, i.source) for i in items] == [("Article", str(tmp_path / "sub" / "story.txt"))]


def test_missing_path_raises_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-file.txt"
    with pytest.raises(InputError, match="no-such-file.txt"):
        list(read_articles([ARTICLES / "plain.txt", missing]))


def _stdin(data: bytes) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")


def test_stdin_is_read_as_text_with_front_matter(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"---\ntitle: From a pipe\ndate: 2021-05-19\n---\nAcme Retail signed a deal with Google Cloud.\n"
    monkeypatch.setattr(sys, "stdin", _stdin(data))
    assert list(read_articles(["-"])) == [
        Article(
            text="Acme Retail signed a deal with Google Cloud.",
            title="From a pipe",
            date="2021-05-19",
            source="<stdin>",
        )
    ]


def test_stdin_reads_bytes_not_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # Latin-1 bytes would break a UTF-8 text stream; the reader must decode them itself.
    data = b"Caf\xe9 M\xfcnchen signed a deal with Google Cloud."
    monkeypatch.setattr(sys, "stdin", _stdin(data))
    (article,) = read_articles(["-"])
    assert isinstance(article, Article)
    assert article.text == "Café München signed a deal with Google Cloud."


def test_empty_stdin_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _stdin(b""))
    assert list(read_articles(["-"])) == [Skipped("<stdin>", "empty file")]


# ---------------------------------------------------------------------------
# decode_bytes and normalise_date
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "Café Zürich".encode("utf-16"),  # Python writes the platform BOM
        b"\xff\xfe" + "Café Zürich".encode("utf-16-le"),
        b"\xfe\xff" + "Café Zürich".encode("utf-16-be"),
        b"\xef\xbb\xbf" + "Café Zürich".encode(),
        "Café Zürich".encode(),
        b"Caf\xe9 Z\xfcrich",  # Latin-1
    ],
    ids=["utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-8-bom", "utf-8", "latin-1"],
)
def test_decode_bytes(data: bytes) -> None:
    assert decode_bytes(data) == "Café Zürich"


def test_decode_bytes_reads_windows_1252_punctuation() -> None:
    assert decode_bytes(b"Acme \x96 a \x93deal\x94") == "Acme \u2013 a \u201cdeal\u201d"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t ", "empty file"),
        (b"text\x00with NUL", "binary data (NUL bytes)"),
        (bytes(range(1, 32)) * 4 + b"\xff", "binary data (control bytes)"),
    ],
)
def test_decode_bytes_refuses_empty_and_binary(data: bytes, reason: str) -> None:
    with pytest.raises(SkipArticle, match=rf"^{re.escape(reason)}$"):
        decode_bytes(data)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-05-19T08:00:00Z", "2021-05-19"),
        ("2021-05-19", "2021-05-19"),
        ("yesterday", ""),
        ("2021-13-01", ""),
        ("2021-00-10", ""),
        ("2021-05-00", ""),
        ("19 May 2021", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_date(value: object, expected: str) -> None:
    assert normalise_date(value) == expected


@pytest.mark.parametrize("value", ["2021-02-30", "2021-04-31", "2023-02-29"])
def test_normalise_date_rejects_impossible_days(value: str) -> None:
    assert normalise_date(value) == ""
