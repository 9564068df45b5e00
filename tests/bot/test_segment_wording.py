"""Per-segment wording: validation, one rule per response/language/segment, and which text a customer sees."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import inspect, select

from bot.experiments import (
    ArmInput, ExperimentInput, InvalidExperiment, InvalidWording, SegmentText, Served, WordingConflict,
    WordingInput, WordingNotFound, choose_text, create_experiment, delete_wording, list_wordings, save_wording,
    segment_of_email, stop_experiment,
)
from bot.experiments.assignment import assign
from bot.models import Customer, CustomerSegment, ExperimentExposure
from tests.migrations import migrated, model_differences

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
RESPONSE = "utter_recommend_personal"
WIN_BACK = "We've missed you! Here is what's new since your last order:\n{lines}"
THANKS = "Thank you for being one of our best customers! Picked for you:\n{lines}"


def _customer(session, segment: str | None) -> str:
    """A new customer's email, in ``segment`` today (no row when None)."""
    email = f"seg-{uuid.uuid4().hex[:12]}@example.com"
    customer = Customer(email=email, first_name="Sam", last_name="Segment")
    session.add(customer)
    session.flush()
    if segment is not None:
        session.add(CustomerSegment(days_ago=0, customer_id=customer.id, segment=segment, r_score=1, f_score=5,
                                    m_score=5, recency_days=200, frequency=9, monetary=Decimal("900.00")))
        session.flush()
    return email


def _wording(session, segment: str = "Can't lose them", text: str = WIN_BACK, **changes):
    data = dict(response=RESPONSE, language="en", segment=segment, text=text)
    data.update(changes)
    return save_wording(session, data=WordingInput(**data), updated_by="admin@example.com")


def _experiment(session, segment: str | None = None):
    return create_experiment(session, data=ExperimentInput(
        name="Intro", response=RESPONSE, language="en", metric="contained", segment=segment,
        arms=(ArmInput("A", "A: picked for you\n{lines}", 50), ArmInput("B", "B: just for you\n{lines}", 50)),
        baseline_rate=0.5, min_effect=0.1), created_by="admin@example.com")


def _choose(session, email: str | None, sender: str | None = None):
    return choose_text(session, response=RESPONSE, language="en", sender_id=sender or f"v-{uuid.uuid4().hex}",
                       verified_email=email, now=NOW)


# --- which text ------------------------------------------------------------------


def test_a_customer_in_a_segment_with_a_wording_sees_that_text(session):
    wording = _wording(session)
    email = _customer(session, "Can't lose them")
    assert segment_of_email(session, email=email.upper()) == "Can't lose them"
    assert _choose(session, email) == SegmentText(wording_id=wording.id, segment="Can't lose them", text=WIN_BACK)


def test_customers_without_a_segment_or_a_rule_and_anonymous_visitors_see_the_domain_text(session):
    _wording(session)
    assert _choose(session, _customer(session, None)) is None
    assert _choose(session, _customer(session, "Champions")) is None
    assert _choose(session, None) is None
    assert _choose(session, "nobody-known@example.com") is None


def test_the_wording_is_per_language(session):
    _wording(session)
    email = _customer(session, "Can't lose them")
    assert choose_text(session, response=RESPONSE, language="de", sender_id="s", verified_email=email) is None


def test_an_experiment_limited_to_a_segment_enrols_only_that_segments_verified_customers(session):
    experiment = _experiment(session, segment="Champions")
    champion, other = _customer(session, "Champions"), _customer(session, "Loyal")
    sender = f"v-{uuid.uuid4().hex}"
    served = _choose(session, champion, sender)
    assert isinstance(served, Served) and served.segment == "Champions"
    assert served.position == assign(experiment_id=experiment.id, sender_id=sender, weights=[50, 50])
    # Other segments, customers without one and anonymous visitors are not enrolled and leave no exposure.
    for email in (other, _customer(session, None), None):
        outsider = f"v-{uuid.uuid4().hex}"
        assert _choose(session, email, outsider) is None
        assert session.scalar(select(ExperimentExposure).where(ExperimentExposure.sender_id == outsider)) is None


def test_a_running_experiment_on_the_segment_wins_over_its_wording_and_the_wording_returns_when_it_stops(session):
    wording = _wording(session, segment="Champions", text=THANKS)
    experiment = _experiment(session, segment="Champions")
    email = _customer(session, "Champions")
    assert isinstance(_choose(session, email), Served)
    stop_experiment(session, experiment_id=experiment.id, now=NOW)
    assert _choose(session, email) == SegmentText(wording_id=wording.id, segment="Champions", text=THANKS)


