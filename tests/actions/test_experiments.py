"""Actions answer in the words of the conversation's A/B arm, and the exposure is recorded then."""

from __future__ import annotations

import uuid

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.fallback import ActionFallbackSuggest
from actions.orders import ActionOrderStatus
from actions.recommend import ActionRecommend
from bot.experiments import ArmInput, ExperimentInput, create_experiment, domain_texts, stop_experiment
from bot.experiments.assignment import assign
from bot.models import Customer, ExperimentExposure
from bot.seed import DEMO_ORDERS
from tests.actions.conftest import make_tracker, run

LATE = next(o for o in DEMO_ORDERS if o["number"] == "100004")  # shipped and late
ARMS = (ArmInput("control", "CONTROL: order #{number} with {carrier} is late, sorry.", 50),
        ArmInput("warm", "WARM: we're so sorry, #{number} ({item_count}) is late. Due {eta}.", 50))


def _experiment(session, response="utter_order_late", arms=ARMS, language="en"):
    return create_experiment(session, data=ExperimentInput(
        name="Test", response=response, language=language, metric="contained", arms=arms,
        baseline_rate=0.6, min_effect=0.1), created_by="admin@example.com")


def _late_status(sender: str, language: str = "en") -> list[dict]:
    dispatcher = CollectingDispatcher()
    slots = {"order_number": LATE["number"], "email": LATE["email"], "language": language}
    run(ActionOrderStatus(), dispatcher, make_tracker("", slots=slots, sender_id=sender))
    return dispatcher.messages


def test_the_late_apology_is_the_arms_text_with_the_orders_values(session):
    experiment = _experiment(session)
    seen = set()
    for _ in range(12):
        sender = f"v-{uuid.uuid4().hex}"
        message = _late_status(sender)[0]
        position = assign(experiment_id=experiment.id, sender_id=sender, weights=[50, 50])
        arm = experiment.arms[position]
        seen.add(arm.name)
        # Rasa keeps the domain response's buttons and puts this text in place of the domain's.
        assert message["response"] == "utter_order_late"
        assert message["text"].startswith(arm.text.split(":")[0] + ":")
        assert f"#{LATE['number']}" in message["text"] and "{" not in message["text"]
        assert message["ab_experiment"] == experiment.id and message["ab_arm"] == arm.name
        exposure = session.scalar(select(ExperimentExposure).where(ExperimentExposure.sender_id == sender))
        customer = session.scalar(select(Customer).where(Customer.email == LATE["email"]))
        assert (exposure.position, exposure.customer_id) == (position, customer.id)
        # The same conversation sees the same arm again.
        assert _late_status(sender)[0]["text"] == message["text"]
    assert seen == {"control", "warm"}


def test_german_visitors_get_the_domains_german_text_when_the_experiment_is_english(session):
    _experiment(session)
    sender = f"v-{uuid.uuid4().hex}"
    message = _late_status(sender, language="de")[0]
    assert message["response"] == "utter_order_late" and message["text"] is None and "ab_arm" not in message
    assert session.scalar(select(ExperimentExposure).where(ExperimentExposure.sender_id == sender)) is None


def test_without_a_running_experiment_the_domain_answers(session):
    experiment = _experiment(session)
    stop_experiment(session, experiment_id=experiment.id)
    message = _late_status(f"v-{uuid.uuid4().hex}")[0]
    assert message["text"] is None and "ab_arm" not in message


def test_the_fallback_wording_can_be_tested(session):
    arms = (ArmInput("A", "Hmm, I didn't catch that.", 50), ArmInput("B", "Sorry, could you say it another way?", 50))
    experiment = _experiment(session, response="utter_default", arms=arms)
    sender = f"v-{uuid.uuid4().hex}"
    tracker = Tracker(sender, {}, {"text": "blorp", "intent": {"name": "nlu_fallback"}, "intent_ranking": []},
                      [{"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}], False, None, {},
                      "action_listen")
    dispatcher = CollectingDispatcher()
    run(ActionFallbackSuggest(), dispatcher, tracker)
    position = assign(experiment_id=experiment.id, sender_id=sender, weights=[50, 50])
    assert [(m["response"], m["text"]) for m in dispatcher.messages] == [("utter_default", arms[position].text)]


def test_a_recommendation_intro_keeps_the_product_list_and_cards(session):
    en = domain_texts()["utter_recommend_best_sellers"]["en"]
    arms = (ArmInput("A", en, 50), ArmInput("B", "Visitors love these{scope}:\n{lines}", 50))
    experiment = _experiment(session, response="utter_recommend_best_sellers", arms=arms)
    sender = next(s for s in (f"v-{i}" for i in range(100))
                  if assign(experiment_id=experiment.id, sender_id=s, weights=[50, 50]) == 1)
    dispatcher = CollectingDispatcher()
    run(ActionRecommend(), dispatcher, make_tracker("best selling headphones", intent="recommend", sender_id=sender))
    message = dispatcher.messages[0]
    assert message["text"].startswith("Visitors love these in ") and message["ab_arm"] == "B"
    cards = message["custom"]["products"]
    assert cards and all(card["name"] in message["text"] for card in cards)
