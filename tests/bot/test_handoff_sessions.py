"""Live handoff sessions (bot.handoff_sessions): the queue, taking, answering, handing back, closing."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.conversation_refs import conversation_ref
from bot.db import make_engine, session_scope
from bot.handoff import is_staffed, parse_support_hours, request_handoff
from bot.handoff_sessions import (
    AlreadyTaken,
    HandoffNotFound,
    NotHolder,
    NotTaken,
    NotWaiting,
    close_waiting,
    display_name,
    ensure_holder,
    get_live_handoff,
    hand_back,
    is_held_by_agent,
    joined_note,
    left_note,
    live_queue,
    release_take,
    take_handoff,
    undo_hand_back,
    waiting_count,
)
from bot.migrate import upgrade
from bot.models import Customer, HandoffReason, HandoffRequest, HandoffStatus, Order
from bot.seed import DEMO_ORDERS
from tests.postgres import fresh_postgres_database

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def _sender() -> str:
    return f"live-{uuid.uuid4().hex[:10]}"


def _request(session: Session, *, minutes_ago: int = 0, status: HandoffStatus = HandoffStatus.WAITING,
             order: str | None = None, taken_by: str | None = None) -> HandoffRequest:
    row = HandoffRequest(sender_id=_sender(), reason=HandoffReason.ASKED, status=status, taken_by=taken_by,
                         verified_order_number=order,
                         created_at=datetime.now(timezone.utc) - timedelta(minutes=minutes_ago))
    session.add(row)
    session.flush()
    return row


# --- the queue ---------------------------------------------------------------------

def test_the_queue_lists_waiting_and_taken_requests_oldest_first(session):
    session.execute(delete(HandoffRequest))
    newer = _request(session, minutes_ago=2)
    taken = _request(session, minutes_ago=5, status=HandoffStatus.TAKEN, taken_by="Anna Berg")
    older = _request(session, minutes_ago=9)
    _request(session, minutes_ago=30, status=HandoffStatus.CLOSED)
    _request(session, minutes_ago=40, status=HandoffStatus.MESSAGE_LEFT)
    queue = live_queue(session)
    assert [e.id for e in queue.entries] == [older.id, taken.id, newer.id]
    assert (queue.waiting, queue.taken) == (2, 1) and waiting_count(session) == 2
    entry = queue.entries[1]
    assert (entry.status, entry.taken_by, entry.reason) == ("taken", "Anna Berg", "asked")
    assert entry.created_at.tzinfo is not None and entry.is_open
    # Named by the console ref: no part of the session id (the visitor's bearer secret) is shown.
    assert entry.visitor_label == conversation_ref(taken.sender_id) and taken.sender_id[:8] not in entry.visitor_label


def test_a_queue_entry_carries_the_verified_order_and_its_customer(session):
    demo = DEMO_ORDERS[3]  # 100004, late with UPS
    row = _request(session, order=demo["number"])
    unknown = _request(session, order="999999")
    plain = _request(session)
    order = session.scalar(select(Order).where(Order.number == demo["number"]))
    customer = session.get(Customer, order.customer_id)
    entries = {e.id: e for e in live_queue(session).entries}
    verified = entries[row.id].verified_order
    assert verified.order.number == demo["number"] and verified.order.status == "shipped"
    assert verified.order.is_late and verified.order.carrier == order.carrier
    assert verified.customer_email == demo["email"]
    assert verified.customer_name == f"{customer.first_name} {customer.last_name}"
    assert sum(i.quantity for i in verified.order.items) >= 1
    assert entries[unknown.id].verified_order is None and entries[unknown.id].verified_order_number == "999999"
    assert entries[plain.id].verified_order is None


def test_one_request_is_found_by_id_open_or_not(session):
    closed = _request(session, status=HandoffStatus.CLOSED)
    assert get_live_handoff(session, handoff_id=closed.id).status == "closed"
    with pytest.raises(HandoffNotFound):
        get_live_handoff(session, handoff_id=10**9)


# --- taking ------------------------------------------------------------------------

def test_an_agent_takes_a_waiting_request(session):
    row = _request(session)
    assert not is_held_by_agent(session, sender_id=row.sender_id)
    live = take_handoff(session, handoff_id=row.id, agent_name="  Anna Berg ")
    assert (live.status, live.taken_by) == ("taken", "Anna Berg")
    assert is_held_by_agent(session, sender_id=row.sender_id)
    assert row.id in [e.id for e in live_queue(session).entries]


def test_a_second_agent_is_told_who_was_first(session):
    row = _request(session)
    take_handoff(session, handoff_id=row.id, agent_name="Anna Berg")
    with pytest.raises(AlreadyTaken, match="already taken by Anna Berg") as refused:
        take_handoff(session, handoff_id=row.id, agent_name="Ben Okafor")
    assert refused.value.taken_by == "Anna Berg"
    assert get_live_handoff(session, handoff_id=row.id).taken_by == "Anna Berg"


@pytest.mark.parametrize("status", [HandoffStatus.CLOSED, HandoffStatus.MESSAGE_LEFT])
def test_only_waiting_requests_can_be_taken(session, status):
    row = _request(session, status=status)
    with pytest.raises(NotWaiting):
        take_handoff(session, handoff_id=row.id, agent_name="Anna")
    with pytest.raises(HandoffNotFound):
        take_handoff(session, handoff_id=10**9, agent_name="Anna")


def test_a_stale_session_cannot_take_what_another_committed(shop_db):
    """Two agents' requests, each with its own session: the second loaded the row while it waited."""
    with session_scope() as setup:
        sender = _sender()
        request_id = request_handoff(setup, sender_id=sender, reason="asked").id
    try:
        with Session(shop_db, expire_on_commit=False) as first, Session(shop_db, expire_on_commit=False) as second:
            assert second.get(HandoffRequest, request_id).status is HandoffStatus.WAITING  # cached as waiting
            take_handoff(first, handoff_id=request_id, agent_name="Anna Berg")
            first.commit()
            with pytest.raises(AlreadyTaken, match="Anna Berg"):
                take_handoff(second, handoff_id=request_id, agent_name="Ben Okafor")
    finally:
        with session_scope() as cleanup:
            cleanup.execute(delete(HandoffRequest).where(HandoffRequest.sender_id == sender))