def test_an_experiment_limited_to_another_segment_leaves_the_wording_in_place(session):
    wording = _wording(session)
    _experiment(session, segment="Champions")
    email = _customer(session, "Can't lose them")
    assert _choose(session, email) == SegmentText(wording_id=wording.id, segment="Can't lose them", text=WIN_BACK)


def test_an_experiment_for_everyone_wins_over_every_segments_wording(session):
    _wording(session)
    _experiment(session)
    assert isinstance(_choose(session, _customer(session, "Can't lose them")), Served)


def test_an_experiment_names_a_known_segment(session):
    with pytest.raises(InvalidExperiment, match="not a customer segment"):
        _experiment(session, segment="Whales")


# --- rules -----------------------------------------------------------------------


@pytest.mark.parametrize("changes, message", [
    ({"response": "utter_greet_short"}, "not a response"),
    ({"language": "fr"}, "en or de"),
    ({"segment": "Whales"}, "not a customer segment"),
    ({"text": "   "}, "empty"),
    ({"text": "x{lines}" * 400}, "longer than"),
    ({"text": "Hi {name}, picks:\n{lines}"}, "placeholders the response does not fill: {name}"),
    ({"text": "We missed you!"}, "must keep {lines}"),
])
def test_a_wording_is_validated_like_an_experiments_variant(session, changes, message):
    with pytest.raises(InvalidWording, match=message):
        _wording(session, **changes)


def test_one_wording_per_response_language_and_segment_and_editing_keeps_it_one(session):
    first = _wording(session)
    with pytest.raises(WordingConflict):
        _wording(session, text="Again:\n{lines}")
    other = _wording(session, segment="Champions", text=THANKS)
    # Moving the Champions rule onto the win-back segment clashes too, and leaves both as they were.
    with pytest.raises(WordingConflict):
        save_wording(session, wording_id=other.id, updated_by="admin", data=WordingInput(
            response=RESPONSE, language="en", segment="Can't lose them", text=THANKS))
    edited = save_wording(session, wording_id=first.id, updated_by="admin2", data=WordingInput(
        response=RESPONSE, language="en", segment="Can't lose them", text="Welcome back!\n{lines}"))
    assert (edited.id, edited.text, edited.updated_by) == (first.id, "Welcome back!\n{lines}", "admin2")
    assert {(w.segment, w.text) for w in list_wordings(session)} >= {
        ("Can't lose them", "Welcome back!\n{lines}"), ("Champions", THANKS)}


def test_deleting_a_wording_brings_back_the_domain_text(session):
    wording = _wording(session)
    email = _customer(session, "Can't lose them")
    delete_wording(session, wording_id=wording.id)
    assert _choose(session, email) is None
    with pytest.raises(WordingNotFound):
        delete_wording(session, wording_id=wording.id)


# --- migration and transcript ----------------------------------------------------


def test_migration_0016_matches_the_models(tmp_path):
    with migrated(tmp_path) as (cfg, engine):
        assert model_differences(engine, "segment_wording", "experiment") == []
        command.downgrade(cfg, "0015")
        with engine.connect() as conn:
            assert "segment_wordings" not in inspect(conn).get_table_names()
            assert "segment" not in {c["name"] for c in inspect(conn).get_columns("experiments")}
            assert "uq_experiments_running_response" in {i["name"] for i in inspect(conn).get_indexes("experiments")}
        command.upgrade(cfg, "head")


def test_the_console_transcript_names_the_segment_wording_of_a_bot_message():
    from bot.transcripts.store import StoredEvent
    from bot.transcripts.transcript import build_timeline

    def bot(seq: int, metadata: dict) -> StoredEvent:
        return StoredEvent(seq=seq, sender_id="s1", type_name="bot", timestamp=1_750_000_000.0 + seq,
                           data={"event": "bot", "text": "Welcome back", "data": {}, "metadata": metadata})

    items = build_timeline([
        bot(1, {"segment_wording": 4, "segment": "Champions"}),
        bot(2, {"ab_experiment": 3, "ab_arm": "B", "segment": "Champions"}),
        bot(3, {"segment_wording": "4"}),
    ])
    assert [(i.segment_wording, i.ab_arm) for i in items] == [
        ("segment Champions, wording 4", None), (None, "experiment 3, arm B (segment Champions)"), (None, None)]
