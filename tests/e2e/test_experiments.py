"""A/B experiments end to end: the visitor sees the arm's text, and the transcript holds that same text."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import delete, select, text

from bot.db import make_engine
from bot.experiments import ArmInput, ExperimentInput, WordingInput, create_experiment, save_wording
from bot.experiments.assignment import assign
from bot.models import Customer, CustomerSegment, ExperimentExposure, SegmentWording
from bot.seed import DEMO_ORDERS
from tests.e2e.conftest import remove_experiment

pytestmark = pytest.mark.e2e
LATE = next(o for o in DEMO_ORDERS if o["number"] == "100004")


@pytest.fixture
def experiment(stack, db):
    """A running experiment on the late-parcel apology in the stack's shop DB, removed afterwards."""
    made = create_experiment(db, data=ExperimentInput(
        name="e2e late apology", response="utter_order_late", language="en", metric="contained",
        arms=(ArmInput("plain", "PLAIN ARM: order #{number} is late. Sorry.", 50),
              ArmInput("warm", "WARM ARM: we're really sorry, order #{number} ({item_count}) is late.", 50)),
        baseline_rate=0.6, min_effect=0.1), created_by="e2e")
    db.commit()
    yield made
    remove_experiment(db, made.id)


def _bot_events(stack, sender_id: str) -> list[dict]:
    engine = make_engine(stack.tracker_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'bot' ORDER BY id"),
                                {"s": sender_id}).scalars().all()
    finally:
        engine.dispose()
    return [json.loads(row) for row in rows]


def test_the_visitor_and_the_transcript_see_the_arm_the_hash_chose(stack, db, experiment):
    for _ in range(4):
        sender = f"e2e-ab-{uuid.uuid4().hex[:10]}"
        stack.say(sender, "where is my order?")
        stack.say(sender, LATE["number"])
        answer = stack.chat(sender, LATE["email"])
        assert answer.status_code == 200
        message = answer.json()["messages"][0]
        sid = stack.sid(sender)
        arm = experiment.arms[assign(experiment_id=experiment.id, sender_id=sid, weights=[50, 50])]
        assert message["text"].startswith(arm.text.split(":")[0] + ":"), message["text"]
        assert f"#{LATE['number']}" in message["text"] and "{" not in message["text"]
        # The domain response's buttons stay with the arm's words.
        assert [b["payload"] for b in message.get("buttons") or []] == ["/human_handoff", "/deny"]
        late_event = next(e for e in _bot_events(stack, sid) if (e.get("metadata") or {}).get("ab_arm"))
        assert late_event["text"] == message["text"]
        assert late_event["metadata"]["ab_arm"] == arm.name
        assert late_event["metadata"]["utter_action"] == "utter_order_late"
        db.expire_all()
        exposure = db.scalar(select(ExperimentExposure).where(ExperimentExposure.sender_id == sid))
        customer = db.scalar(select(Customer).where(Customer.email == LATE["email"]))
        assert exposure.experiment_id == experiment.id and exposure.position == arm.position
        assert exposure.customer_id == customer.id
        expected = {"plain": r"PLAIN ARM: order #100004 is late\. Sorry\.",
                    "warm": r"WARM ARM: we're really sorry, order #100004 \(\d+ items?\) is late\."}[arm.name]
        assert re.fullmatch(expected, message["text"]), message["text"]


@pytest.fixture
def win_back(stack, db):
    """The late order's customer in "Can't lose them" with a wording of the late apology; all undone afterwards."""
    customer_id = db.scalar(select(Customer.id).where(Customer.email == LATE["email"]))
    before = db.get(CustomerSegment, (0, customer_id))
    kept = None if before is None else {c.name: getattr(before, c.name) for c in CustomerSegment.__table__.columns}
    db.merge(CustomerSegment(days_ago=0, customer_id=customer_id, segment="Can't lose them", r_score=1, f_score=5,
                             m_score=5, recency_days=200, frequency=9, monetary=900))
    wording = save_wording(db, updated_by="e2e", data=WordingInput(
        response="utter_order_late", language="en", segment="Can't lose them",
        text="WIN-BACK: we value you, order #{number} is late and we're on it."))
    db.commit()
    yield wording
    db.execute(delete(SegmentWording).where(SegmentWording.id == wording.id))
    db.execute(delete(CustomerSegment).where(CustomerSegment.days_ago == 0, CustomerSegment.customer_id == customer_id))
    if kept is not None:
        db.add(CustomerSegment(**kept))
    db.commit()


def test_a_verified_customer_sees_the_segments_wording_and_the_transcript_names_it(stack, db, win_back):
    sender = f"e2e-seg-{uuid.uuid4().hex[:10]}"
    stack.say(sender, "where is my order?")
    stack.say(sender, LATE["number"])
    answer = stack.chat(sender, LATE["email"])
    assert answer.status_code == 200
    message = answer.json()["messages"][0]
    assert message["text"] == "WIN-BACK: we value you, order #100004 is late and we're on it."
    assert [b["payload"] for b in message.get("buttons") or []] == ["/human_handoff", "/deny"]
    event = next(e for e in _bot_events(stack, stack.sid(sender))
                 if (e.get("metadata") or {}).get("segment_wording"))
    assert event["text"] == message["text"]
    assert (event["metadata"]["segment_wording"], event["metadata"]["segment"]) == (win_back.id, "Can't lose them")
