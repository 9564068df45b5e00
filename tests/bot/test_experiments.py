"""A/B experiments: assignment, statistics against worked examples, definitions, exposures, outcomes, reports."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from alembic import command
from scipy.stats import chi2_contingency
from sqlalchemy import inspect, select

from bot.experiments import (
    ArmInput, ExperimentConflict, ExperimentInput, InvalidExperiment, build_report, create_experiment,
    current_report, fill, planned_per_arm, serve, stop_experiment,
)
from bot.experiments.assignment import assign, bucket
from bot.experiments.stats import compare, difference_interval, sample_size_per_arm, two_proportion_ztest
from bot.models import (
    ConversationRating, Customer, ExperimentExposure, HandoffReason, HandoffRequest, Order, OrderStatus,
)
from tests.migrations import migrated, model_differences

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
LATE_EN = "Sorry, order #{number} is late ({eta}). Want a person?"


def _input(**changes) -> ExperimentInput:
    values = dict(
        name="Late apology", response="utter_order_late", language="en", metric="contained",
        arms=(ArmInput("A", "Order #{number} is running late. Sorry! Talk to someone?", 50),
              ArmInput("B", LATE_EN, 50)),
        baseline_rate=0.5, min_effect=0.1,
    )
    values.update(changes)
    return ExperimentInput(**values)


def _sender() -> str:
    return f"visitor-{uuid.uuid4().hex}"


# --- assignment ------------------------------------------------------------------


def test_assignment_is_a_pure_function_of_experiment_and_sender():
    senders = [f"s{i}" for i in range(200)]
    first = [assign(experiment_id=7, sender_id=s, weights=[50, 50]) for s in senders]
    again = [assign(experiment_id=7, sender_id=s, weights=[50, 50]) for s in senders]
    assert first == again
    # A different experiment reshuffles the senders rather than reusing the same split.
    other = [assign(experiment_id=8, sender_id=s, weights=[50, 50]) for s in senders]
    assert 60 < sum(a != b for a, b in zip(first, other)) < 140
    assert bucket(experiment_id=7, sender_id="s1") == bucket(experiment_id=7, sender_id="s1")


@pytest.mark.parametrize("weights", [[50, 50], [80, 20], [10, 30, 60]])
def test_the_split_over_10k_senders_is_close_to_the_weights(weights):
    n = 10_000
    counts = Counter(assign(experiment_id=3, sender_id=f"sender-{i}", weights=weights) for i in range(n))
    for position, weight in enumerate(weights):
        expected = n * weight / 100
        sd = (n * weight / 100 * (1 - weight / 100)) ** 0.5
        assert abs(counts[position] - expected) < 4 * sd, (position, counts)


# --- statistics ------------------------------------------------------------------


def test_two_proportion_z_test_matches_a_hand_computed_example():
    # 100/1000 against 130/1000: pooled p = 0.115, se = sqrt(0.115 * 0.885 * 2/1000) = 0.0142672,
    # z = 0.03 / 0.0142672 = 2.1027, two-sided p = 2 * (1 - Phi(2.1027)) = 0.0355.
    z, p = two_proportion_ztest(successes_a=100, n_a=1000, successes_b=130, n_b=1000)
    assert z == pytest.approx(2.1027, abs=1e-4)
    assert p == pytest.approx(0.0355, abs=1e-4)
    # Unpooled se = sqrt(0.1*0.9/1000 + 0.13*0.87/1000) = 0.0142513; 95% CI 0.03 -+ 1.95996 * se.
    low, high = difference_interval(successes_a=100, n_a=1000, successes_b=130, n_b=1000)
    assert low == pytest.approx(0.00207, abs=1e-5) and high == pytest.approx(0.05793, abs=1e-5)


def test_z_squared_is_the_uncorrected_chi_square_of_the_2x2_table():
    z, p = two_proportion_ztest(successes_a=48, n_a=310, successes_b=71, n_b=295)
    chi2, p_chi2, _, _ = chi2_contingency([[48, 262], [71, 224]], correction=False)
    assert z**2 == pytest.approx(chi2, rel=1e-9)
    assert p == pytest.approx(p_chi2, rel=1e-9)


def test_no_difference_is_not_significant_and_the_interval_holds_zero():
    c = compare(successes_a=50, n_a=100, successes_b=50, n_b=100)
    assert c.z == 0 and c.p_value == pytest.approx(1.0)
    assert c.ci_low < 0 < c.ci_high


def test_sample_size_matches_fleiss():
    # Fleiss (1981) table A.3 / eq. 4.14 without continuity correction: 10% against 15%,
    # two-sided alpha 0.05, power 0.80, needs 686 per group.
    assert sample_size_per_arm(baseline=0.10, min_effect=0.05, alpha=0.05, power=0.80) == 686
    # More power or a smaller effect needs more.
    assert sample_size_per_arm(baseline=0.10, min_effect=0.05, power=0.90) > 686
    assert sample_size_per_arm(baseline=0.10, min_effect=0.02) > 686
    with pytest.raises(ValueError):
        sample_size_per_arm(baseline=0.95, min_effect=0.1)


# --- definitions -------------------------------------------------------------------


@pytest.mark.parametrize("changes, problem", [
    ({"arms": (ArmInput("A", "one", 100),)}, "2 to 5 variants"),
    ({"arms": (ArmInput("A", "x", 60), ArmInput("B", "y", 60))}, "add up to 100"),
    ({"arms": (ArmInput("A", "x", 100), ArmInput("B", "y", 0))}, "1 to 99 percent"),
    ({"arms": (ArmInput("A", "  ", 50), ArmInput("B", "y", 50))}, "has no text"),
    ({"arms": (ArmInput("A", "x" * 1001, 50), ArmInput("B", "y", 50))}, "longer than 1000"),
    ({"arms": (ArmInput("A", "x", 50), ArmInput("A", "y", 50))}, "distinct name"),
    ({"arms": (ArmInput("A", "x {secret}", 50), ArmInput("B", "y", 50))}, "{secret}"),
    ({"response": "utter_does_not_exist"}, "not a response in domain.yml"),
    ({"response": "utter_greet_short"}, "not a response in domain.yml that an experiment can vary"),
    ({"language": "fr"}, "en or de"),
    ({"metric": "clicks"}, "unknown primary metric"),
    ({"baseline_rate": 1.0}, "baseline"),
    ({"min_effect": 0.6}, "minimum detectable effect"),
    ({"name": ""}, "name"),
])
def test_bad_definitions_are_refused(session, changes, problem):
    with pytest.raises(InvalidExperiment, match=problem.replace("{", r"\{").replace("}", r"\}")):
        create_experiment(session, data=_input(**changes), created_by="admin")


def test_recommendation_variants_must_keep_the_product_list(session):
    arms = (ArmInput("A", "Our picks{scope}:\n{lines}", 50), ArmInput("B", "Have a look{scope}!", 50))
    with pytest.raises(InvalidExperiment, match=r"must keep \{lines\}"):
        create_experiment(session, data=_input(response="utter_recommend_best_sellers", arms=arms),
                          created_by="admin")


def test_only_one_running_experiment_per_response_and_language(session):
    first = create_experiment(session, data=_input(), created_by="admin")
    with pytest.raises(ExperimentConflict):
        create_experiment(session, data=_input(name="Again"), created_by="admin")
    # German visitors are a separate population: their text can be tested at the same time.
    create_experiment(session, data=_input(language="de", arms=(ArmInput("A", "Verspätet #{number}", 50),
                                                                ArmInput("B", "Leider spät", 50))),
                      created_by="admin")
    stop_experiment(session, experiment_id=first.id, now=NOW)
    create_experiment(session, data=_input(name="After the first"), created_by="admin")


# --- serving and exposures ---------------------------------------------------------


def test_serve_records_one_exposure_per_conversation_with_its_arm(session):
    experiment = create_experiment(session, data=_input(), created_by="admin")
    sender = _sender()
    first = serve(session, response="utter_order_late", language="en", sender_id=sender, now=NOW)
    again = serve(session, response="utter_order_late", language="en", sender_id=sender, now=NOW + timedelta(hours=1))
    assert first == again
    assert first.text == experiment.arms[first.position].text
    rows = session.scalars(select(ExperimentExposure).where(ExperimentExposure.sender_id == sender)).all()
    assert [(r.position, r.exposed_at.replace(tzinfo=timezone.utc)) for r in rows] == [(first.position, NOW)]
    # Other responses, other languages and stopped experiments serve the domain's text and record nothing.
    assert serve(session, response="utter_default", language="en", sender_id=sender) is None
    assert serve(session, response="utter_order_late", language="de", sender_id=sender) is None
    stop_experiment(session, experiment_id=experiment.id, now=NOW + timedelta(days=1))
    assert serve(session, response="utter_order_late", language="en", sender_id=_sender()) is None


def test_fill_replaces_known_placeholders_only():
    assert fill(LATE_EN, {"number": "100004", "eta": "Mon"}) == "Sorry, order #100004 is late (Mon). Want a person?"
    assert fill("{a} {b}", {"a": 1}) == "1 {b}"


# --- outcomes and reports -------------------------------------------------------------


def _expose(session, experiment, *, position: int, count: int, at: datetime = NOW, **extra) -> list[str]:
    senders = [_sender() for _ in range(count)]
    session.add_all(ExperimentExposure(experiment_id=experiment.id, sender_id=s, position=position, exposed_at=at,
                                       **extra) for s in senders)
    session.flush()
    return senders


def _handoff(session, sender: str, at: datetime) -> None:
    session.add(HandoffRequest(sender_id=sender, reason=HandoffReason.LATE_PARCEL, created_at=at))


def test_contained_counts_handoffs_after_the_text_only(session):
    experiment = create_experiment(session, data=_input(), created_by="admin")
    a = _expose(session, experiment, position=0, count=10)
    b = _expose(session, experiment, position=1, count=10)
    for sender in a[:4]:
        _handoff(session, sender, NOW + timedelta(minutes=2))
    _handoff(session, b[0], NOW - timedelta(minutes=5))  # before the text: still contained
    _handoff(session, b[1], NOW + timedelta(minutes=1))
    session.flush()
    report = build_report(session, experiment=experiment, until=NOW + timedelta(days=1))
    assert [(arm.exposed, arm.n, arm.successes) for arm in report.arms] == [(10, 10, 6), (10, 10, 9)]
    assert report.arms[1].difference == pytest.approx(0.3)


def test_csat_counts_rated_conversations_and_four_or_five_stars(session):
    experiment = create_experiment(session, data=_input(metric="csat"), created_by="admin")
    a = _expose(session, experiment, position=0, count=4)
    _expose(session, experiment, position=1, count=3)  # nobody rated
    for sender, stars in zip(a, (5, 4, 2)):
        session.add(ConversationRating(sender_id=sender, rating=stars, created_at=NOW + timedelta(minutes=3),
                                       updated_at=NOW + timedelta(minutes=3)))
    session.flush()
    report = build_report(session, experiment=experiment, until=NOW + timedelta(days=1))
    assert [(arm.exposed, arm.n, arm.successes) for arm in report.arms] == [(4, 3, 2), (3, 0, 0)]


def test_orders_count_verified_customers_whose_window_has_passed(session):
    experiment = create_experiment(session, data=_input(metric="order", metric_days=7), created_by="admin")
    customers = session.scalars(select(Customer).order_by(Customer.id).limit(3)).all()
    _expose(session, experiment, position=0, count=1, customer_id=customers[0].id)  # orders on day 3
    _expose(session, experiment, position=0, count=1, customer_id=customers[1].id)  # orders on day 9: too late
    _expose(session, experiment, position=1, count=1, customer_id=customers[2].id,
            at=NOW + timedelta(days=5))  # its window has not passed yet
    _expose(session, experiment, position=1, count=2)  # not verified: not counted
    for customer, day in ((customers[0], 3), (customers[1], 9)):
        session.add(Order(number=f"9{uuid.uuid4().int % 10**8:08d}", customer_id=customer.id, email=customer.email,
                          status=OrderStatus.PLACED, placed_at=NOW + timedelta(days=day), total=Decimal("10.00"),
                          shipping_address="1 Test Street"))
    session.flush()
    report = build_report(session, experiment=experiment, until=NOW + timedelta(days=10))
    assert [(arm.exposed, arm.n, arm.successes) for arm in report.arms] == [(2, 2, 1), (3, 0, 0)]


def test_no_winner_before_the_planned_sample_even_when_significant(session):
    experiment = create_experiment(session, data=_input(baseline_rate=0.5, min_effect=0.1), created_by="admin")
    planned = planned_per_arm(experiment)
    assert planned == sample_size_per_arm(baseline=0.5, min_effect=0.1)  # two arms: no alpha split
    a = _expose(session, experiment, position=0, count=100)
    _expose(session, experiment, position=1, count=100)
    for sender in a[:70]:  # 30% against 100%: overwhelmingly significant
        _handoff(session, sender, NOW + timedelta(minutes=1))
    session.flush()
    report = build_report(session, experiment=experiment, until=NOW + timedelta(days=1))
    assert report.arms[1].p_value < 1e-6 and report.arms[1].significant
    assert 100 < planned and not report.reached_plan
    assert report.verdict == "too_early" and report.winner is None
    assert str(planned) in report.summary


def test_a_winner_is_called_once_the_plan_is_reached(session):
    experiment = create_experiment(session, data=_input(baseline_rate=0.5, min_effect=0.3), created_by="admin")
    planned = planned_per_arm(experiment)
    a = _expose(session, experiment, position=0, count=planned)
    _expose(session, experiment, position=1, count=planned)
    for sender in a[: planned // 2]:
        _handoff(session, sender, NOW + timedelta(minutes=1))
    session.flush()
    report = build_report(session, experiment=experiment, until=NOW + timedelta(days=1))
    assert report.reached_plan and report.verdict == "winner" and report.winner == "B"


def test_three_arms_split_alpha_between_the_comparisons(session):
    arms = (ArmInput("A", "a", 34), ArmInput("B", "b", 33), ArmInput("C", "c", 33))
    experiment = create_experiment(session, data=_input(arms=arms), created_by="admin")
    report = build_report(session, experiment=experiment, until=NOW)
    assert report.alpha_per_comparison == pytest.approx(0.025)
    assert report.planned_per_arm == sample_size_per_arm(baseline=0.5, min_effect=0.1, alpha=0.025)


def test_stopping_freezes_the_report(session):
    experiment = create_experiment(session, data=_input(), created_by="admin")
    a = _expose(session, experiment, position=0, count=5)
    _expose(session, experiment, position=1, count=5)
    frozen = stop_experiment(session, experiment_id=experiment.id, now=NOW + timedelta(hours=1))
    # Later handoffs (and later exposures, which cannot happen for a stopped experiment) change nothing.
    _handoff(session, a[0], NOW + timedelta(hours=2))
    _expose(session, experiment, position=1, count=5, at=NOW + timedelta(hours=3))
    _, report = current_report(session, experiment_id=experiment.id)
    assert report == frozen
    assert [(arm.exposed, arm.successes) for arm in report.arms] == [(5, 5), (5, 5)]
    assert json.loads(experiment.frozen_report)["as_of"] == report.as_of
    with pytest.raises(ExperimentConflict):
        stop_experiment(session, experiment_id=experiment.id)


# --- migration -------------------------------------------------------------------


def test_migration_0015_matches_the_models(tmp_path):
    with migrated(tmp_path) as (cfg, engine):
        assert model_differences(engine, "experiment") == []
        command.downgrade(cfg, "0014")
        with engine.connect() as conn:
            assert not {"experiments", "experiment_arms", "experiment_exposures"} & set(inspect(conn).get_table_names())
        command.upgrade(cfg, "head")


def test_erasing_a_conversation_removes_its_exposures_and_exports_them_first(session):
    from bot.review.linked import erase_linked, linked_records

    experiment = create_experiment(session, data=_input(), created_by="admin")
    sender = _sender()
    served = serve(session, response="utter_order_late", language="en", sender_id=sender, now=NOW)
    exported = linked_records(session, sender_id=sender)["experiment_exposures"]
    assert exported == [{"experiment_id": experiment.id, "arm": served.position, "exposed_at": NOW.isoformat()}]
    assert erase_linked(session, sender_id=sender) == 1
    assert session.scalar(select(ExperimentExposure).where(ExperimentExposure.sender_id == sender)) is None


def test_the_console_transcript_names_the_arm_of_a_bot_message():
    from bot.transcripts.store import StoredEvent
    from bot.transcripts.transcript import build_timeline

    def bot(seq: int, metadata: dict) -> StoredEvent:
        return StoredEvent(seq=seq, sender_id="s1", type_name="bot", timestamp=1_750_000_000.0 + seq,
                           data={"event": "bot", "text": "WARM: sorry", "data": {}, "metadata": metadata})

    items = build_timeline([bot(1, {"utter_action": "utter_order_late", "ab_experiment": 3, "ab_arm": "warm"}),
                            bot(2, {"utter_action": "utter_order_late"}), bot(3, {"ab_experiment": "3"})])
    assert [(i.text, i.response, i.ab_arm) for i in items] == [
        ("WARM: sorry", "utter_order_late", "experiment 3, arm warm"),
        ("WARM: sorry", "utter_order_late", None), ("WARM: sorry", None, None)]
