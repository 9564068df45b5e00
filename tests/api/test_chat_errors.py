import time

import pytest

from api.errors import INTERRUPTED_ERROR, INTERRUPTED_MESSAGE
from tests.api.conftest import free_port


@pytest.fixture
def client(make_client):
    return make_client(rasa_url=f"http://127.0.0.1:{free_port()}")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sender_id": "v1", "message": ""}, "message"),
        ({"sender_id": "v1"}, "message"),
        ({"sender_id": "", "message": "hi"}, "sender_id"),
        ({"sender_id": "bad id with spaces", "message": "hi"}, "sender_id"),
        ({"sender_id": "v1", "message": "x" * 1001}, "message"),
        ({"sender_id": "v1", "message": 42}, "message"),
    ],
)
def test_invalid_bodies_get_a_clear_422(client, body, field):
    response = client.post("/api/chat", json=body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["error"] == "invalid request"
    assert field in [p["field"] for p in payload["detail"]]


def test_whitespace_only_message_is_refused(client):
    response = client.post("/api/chat", json={"sender_id": "v1", "message": "   "})
    assert response.status_code == 422
    assert response.json() == {"error": "message is empty"}


def test_malformed_json_is_a_422_not_a_500(client):
    response = client.post("/api/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid request"


def test_oversized_body_is_refused_with_413(client):
    response = client.post("/api/chat", content=b"x" * 20000, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "request too large"


def test_rasa_down_answers_503_quickly(client):
    started = time.monotonic()
    response = client.post("/api/chat", json={"message": "hello"})
    assert response.status_code == 503
    assert "not available" in response.json()["detail"]
    assert response.headers["retry-after"] == "30"
    assert time.monotonic() - started < 3


def test_hung_rasa_answers_503_after_the_timeout(make_client, silent_server):
    client = make_client(rasa_url=silent_server, timeout=1.0)
    started = time.monotonic()
    response = client.post("/api/chat", json={"message": "hello"})
    assert response.status_code == 503
    assert time.monotonic() - started < 4


def test_a_rasa_that_drops_the_message_asks_for_it_again_in_a_moment(make_client, dropping_server):
    client = make_client(rasa_url=dropping_server, timeout=5.0)
    response = client.post("/api/chat", json={"message": "hello"})
    assert response.status_code == 503
    assert response.json() == {"error": INTERRUPTED_ERROR, "detail": INTERRUPTED_MESSAGE}
    assert response.headers["retry-after"] == "2"  # the widget sends it again after that (same client_id)


def test_health_reports_each_component(client):
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["components"]["database"]["ok"] is True
    assert body["components"]["rasa"]["ok"] is False
    assert body["components"]["action_server"]["ok"] is False


def test_openapi_documents_the_chat_route(client):
    spec = client.get("/openapi.json").json()
    assert "/api/chat" in spec["paths"] and "/health" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_custom_payload_is_attached_to_the_text_before_it():
    from api.routes.chat import _merge_payloads
    from api.schemas import BotMessage

    merged = _merge_payloads(
        [BotMessage(text="Here's what I found"), BotMessage(custom={"type": "product_cards", "products": []}), BotMessage(text="Anything else?")]
    )
    assert [m.text for m in merged] == ["Here's what I found", "Anything else?"]
    assert merged[0].custom == {"type": "product_cards", "products": []}
