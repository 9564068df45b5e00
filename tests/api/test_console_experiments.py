"""The console's A/B experiments: access by role, validation, escaping, the report and stopping."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select

from bot.db import session_scope
from bot.experiments import domain_texts
from bot.models import Experiment, ExperimentStatus
from tests.api.console_helpers import logged_in

PAGE = "/console/experiments"


@pytest.fixture(autouse=True)
def no_experiments_left(shop_db):
    """Experiments made here are committed: remove them, so no other test meets a running one."""
    yield
    with session_scope() as session:
        session.execute(delete(Experiment))


def _form(csrf: str, **changes: str) -> dict[str, str]:
    form = {
        "csrf_token": csrf, "name": "Late apology", "response": "utter_order_late", "language": "en",
        "metric": "contained", "metric_days": "7", "baseline": "60", "effect": "5", "alpha": "0.05", "power": "0.8",
        "name_0": "A", "weight_0": "50", "text_0": domain_texts()["utter_order_late"]["en"],
        "name_1": "B", "weight_1": "50", "text_1": "Order #{number} is late, we're sorry. Talk to someone?",
        "name_2": "C", "weight_2": "", "text_2": "",
    }
    form.update(changes)
    return form


def _created_id(response) -> int:
    assert response.status_code == 303, response.text
    return int(re.search(r"/console/experiments/(\d+)", response.headers["location"]).group(1))


def test_anonymous_visitors_are_sent_to_the_login_and_cannot_create(client):
    for path in (PAGE, f"{PAGE}/1"):
        page = client.get(path, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/console/login")
    posted = client.post(PAGE, data=_form("forged"), follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"].startswith("/console/login")
    assert client.post(f"{PAGE}/1/stop", data={"csrf_token": "x"}, follow_redirects=False).status_code == 303
    with session_scope() as session:
        assert session.scalar(select(Experiment)) is None


def test_agents_read_reports_but_cannot_create_or_stop(client, staff):
    admin_client = client
    csrf = logged_in(admin_client, staff("admin"))
    experiment_id = _created_id(admin_client.post(PAGE, data=_form(csrf), follow_redirects=False))
    admin_client.post("/console/logout", data={"csrf_token": csrf})

    agent_csrf = logged_in(client, staff("agent"))
    listing = client.get(PAGE)
    assert listing.status_code == 200 and "Late apology" in listing.text
    assert 'id="experiment-form"' not in listing.text  # no form for agents
    assert client.get(f"{PAGE}/{experiment_id}").status_code == 200
    refused = client.post(PAGE, data=_form(agent_csrf, name="Agent's own"), follow_redirects=False)
    assert refused.status_code == 403 and "admins only" in refused.text.lower()
    assert client.post(f"{PAGE}/{experiment_id}/stop", data={"csrf_token": agent_csrf}).status_code == 403
    with session_scope() as session:
        assert [e.name for e in session.scalars(select(Experiment))] == ["Late apology"]
        assert session.get(Experiment, experiment_id).status == ExperimentStatus.RUNNING


def test_a_form_without_the_session_csrf_token_is_refused(client, staff):
    logged_in(client, staff("admin"))
    assert client.post(PAGE, data=_form("not-the-token"), follow_redirects=False).status_code == 403
    with session_scope() as session:
        assert session.scalar(select(Experiment)) is None


def test_an_admin_creates_an_experiment_and_reads_its_report(client, staff):
    csrf = logged_in(client, staff("admin"))
    experiment_id = _created_id(client.post(PAGE, data=_form(csrf), follow_redirects=False))
    report = client.get(f"{PAGE}/{experiment_id}?done=created")
    assert report.status_code == 200
    assert 'id="experiment-status">running<' in report.text
    assert 'data-verdict="too_early"' in report.text and "No winner yet" in report.text
    planned = re.search(r'id="planned">(\d+)<', report.text).group(1)
    # 60% -> 65%, alpha 0.05, power 0.8: (1.95996 * sqrt(2 * .625 * .375) + 0.84162 * sqrt(.24 + .2275))^2 / .05^2
    # = (1.34190 + 0.57545)^2 / .0025 = 1470.5, rounded up.
    assert int(planned) == 1471
    assert 'href="/console/experiments" aria-current="page"' in report.text


@pytest.mark.parametrize("changes, status, message", [
    ({"weight_0": "60"}, 400, "add up to 100"),
    ({"text_1": "   "}, 400, "has no text"),
    ({"text_1": "x" * 1001}, 400, "longer than 1000"),
    ({"response": "utter_made_up"}, 400, "not a response in domain.yml"),
    ({"text_1": "Hi {email}"}, 400, "placeholders the response does not fill"),
    ({"baseline": "sixty"}, 400, "not a number"),
    ({"text_0": "", "text_1": "", "weight_0": "100", "weight_1": "0"}, 400, "no text"),
])
def test_bad_input_is_refused_with_the_reason_and_the_form_kept(client, staff, changes, status, message):
    csrf = logged_in(client, staff("admin"))
    page = client.post(PAGE, data=_form(csrf, **changes))
    assert page.status_code == status
    assert message in page.text
    assert 'value="Late apology"' in page.text  # what was typed stays
    with session_scope() as session:
        assert session.scalar(select(Experiment)) is None


def test_a_second_running_experiment_on_the_same_response_is_refused(client, staff):
    csrf = logged_in(client, staff("admin"))
    first = _created_id(client.post(PAGE, data=_form(csrf), follow_redirects=False))
    clash = client.post(PAGE, data=_form(csrf, name="Second"))
    assert clash.status_code == 409 and "running already" in clash.text
    client.post(f"{PAGE}/{first}/stop", data={"csrf_token": csrf})
    _created_id(client.post(PAGE, data=_form(csrf, name="Second"), follow_redirects=False))


def test_variant_texts_and_names_are_escaped(client, staff):
    csrf = logged_in(client, staff("admin"))
    evil = '<script>alert("x")</script>'
    experiment_id = _created_id(client.post(
        PAGE, data=_form(csrf, name=f"N {evil}", text_1=f"Sorry {evil} #{{number}}"), follow_redirects=False))
    for page in (client.get(PAGE), client.get(f"{PAGE}/{experiment_id}")):
        assert evil not in page.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text


def test_stopping_freezes_the_report_and_removes_the_button(client, staff):
    csrf = logged_in(client, staff("admin"))
    experiment_id = _created_id(client.post(PAGE, data=_form(csrf), follow_redirects=False))
    assert "Stop the experiment" in client.get(f"{PAGE}/{experiment_id}").text
    stopped = client.post(f"{PAGE}/{experiment_id}/stop", data={"csrf_token": csrf}, follow_redirects=False)
    assert stopped.status_code == 303
    page = client.get(f"{PAGE}/{experiment_id}")
    assert 'id="experiment-status">stopped<' in page.text and "this report is frozen" in page.text
    assert "Stop the experiment" not in page.text
    with session_scope() as session:
        assert session.get(Experiment, experiment_id).frozen_report


def test_an_unknown_experiment_is_a_404(client, staff):
    logged_in(client, staff("agent"))
    assert client.get(f"{PAGE}/987654").status_code == 404


def test_product_card_clicked_is_a_metric_of_the_form_with_its_window_explained(client, staff):
    csrf = logged_in(client, staff("admin"))
    form = client.get(PAGE).text
    assert '<option value="card_click">Product card clicked</option>' in form
    assert "within 24 hours after the text" in form
    experiment_id = _created_id(client.post(PAGE, data=_form(
        csrf, name="Best sellers intro", response="utter_recommend_best_sellers", metric="card_click",
        text_0=domain_texts()["utter_recommend_best_sellers"]["en"], text_1="People love these{scope}:\n{lines}"),
        follow_redirects=False))
    report = client.get(f"{PAGE}/{experiment_id}")
    assert report.status_code == 200 and "Product card clicked" in report.text
    assert "in the same conversation, within 24 hours after the text" in report.text
    with session_scope() as session:
        assert session.get(Experiment, experiment_id).metric == "card_click"
