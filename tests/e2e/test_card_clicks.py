"""Product card clicks end to end: an experiment on the best-sellers intro, a visitor shown the cards in a
widget session, the card's link followed as the browser would, and the report counting it."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import delete, select

from bot.experiments import ArmInput, ExperimentInput, build_report, create_experiment
from bot.experiments.assignment import assign
from bot.models import CardClick, Experiment, ExperimentExposure
from tests.e2e.conftest import remove_experiment

pytestmark = pytest.mark.e2e
ARMS = {"plain": "PLAIN ARM{scope}:\n{lines}", "eager": "EAGER ARM, have a look{scope}:\n{lines}"}


@pytest.fixture
def experiment(stack, db):
    """A running "product card clicked" experiment on the best-sellers intro, removed afterwards with its clicks."""
    made = create_experiment(db, data=ExperimentInput(
        name="e2e best sellers intro", response="utter_recommend_best_sellers", language="en", metric="card_click",
        arms=tuple(ArmInput(name, text, 50) for name, text in ARMS.items()), baseline_rate=0.2, min_effect=0.1),
        created_by="e2e")
    db.commit()
    senders: list[str] = []
    yield made, senders
    db.execute(delete(CardClick).where(CardClick.sender_id.in_(senders)))
    remove_experiment(db, made.id)


def _shown_cards(stack, senders: list[str]) -> tuple[str, dict]:
    """A new widget session that asked for the best sellers: (session id, the message with the cards)."""
    sid = httpx.post(f"{stack.api_url}/api/sessions", timeout=10).json()["session_id"]
    senders.append(sid)
    sent = httpx.post(f"{stack.api_url}/api/sessions/{sid}/messages", timeout=30,
                      json={"text": "what are your best sellers", "client_id": uuid.uuid4().hex})
    assert sent.status_code == 200, sent.text
    message = next(m for m in sent.json()["messages"] if m["cards"])
    return sid, message


def test_a_followed_card_link_lands_on_the_product_and_counts_in_the_report(stack, db, experiment):
    made, senders = experiment
    clicked_arms: list[int] = []
    for visitor in range(4):
        sid, message = _shown_cards(stack, senders)
        position = assign(experiment_id=made.id, sender_id=sid, weights=[50, 50])
        assert message["text"].startswith(list(ARMS.values())[position].split("{")[0]), message["text"]
        if visitor % 2:
            continue  # shown the cards, never clicked
        card = message["cards"][0]
        link = f"{stack.api_url}{card['click_url']}"
        first = httpx.get(link, timeout=10, follow_redirects=True)  # followed like a browser: the redirect, then the product page
        assert first.status_code == 200 and str(first.url) == card["url"]
        assert card["name"] in first.text
        assert httpx.get(link, timeout=10, follow_redirects=False).status_code == 303  # a reload
        clicked_arms.append(position)
        db.expire_all()
        assert [(c.message_seq, c.product_id) for c in db.scalars(select(CardClick).where(CardClick.sender_id == sid))] \
            == [(message["seq"], card["id"])]
    db.expire_all()
    exposures = {e.sender_id: e.position for e in db.scalars(
        select(ExperimentExposure).where(ExperimentExposure.experiment_id == made.id))}
    assert set(exposures) == set(senders)
    report = build_report(db, experiment=db.get(Experiment, made.id))
    expected = [(sum(p == arm for p in exposures.values()), sum(p == arm for p in clicked_arms)) for arm in (0, 1)]
    assert [(arm.exposed, arm.successes) for arm in report.arms] == expected
    assert sum(arm.successes for arm in report.arms) == 2
