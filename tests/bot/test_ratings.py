"""Conversation ratings: one per conversation, validated in the service as well as at the API."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.errors import InvalidRating
from bot.models import ConversationRating
from bot.ratings import conversation_rating, rate_conversation


def test_a_second_rating_updates_the_first(session):
    first = rate_conversation(session, sender_id="conv-1", rating=2, comment="  meh ")
    again = rate_conversation(session, sender_id="conv-1", rating=5, comment="")
    assert (first.rating, first.comment) == (2, "meh")
    assert (again.rating, again.comment) == (5, None) and again.created_at == first.created_at
    assert again.updated_at >= first.updated_at and again.created_at.tzinfo is not None
    assert session.scalar(select(func.count()).where(ConversationRating.sender_id == "conv-1")) == 1
    assert conversation_rating(session, sender_id="conv-1") == again
    assert conversation_rating(session, sender_id="conv-unrated") is None


@pytest.mark.parametrize(("rating", "comment"), [(0, None), (6, None), (True, None), (3.0, None), (3, "x" * 1001)])
def test_bad_ratings_are_refused(session, rating, comment):
    with pytest.raises(InvalidRating):
        rate_conversation(session, sender_id="conv-bad", rating=rating, comment=comment)


def test_the_database_keeps_ratings_in_range_and_one_per_conversation(session):
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(ConversationRating(sender_id="conv-db", rating=7))
    rate_conversation(session, sender_id="conv-db", rating=3)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(ConversationRating(sender_id="conv-db", rating=4))
