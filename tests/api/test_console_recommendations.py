"""The console's recommendations page: the model's state, its offline figures, one customer's picks."""

from __future__ import annotations

import re

import pytest

from api.console import recommendations as page_module
from bot.db import session_scope
from bot.models import Customer
from bot.recs import serving
from bot.recs.baskets import shop_baskets
from bot.recs.model import CFModel, Params
from tests.api.console_helpers import logged_in

FIGURES = {
    "dataset": "online-retail", "evaluated": 2498, "when": "2026-12-04 20:25 UTC", "params": "factors=32",
    "rules_baseline": "description words",
    "rows": {"ALS model": {"hit@10": [0.369, 0.35, 0.388], "ndcg@10": [0.078, 0.073, 0.084]},
             "popularity": {"hit@10": [0.234, 0.217, 0.251], "ndcg@10": [0.035, 0.032, 0.038]}},
    "diff": {"hit@10": [0.135, 0.113, 0.16], "ndcg@10": [0.043, 0.037, 0.049]},
}


@pytest.fixture
def model(shop_db, monkeypatch) -> CFModel:
    with session_scope() as session:
        trained = CFModel.train(shop_baskets(session), Params(factors=16, iterations=10),
                                meta={"trained_at": "2026-12-04T20:00:00+00:00", "baskets": 42})
    monkeypatch.setattr(serving, "load_model", lambda path=None: trained)
    monkeypatch.setattr(page_module, "evaluation_figures",
                        lambda source: FIGURES if source == "online-retail" else None)
    return trained


def _rows(page: str, table_id: str) -> list[str]:
    table = re.search(rf'<table class="table" id="{table_id}">(.*?)</table>', page, re.S).group(1)
    return re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)


def test_without_a_model_the_page_says_the_rules_serve(client, staff, monkeypatch):
    monkeypatch.setattr(serving, "load_model", lambda path=None: None)
    monkeypatch.setattr(page_module, "evaluation_figures", lambda source: None)
    logged_in(client, staff("agent"))
    page = client.get("/console/recommendations")
    assert page.status_code == 200
    assert 'href="/console/recommendations" aria-current="page"' in page.text
    assert 'id="recs-no-model"' in page.text and 'id="recs-no-eval"' in page.text


def test_the_page_shows_the_model_its_figures_and_a_customers_picks(client, staff, model):
    logged_in(client, staff("agent"))
    with session_scope() as session:
        customer = session.get(Customer, int(model.user_ids[0]))
        email = customer.email
    page = client.get("/console/recommendations", params={"email": email.upper()})
    assert page.status_code == 200
    text = page.text
    assert 'id="recs-orders">42<' in text
    eval_rows = _rows(text, "table-eval-online-retail")
    assert len(eval_rows) == 3 and "ALS model" in eval_rows[0] and "0.078" in eval_rows[0]
    assert "0.043" in eval_rows[2] and "[0.037, 0.049]" in eval_rows[2]
    model_rows, rule_rows = _rows(text, "table-recs-model"), _rows(text, "table-recs-rules")
    assert len(model_rows) == 5 and len(rule_rows) == 5
    with session_scope() as session:
        expected = serving.model_picks(session, email=email, limit=5, model=model)
    assert [h.name for h in expected] == [re.findall(r"<td>(.*?)</td>", r)[1] for r in model_rows]
    assert 'id="recs-cold"' not in text


def test_an_unknown_email_is_said_so(client, staff, model):
    logged_in(client, staff("agent"))
    page = client.get("/console/recommendations", params={"email": "nobody-at-all@example.com"})
    assert page.status_code == 200 and 'id="recs-unknown"' in page.text


def test_an_email_too_long_to_be_one_gets_the_page_with_a_sentence_not_the_apis_json(client, staff, model):
    logged_in(client, staff("agent"))
    page = client.get("/console/recommendations", params={"email": "9" * 5000 + "@example.com"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<p class="hint" id="recs-email-problem" role="alert">An email address has at most 254 characters.</p>' in page.text
    assert 'id="recs-unknown"' not in page.text and 'id="table-recs-rules"' not in page.text


def test_anonymous_visitors_are_sent_to_the_login_and_see_no_customers_picks(client, model):
    with session_scope() as session:
        email = session.get(Customer, int(model.user_ids[0])).email
    response = client.get("/console/recommendations", params={"email": email}, follow_redirects=False)
    assert response.status_code in (302, 303, 401)
    assert 'id="table-recs-model"' not in response.text and email not in response.text
