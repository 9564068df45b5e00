"""The console's conversation list: tracker summaries joined with review data, ratings and masking."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.conversation_refs import remember_refs
from bot.review.errors import InvalidReviewInput
from bot.review.linked import has_ratings, ratings_of
from bot.review.reviews import review_badges, reviewed_ids, tagged_ids
from bot.summaries.status import FeedStatus, feed_status
from bot.transcripts.conversations import ConversationFilters, ConversationSummary, list_conversations
from bot.transcripts.masking import has_personal_data, mask_text

SEARCH_MAX_CHARS = 200


@dataclass(frozen=True, slots=True)
class ListQuery:
    """The list's filters as the staff member set them (dates are days in the support time zone)."""

    text: str = ""
    since: date | None = None
    until: date | None = None  # inclusive
    intent: str | None = None
    fallback: bool | None = None
    confidence_below: float | None = None
    handoff: bool | None = None
    reviewed: bool | None = None
    tag: str | None = None


@dataclass(frozen=True, slots=True)
class ConversationRow:
    summary: ConversationSummary
    ref: str  # the console's name for the conversation (never show summary.sender_id)
    reviewed: bool
    tags: tuple[str, ...]
    rating: int | None


@dataclass(frozen=True, slots=True)
class ConversationList:
    rows: tuple[ConversationRow, ...]
    total: int
    page: int
    pages: int
    ratings_available: bool  # False until the ratings table exists
    feed: FeedStatus  # whether the summary tables are being kept up to date


def _instant(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def tracker_filters(session: Session, *, query: ListQuery, zone: ZoneInfo, masked: bool) -> ConversationFilters:
    """Turn the staff member's filters into the tracker read model's, review filters resolved to sender ids."""
    text = " ".join(query.text.split())[:SEARCH_MAX_CHARS]
    if masked and has_personal_data(text):
        raise InvalidReviewInput("agents cannot search for email addresses or order numbers; ask an admin")
    if query.confidence_below is not None and not 0 < query.confidence_below <= 1:
        raise InvalidReviewInput("the confidence threshold is a number between 0 and 1, e.g. 0.6")
    only: frozenset[str] | None = None
    excluded: frozenset[str] = frozenset()
    if query.reviewed is True:
        only = reviewed_ids(session)
    elif query.reviewed is False:
        excluded = reviewed_ids(session)
    if query.tag:
        tagged = tagged_ids(session, tag=query.tag)
        only = tagged if only is None else only & tagged
    return ConversationFilters(
        text=text,
        since=_instant(query.since, zone) if query.since else None,
        until=_instant(query.until + timedelta(days=1), zone) if query.until else None,
        intent=query.intent or None, fallback=query.fallback, confidence_below=query.confidence_below,
        handoff=query.handoff, only_ids=only, except_ids=excluded,
    )


def conversation_list(
    session: Session, conn: Connection, *, query: ListQuery, zone: ZoneInfo, masked: bool, page: int = 1,
    per_page: int = 25,
) -> ConversationList:
    """One page of the list, newest activity first; ``masked`` hides personal data in the snippets."""
    filters = tracker_filters(session, query=query, zone=zone, masked=masked)
    found = list_conversations(conn, filters=filters, page=page, per_page=per_page)
    ids = [s.sender_id for s in found.items]
    badges = review_badges(session, sender_ids=ids)
    ratings = ratings_of(session, sender_ids=ids)
    refs = remember_refs(session, sender_ids=ids)
    rows = tuple(
        ConversationRow(
            summary=replace(s, snippet=mask_text(s.snippet)) if masked else s,
            ref=refs[s.sender_id],
            reviewed=badges[s.sender_id].reviewed if s.sender_id in badges else False,
            tags=badges[s.sender_id].tags if s.sender_id in badges else (),
            rating=ratings.get(s.sender_id),
        )
        for s in found.items
    )
    return ConversationList(rows=rows, total=found.total, page=found.page, pages=found.pages,
                            ratings_available=has_ratings(session), feed=feed_status(conn))
