"""The one place an extractor's `Event` is made: status, reporter, confidence and evidence.

An extractor decides the event's type and roles and what it read about them (the assertion of its
trigger, how explicit the trigger was); `make_event` fills in what every event carries the same way:

* `status`: the assertion's ('' or 'Planned'), else 'Reported' when a media outlet is credited;
* `reported_by`: the outlet the sentence credits (`Context.reported_by`);
* `confidence`: `common.confidence` of the roles found;
* `evidence`: the sentence's text, with its character offsets in the article (`locate_evidence`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from graph.records import Event
from pipelines.extractors.common import Context, confidence, doc_text

if TYPE_CHECKING:
    from spacy.tokens import Token


def locate_evidence(evidence: str, text: str | None, end: int) -> tuple[int | None, int | None]:
    """The offsets of `evidence` in the article's `text` when it is the stretch of it ending at `end`.

    The evidence ends the sentence read last (evidence joined from several sentences ends with it too);
    when it is not one stretch of `text` there (sentences joined over a gap, or no article text to index),
    it has no offsets: (None, None).
    """
    start = end - len(evidence)
    if text is not None and start >= 0 and text[start:end] == evidence:
        return start, end
    return None, None


def sentence_end(ctx: Context) -> int:
    """Where the sentence's text (`ctx.text`, trailing spaces dropped) ends in the doc's text."""
    sent = ctx.sent
    return sent.start_char + len(doc_text(sent.doc)[sent.start_char : sent.end_char].rstrip())


def article_text(ctx: Context) -> str | None:
    """The article's text when the doc's text is it (offsets index the article), else None."""
    text = doc_text(ctx.sent.doc)
    return text if text == ctx.article.text else None


def make_event(
    ctx: Context,
    kind: str,
    roles: Mapping[str, tuple[object, ...]],
    *,
    trigger: Token | None = None,
    explicit_trigger: bool | None = None,
    status: str = "",
    roles_found: int | None = None,
    roles_wanted: int,
    credit_outlet: bool = True,
    status_from_outlet: bool = True,
    evidence: str | None = None,
    date: str = "",
    qualifier: str = "",
) -> Event:
    """The `kind` event of the sentence with `roles`.

    Args:
        trigger: the word the event was read from; a verb is an explicit trigger unless
            `explicit_trigger` says otherwise.
        status: the assertion's status ('' for a plain statement, 'Planned'), or the extractor's own
            ('Reported' for a figure a firm or a filing gives).
        roles_found, roles_wanted: the confidence's share of roles (`roles_found` defaults to the roles given).
        credit_outlet: whether the outlet the sentence credits is the event's `reported_by`.
        status_from_outlet: whether a credited outlet makes a plain statement 'Reported'.
        evidence: the text the event was read from, when more than the sentence (it must end with it).
    """
    reporter = ctx.reported_by() if credit_outlet else None
    if explicit_trigger is None:
        explicit_trigger = trigger is not None and trigger.pos_ == "VERB"
    text = ctx.text if evidence is None else evidence
    start, end = locate_evidence(text, article_text(ctx), sentence_end(ctx))
    return Event(
        type=kind,
        roles=roles,  # type: ignore[arg-type]
        evidence=text,
        confidence=confidence(
            roles_found=len(roles) if roles_found is None else roles_found,
            roles_wanted=roles_wanted,
            explicit_trigger=explicit_trigger,
        ),
        date=date,
        status=status or ("Reported" if reporter and status_from_outlet else ""),
        qualifier=qualifier,
        reported_by=reporter,
        evidence_start=start,
        evidence_end=end,
    )