def test_concurrent_takes_on_postgresql_have_exactly_one_winner():
    with fresh_postgres_database() as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with Session(engine) as setup:
                request_id = request_handoff(setup, sender_id="race-1", reason="asked").id
                setup.commit()
            agents = [f"Agent {i}" for i in range(6)]
            barrier = threading.Barrier(len(agents))
            outcomes: dict[str, str] = {}

            def attempt(name: str) -> None:
                with Session(engine) as session:
                    session.get(HandoffRequest, request_id)  # every agent has seen it waiting
                    barrier.wait()
                    try:
                        take_handoff(session, handoff_id=request_id, agent_name=name)
                        session.commit()
                        outcomes[name] = "won"
                    except AlreadyTaken as exc:
                        outcomes[name] = f"lost to {exc.taken_by}"

            threads = [threading.Thread(target=attempt, args=(a,)) for a in agents]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            winners = [a for a, o in outcomes.items() if o == "won"]
            assert len(outcomes) == len(agents) and len(winners) == 1
            assert all(o == f"lost to {winners[0]}" for a, o in outcomes.items() if a != winners[0])
            with Session(engine) as check:
                assert check.get(HandoffRequest, request_id).taken_by == winners[0]
        finally:
            engine.dispose()


def test_a_take_can_be_undone_by_its_agent_only(session):
    row = _request(session)
    take_handoff(session, handoff_id=row.id, agent_name="Anna Berg")
    assert not release_take(session, handoff_id=row.id, agent_name="Ben Okafor")
    assert release_take(session, handoff_id=row.id, agent_name="Anna Berg")
    live = get_live_handoff(session, handoff_id=row.id)
    assert (live.status, live.taken_by) == ("waiting", None)


