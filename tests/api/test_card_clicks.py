"""Product card clicks through the gateway: the widget's cards carry a counted link that records the click
for the conversation that was shown the card, and redirects to the product's page and nowhere else."""

from __future__ import annotations

import re
from collections.abc import Iterator
import httpx
import pytest
from sqlalchemy import delete, select

from bot.db import session_scope
from bot.models import CardClick, Product
from tests.api.console_helpers import logged_in


@pytest.fixture
def shown(shop_db) -> Iterator[list[Product]]:
    """Two products the fake bot shows as cards; the clicks on them are removed afterwards."""
    with session_scope() as session:
        products = list(session.scalars(select(Product).order_by(Product.id).limit(2)))
        session.expunge_all()
    yield products
    with session_scope() as session:
        session.execute(delete(CardClick).where(CardClick.product_id.in_([p.id for p in products])))


def _cards_answer(products: list[Product]) -> list[dict]:
    cards = [{"id": p.id, "name": p.name, "price": "€10.00", "url": f"http://shop.test/products/{p.slug}"}
             for p in products]
    return [{"text": "Our best sellers:", "custom": {"type": "product_cards", "products": cards}}]


def _conversation_with_cards(client, products: list[Product]) -> tuple[str, list[dict]]:
    """A new widget session that asked and was shown ``products``: (session id, the cards as the widget got them)."""
    client.fake.answer = _cards_answer(products)
    sid = client.post("/api/sessions").json()["session_id"]
    sent = client.post(f"/api/sessions/{sid}/messages", json={"text": "best sellers?"})
    assert sent.status_code == 200, sent.text
    cards = next(m for m in sent.json()["messages"] if m["cards"])["cards"]
    return sid, cards


def _clicks(sender: str | None = None) -> list[tuple[str, int]]:
    with session_scope() as session:
        stmt = select(CardClick.sender_id, CardClick.product_id).order_by(CardClick.id)
        if sender:
            stmt = stmt.where(CardClick.sender_id == sender)
        return [tuple(row) for row in session.execute(stmt)]


def test_a_card_link_records_the_click_once_and_opens_the_product_page(gateway, shown):
    client = gateway()
    sid, cards = _conversation_with_cards(client, shown)
    assert [c["id"] for c in cards] == [p.id for p in shown]
    link = cards[1]["click_url"]
    assert link.startswith("/cards/c/") and sid not in link  # the bearer id stays out of URLs and logs
    followed = client.get(link, follow_redirects=False)
    assert followed.status_code == 303
    assert followed.headers["location"] == f"http://shop.test/products/{shown[1].slug}"
    assert client.get(link, follow_redirects=False).status_code == 303  # a reload: counted once
    assert _clicks(sid) == [(sid, shown[1].id)]
    # The history read again (a reload of the page) gives the same links.
    again = client.get(f"/api/sessions/{sid}/messages").json()["messages"]
    assert [c["click_url"] for m in again for c in m["cards"]] == [c["click_url"] for c in cards]


def test_another_conversation_cannot_have_a_click_counted_for_it(gateway, shown):
    client = gateway()
    victim, victim_cards = _conversation_with_cards(client, shown)
    attacker, attacker_cards = _conversation_with_cards(client, shown)
    victim_seq = victim_cards[0]["click_url"].removeprefix("/cards/c/").split(".")[0]
    # The attacker's own valid token pointed at the victim's message (its seq is a guessable row id).
    _, product, mac = attacker_cards[0]["click_url"].removeprefix("/cards/c/").split(".")
    assert client.get(f"/cards/c/{victim_seq}.{product}.{mac}", follow_redirects=False).status_code == 404
    # Nor at another product of their own message.
    seq, _, mac = attacker_cards[0]["click_url"].removeprefix("/cards/c/").split(".")
    assert client.get(f"/cards/c/{seq}.{shown[1].id}.{mac}", follow_redirects=False).status_code == 404
    assert _clicks(victim) == [] and _clicks(attacker) == []


@pytest.mark.parametrize("path", [
    "/cards/c/http://evil.example", "/cards/c/%2F%2Fevil.example", "/cards/c/evil.example",
    "/cards/c/1.2.AAAAAAAAAAAAAAAAAAAAAA", "/cards/c/" + "9" * 200, "/cards/c/%00", "/cards/c/%F0%9F%92%A5",
    "/cards/c/1.2.3", "/cards/c/..%2F..%2Fconsole",
])
def test_garbage_and_forged_links_get_a_clear_404_and_redirect_nowhere(gateway, shown, path):
    client = gateway()
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 404 and "location" not in response.headers
    # A slash never reaches the route (the router's own 404); everything else gets the route's words.
    assert response.json()["error"] in ("unknown or invalid product link", "Not Found")


def test_no_query_or_header_can_change_where_a_link_leads(gateway, shown):
    client = gateway()
    _, cards = _conversation_with_cards(client, shown)
    response = client.get(cards[0]["click_url"] + "?url=http://evil.example&next=//evil.example",
                          headers={"Referer": "http://evil.example", "Host": "evil.example"},
                          follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"http://shop.test/products/{shown[0].slug}"


def test_clicks_are_rate_limited_per_source(gateway, shown):
    client = gateway(rate_limit_messages="3/minute")
    _, cards = _conversation_with_cards(client, shown)  # one message: one of the three
    assert client.get(cards[0]["click_url"], follow_redirects=False).status_code == 303
    assert client.get(cards[1]["click_url"], follow_redirects=False).status_code == 303
    refused = client.get(cards[1]["click_url"], follow_redirects=False)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1


def test_a_message_without_a_product_id_gets_no_counted_link(gateway, shown):
    client = gateway()
    client.fake.answer = [{"text": "See:", "custom": {"type": "product_cards",
                                                      "products": [{"name": "No id", "url": "http://shop.test/x"}]}}]
    sid = client.post("/api/sessions").json()["session_id"]
    card = next(m for m in client.post(f"/api/sessions/{sid}/messages", json={"text": "hi"}).json()["messages"]
                if m["cards"])["cards"][0]
    assert card["click_url"] is None and card["url"] == "http://shop.test/x"


def test_the_recommendations_page_shows_todays_card_clicks(gateway, shown, staff):
    client = gateway()
    sid, cards = _conversation_with_cards(client, shown)
    for card in cards:
        client.get(card["click_url"], follow_redirects=False)
    client.base_url = httpx.URL("https://testserver")  # the console's Secure cookie
    logged_in(client, staff("agent"))
    page = client.get("/console/recommendations")
    assert page.status_code == 200
    table = re.search(r'<table class="table" id="table-card-clicks">(.*?)</table>', page.text, re.S).group(1)
    rows = re.findall(r"<tr><td>([\d-]+)</td><td>(\d+)</td><td>(\d+)</td></tr>", table)
    assert len(rows) == 14
    # Both cards of one conversation, on one day (the support time zone's); the other days are empty.
    assert sorted((n, c) for _, n, c in rows) == [("0", "0")] * 13 + [("2", "1")]
    assert re.search(r'<th scope="row">Total</th><td>2</td>', table)
