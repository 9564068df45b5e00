"""Review services: flags, tags, notes, relabelling, the list's review filters, erasure with its audit."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import func, select

from bot.assistant_domain import assistant_domain
from bot.db import make_engine
from bot.models import ConversationDeletion, HandoffReason, HandoffRequest, NluCorrection
from bot.review import reviews
from bot.review.conversation import conversation_detail, relabel
from bot.review.erasure import conversation_record, erase_conversation, erasure_preview
from bot.review.errors import ConversationNotFound, InvalidReviewInput, MessageNotFound
from bot.review.exports import conversation_story_yaml, corrections_yaml
from bot.review.listing import ListQuery, conversation_list
from bot.transcripts.masking import EMAIL_MASK, ORDER_MASK
from bot.transcripts.store import events, metadata
from tests.bot.tracker_events import TrackerWriter

ZONE = ZoneInfo("Europe/Berlin")
DOMAIN = assistant_domain()


@pytest.fixture
def tracker(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    metadata.create_all(engine)
    with engine.begin() as conn:
        w = TrackerWriter(conn)
        w.session("rv-order").user("rv-order", "where is my order", "order_status", 0.9)
        w.user("rv-order", "it is 100001 and emma.schmidt@example.com", "order_status", 0.55,
               entities=[{"entity": "order_number", "start": 6, "end": 12, "value": "100001"}])
        w.action("rv-order", "action_order_status").bot("rv-order", "Order 100001 is on its way.")
        w.session("rv-shoes").user("rv-shoes", "red sneakers", "product_search", 0.97)
        w.write()
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def _user_event_id(conn, sender: str, nth: int = 0) -> int:
    ids = conn.execute(select(events.c.id).where(events.c.sender_id == sender, events.c.type_name == "user")
                       .order_by(events.c.id)).scalars().all()
    return ids[nth]


def test_review_flag_tags_and_notes(session):
    reviews.set_reviewed(session, sender_id="rv-a", reviewed=True, by="Ana")
    assert reviews.add_tag(session, sender_id="rv-a", tag="  Wrong   Answer ", by="Ana") == "wrong answer"
    reviews.add_tag(session, sender_id="rv-a", tag="wrong answer", by="Ben")
    reviews.add_tag(session, sender_id="rv-b", tag="slow", by="Ben")
    reviews.add_note(session, sender_id="rv-a", text="Asked twice for the size chart.", author="Ana")
    state = reviews.review_state(session, sender_id="rv-a")
    assert state.reviewed and state.reviewed_by == "Ana" and state.reviewed_at is not None
    assert state.tags == ("wrong answer",) and [n.text for n in state.notes] == ["Asked twice for the size chart."]
    assert {"slow", "wrong answer"} <= set(reviews.all_tags(session))
    assert "rv-a" in reviews.reviewed_ids(session) and reviews.tagged_ids(session, tag="Slow") == {"rv-b"}
    reviews.set_reviewed(session, sender_id="rv-a", reviewed=False, by="Ben")
    reviews.remove_tag(session, sender_id="rv-a", tag="wrong answer")
    state = reviews.review_state(session, sender_id="rv-a")
    assert not state.reviewed and state.reviewed_by is None and state.tags == ()
    for bad in ("", "x" * 41, "<script>"):
        with pytest.raises(InvalidReviewInput):
            reviews.add_tag(session, sender_id="rv-a", tag=bad, by="Ana")
    with pytest.raises(InvalidReviewInput):
        reviews.add_note(session, sender_id="rv-a", text="   ", author="Ana")


def test_relabel_as_admin_and_as_agent(session, tracker):
    event_id = _user_event_id(tracker, "rv-order", 1)
    text = "it is 100001 and emma.schmidt@example.com"
    saved = relabel(session, tracker, sender_id="rv-order", event_id=event_id, intent="inform",
                    markup="it is [100001](order_number) and [emma.schmidt@example.com](email)", masked=False,
                    author="Admin", domain=DOMAIN)
    assert saved.original_intent == "order_status" and saved.intent == "inform"
    assert [(text[s.start:s.end], s.entity) for s in saved.entities] == [
        ("100001", "order_number"), ("emma.schmidt@example.com", "email")]
    # An agent sees and edits the masked message; the correction still lands on the real words.
    detail = conversation_detail(session, tracker, sender_id="rv-order", masked=True)
    label = detail.labels[event_id]
    assert label.markup == f"it is [{ORDER_MASK}](order_number) and [{EMAIL_MASK}](email)" and label.intent == "inform"
    relabel(session, tracker, sender_id="rv-order", event_id=event_id, intent="inform",
            markup=f"it is [{ORDER_MASK}](order_number) and {EMAIL_MASK}", masked=True, author="Agent", domain=DOMAIN)
    rows = session.scalars(select(NluCorrection).where(NluCorrection.sender_id == "rv-order")).all()
    assert len(rows) == 1 and rows[0].author == "Agent"
    assert rows[0].corrected_entities == [{"start": 6, "end": 12, "value": "100001", "entity": "order_number"}]

    admin_yaml = yaml.safe_load(corrections_yaml(session, stand_ins=False, sender_id="rv-order"))
    agent_yaml = yaml.safe_load(corrections_yaml(session, stand_ins=True, sender_id="rv-order"))
    assert admin_yaml["nlu"] == [{"intent": "inform",
                                  "examples": "- it is [100001](order_number) and emma.schmidt@example.com\n"}]
    assert agent_yaml["nlu"][0]["examples"] == "- it is [123456](order_number) and customer@example.com\n"

    for intent, markup in (("nlu_fallback", text), ("no_such_intent", text), ("inform", "it was 100001"),
                           ("inform", "it is [100001](ordernumber) and emma.schmidt@example.com")):
        with pytest.raises(InvalidReviewInput):
            relabel(session, tracker, sender_id="rv-order", event_id=event_id, intent=intent, markup=markup,
                    masked=False, author="Admin", domain=DOMAIN)
    with pytest.raises(MessageNotFound):
        relabel(session, tracker, sender_id="rv-shoes", event_id=event_id, intent="inform", markup=text,
                masked=False, author="Admin", domain=DOMAIN)


def test_retrieval_intents_are_relabelled_with_their_sub_intent():
    assert "shipping_info/cost" in DOMAIN.trainable_intents and "shipping_info" not in DOMAIN.trainable_intents
    assert "nlu_fallback" not in DOMAIN.trainable_intents and "inform" in DOMAIN.trainable_intents


def test_list_with_review_filters_and_masked_snippets(session, tracker):
    reviews.set_reviewed(session, sender_id="rv-shoes", reviewed=True, by="Ana")
    reviews.add_tag(session, sender_id="rv-order", tag="verification", by="Ana")

    def ids(masked: bool = False, **query) -> list[str]:
        found = conversation_list(session, tracker, query=ListQuery(**query), zone=ZONE, masked=masked)
        return [r.summary.sender_id for r in found.rows]

    assert ids() == ["rv-shoes", "rv-order"]
    assert ids(reviewed=True) == ["rv-shoes"] and ids(reviewed=False) == ["rv-order"]
    assert ids(tag="verification") == ["rv-order"] and ids(tag="verification", reviewed=True) == []
    assert ids(text="emma.schmidt") == ["rv-order"]
    assert ids(since=date(2025, 6, 15), until=date(2025, 6, 15)) == ["rv-shoes", "rv-order"]
    assert ids(until=date(2025, 6, 14)) == []
    with pytest.raises(InvalidReviewInput):
        ids(masked=True, text="100001")
    masked = conversation_list(session, tracker, query=ListQuery(text="100001"), zone=ZONE, masked=False)
    assert masked.rows[0].summary.snippet == "it is 100001 and emma.schmidt@example.com"
    agent = conversation_list(session, tracker, query=ListQuery(text="is 1"), zone=ZONE, masked=True)
    assert agent.rows[0].summary.snippet == f"it is {ORDER_MASK} and {EMAIL_MASK}"
    assert agent.rows[0].tags == ("verification",) and not agent.rows[0].reviewed


def test_story_export_and_missing_conversations(session, tracker):
    story = yaml.safe_load(conversation_story_yaml(session, tracker, sender_id="rv-order", stand_ins=True,
                                                   domain=DOMAIN))
    assert {"action": "action_order_status"} in story["stories"][0]["steps"]
    assert "100001" not in str(story)
    with pytest.raises(ConversationNotFound):
        conversation_story_yaml(session, tracker, sender_id="nobody", stand_ins=False, domain=DOMAIN)
    with pytest.raises(ConversationNotFound):
        conversation_detail(session, tracker, sender_id="nobody", masked=False)


def test_erasure_removes_events_review_data_and_linked_rows_and_is_audited(session, tracker):
    reviews.set_reviewed(session, sender_id="rv-order", reviewed=True, by="Ana")
    reviews.add_note(session, sender_id="rv-order", text="Customer emma.schmidt@example.com", author="Ana")
    session.add(HandoffRequest(sender_id="rv-order", reason=HandoffReason.ASKED))
    session.flush()
    record = conversation_record(session, tracker, sender_id="rv-order")
    assert len(record["tracker_events"]) == 7 and record["review"]["reviewed"]
    assert record["notes"][0]["text"] == "Customer emma.schmidt@example.com"
    assert record["handoff_requests"][0]["reason"] == "asked"
    preview = erasure_preview(session, tracker, sender_id="rv-order")
    assert (preview.events, preview.review_rows, preview.other_rows) == (7, 2, 1)

    done = erase_conversation(session, tracker, sender_id="rv-order", by_email="admin@example.com")
    assert (done.events_deleted, done.shop_rows_deleted) == (7, 3)
    left = dict(tracker.execute(select(events.c.sender_id, func.count()).group_by(events.c.sender_id)).all())
    assert left == {"rv-shoes": 4}
    assert reviews.review_state(session, sender_id="rv-order").notes == ()
    audit = session.scalars(select(ConversationDeletion).where(ConversationDeletion.sender_id == "rv-order")).one()
    assert audit.deleted_by == "admin@example.com" and audit.events_deleted == 7
    assert erasure_preview(session, tracker, sender_id="rv-order").events == 0