# --- answering and handing back ----------------------------------------------------

def test_only_the_holder_answers(session):
    row = _request(session)
    with pytest.raises(NotTaken):
        ensure_holder(session, handoff_id=row.id, agent_name="Anna Berg")
    take_handoff(session, handoff_id=row.id, agent_name="Anna Berg")
    assert ensure_holder(session, handoff_id=row.id, agent_name="Anna Berg").sender_id == row.sender_id
    with pytest.raises(NotHolder, match="Anna Berg is handling"):
        ensure_holder(session, handoff_id=row.id, agent_name="Ben Okafor")


def test_handing_back_closes_the_request_and_a_new_ask_queues_anew(session):
    row = _request(session)
    take_handoff(session, handoff_id=row.id, agent_name="Anna Berg")
    with pytest.raises(NotHolder):
        hand_back(session, handoff_id=row.id, agent_name="Ben Okafor")
    closed = hand_back(session, handoff_id=row.id, agent_name="Anna Berg", now=T0)
    assert (closed.status, closed.taken_by, closed.closed_at) == ("closed", "Anna Berg", T0)
    assert not is_held_by_agent(session, sender_id=row.sender_id)
    assert row.id not in [e.id for e in live_queue(session).entries]
    with pytest.raises(NotTaken):
        hand_back(session, handoff_id=row.id, agent_name="Anna Berg")
    again = request_handoff(session, sender_id=row.sender_id, reason="asked")
    assert again.id != row.id and again.status == "waiting"


def test_an_admin_may_hand_back_for_an_agent(session):
    row = _request(session)
    take_handoff(session, handoff_id=row.id, agent_name="Anna Berg")
    closed = hand_back(session, handoff_id=row.id, agent_name="Admin Person", may_override=True)
    assert closed.status == "closed" and closed.taken_by == "Anna Berg"


def test_a_hand_back_can_be_undone(session):
    row = _request(session)
    take_handoff(session, handoff_id=row.id, agent_name="Anna Berg")
    hand_back(session, handoff_id=row.id, agent_name="Anna Berg")
    assert undo_hand_back(session, handoff_id=row.id, taken_by="Anna Berg")
    live = get_live_handoff(session, handoff_id=row.id)
    assert (live.status, live.taken_by, live.closed_at) == ("taken", "Anna Berg", None)


def test_closing_without_joining_works_only_while_waiting(session):
    row = _request(session)
    closed = close_waiting(session, handoff_id=row.id, now=T0)
    assert closed.status == "closed" and closed.closed_at == T0
    with pytest.raises(NotWaiting):
        close_waiting(session, handoff_id=row.id)
    taken = _request(session)
    take_handoff(session, handoff_id=taken.id, agent_name="Anna Berg")
    with pytest.raises(AlreadyTaken):
        close_waiting(session, handoff_id=taken.id)


# --- what the visitor reads --------------------------------------------------------

def test_visitors_see_the_agents_first_name_only():
    assert display_name("Anna Berg") == "Anna"
    assert display_name("  Ben ") == "Ben"
    assert display_name("   ") == "Our agent"
    assert joined_note("Anna") == "Anna from our support team joined the chat."
    assert left_note("Anna") == "Anna left the chat. The assistant is back — ask me anything."


def test_support_hours_may_end_at_midnight():
    blocks = parse_support_hours("Mon-Sun 00:00-24:00")
    assert blocks[0].end == time.max and len(blocks[0].days) == 7
    late = datetime(2026, 11, 24, 22, 59, 59, tzinfo=timezone.utc)  # 23:59:59 in Berlin
    assert is_staffed(late, hours="Mon-Sun 00:00-24:00", tz="Europe/Berlin")
    assert not is_staffed(late, hours="Mon-Sun 00:00-23:59", tz="Europe/Berlin")
