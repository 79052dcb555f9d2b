"""The linear scans of pipelines/markup.py give what the regular expressions they replace gave (issue 18)."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipelines.decoding import drop_control_references
from pipelines.ingest import _META_DATE, _META_OPEN, _TIME, _TIME_OPEN
from pipelines.markup import html_depth, strip_emphasis, tag_matches, visible_length

# the expressions as they were: quadratic on `**a ` or `<script ` repeated, kept here as the reference
OLD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
OLD_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)

FUZZ = settings(max_examples=400, deadline=None)
MARKDOWN = st.text(alphabet=st.sampled_from(list("*_ab \n\t\u00a0")), max_size=40)
HTML_BITS = st.lists(
    st.sampled_from(
        ["<", ">", "/", " ", "\n", "a", "<script", "</script", "<SCRIPT", "</Script", "<style", "</style", "<b", "x"]
    ),
    max_size=25,
).map("".join)
TAG_BITS = st.lists(
    st.sampled_from(
        ["<meta", "<time", " ", ">", "x", "name=", "property=", "content=", "datetime=", "'", '"', "date", "2021-05-19"]
    ),
    max_size=25,
).map("".join)


@FUZZ
@given(MARKDOWN)
@example("**a **b** __c__ ***d***")
@example("**a\nb** **c **")
def test_strip_emphasis_is_the_old_expression(text: str) -> None:
    assert strip_emphasis(text) == OLD_EMPHASIS.sub(r"\2", text)


@FUZZ
@given(HTML_BITS)
@example("a<script>x</script >b<style>y</STYLE>c<br>d")
@example("<script <script></script>")
@example("a < b")
def test_visible_length_is_the_old_expression(html: str) -> None:
    assert visible_length(html) == len(OLD_TAG.sub("", html))


@FUZZ
@given(TAG_BITS)
@example("<meta name='date' content='2021-05-19'><time datetime='2020-01-02'>")
@example("<time datetime='x' <time datetime='2020-01-02'>")
def test_tag_matches_are_the_old_findall(html: str) -> None:
    assert [m.group(0) for m in tag_matches(_META_DATE, _META_OPEN, html, closed=True)] == _META_DATE.findall(html)
    assert [m.group(1) for m in tag_matches(_TIME, _TIME_OPEN, html, closed=False)] == _TIME.findall(html)


@pytest.mark.parametrize(
    ("html", "depth"),
    [
        ("<html><body><div><p>a</p></div></body></html>", 4),
        ("<b>" * 300, 300),  # any tag counts, not only div, span, …
        ("<nav>" * 10 + "<custom-tag>" * 10, 20),
        ("<div>" + "<br><img src=x><hr/>" * 50 + "</div>", 1),  # void and self-closed elements open nothing
        ("<div>" + "<p>paragraph " * 50 + "</div>", 2),  # a <p> closes the open <p>
        ("<ul>" + "<li>item " * 50 + "</ul>", 2),
        ("<div><span></div>" * 20, 2),  # an end tag closes what its element left open
        ("</div>" * 20 + "<div>", 1),  # end tags with nothing open are ignored
        ("<script>var s = '<div><div><div>';</script><div>", 1),  # script text is not markup
        ("<!-- <div><div><div> --><div>", 1),
        ("<!DOCTYPE html><?xml version='1.0'?><div>", 1),
        ("a < b and c <d>", 1),
    ],
)
def test_html_depth_counts_every_element(html: str, depth: int) -> None:
    assert html_depth(html) == depth


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("a&#7;b&#x1B;c&#0007d&#X0008;e", "abcde"),
        ("&#65535;&#xFFFE;&#xD800;", ""),
        ("tab&#9;line&#10;&#13;", "tab&#9;line&#10;&#13;"),  # allowed in XML: left for lxml
        ("&#150; &#8217; &#x1F600; &#99999999999;", "&#150; &#8217; &#x1F600; &#99999999999;"),
        ("&#7x &#", "x &#"),
    ],
)
def test_control_character_references_are_dropped(html: str, expected: str) -> None:
    assert drop_control_references(html) == expected
