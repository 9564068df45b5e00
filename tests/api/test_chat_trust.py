"""The public chat API trusts no caller: ids it issued, limits per source, payloads only as offered."""

from __future__ import annotations

import pytest
from starlette.websockets import WebSocketDisconnect

from api.relay import COMMAND_NOTICE, incoming
from api.waiting import TooManyWaiting, WaitingSlots
from bot.settings import get_settings
from bot.visitor_sessions import is_session_id, new_session_id

KEY = "k" * 40


def _chat(client, message, sender_id=None, **kwargs):
    body = {"message": message} | ({"sender_id": sender_id} if sender_id is not None else {})
    return client.post("/api/chat", json=body, **kwargs)


def test_a_conversation_starts_without_an_id_and_continues_with_the_one_issued(gateway):
    client = gateway()
    first = _chat(client, "hi")
    assert first.status_code == 200
    sid = first.json()["sender_id"]
    assert is_session_id(sid, secret_key=get_settings().secret_key)
    again = _chat(client, "running shoes", sid)
    assert again.status_code == 200 and again.json()["sender_id"] == sid
    assert [b["sender"] for b in client.fake.received] == [sid, sid]
    assert _chat(client, "hi").json()["sender_id"] != sid  # every start is a new conversation


@pytest.mark.parametrize("made_up", ["me-1", "visitor-1", "100001", "a" * 40])
def test_a_caller_cannot_pick_or_guess_a_conversation(gateway, made_up):
    client = gateway()
    response = _chat(client, "when will it arrive?", made_up)
    assert response.status_code == 404
    assert "leave sender_id out" in response.json()["error"]
    assert client.fake.received == []  # Rasa never saw it


def test_an_id_signed_with_another_key_is_refused(gateway):
    client = gateway()
    assert _chat(client, "hi", new_session_id(secret_key="x" * 40)).status_code == 404


def test_chat_is_rate_limited_per_source_like_the_widget(gateway):
    client = gateway(rate_limit_messages="3/minute", rate_limit_sessions="100/minute")
    codes = [_chat(client, "hi").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]  # four new conversations, one source: the source's budget counts
    limited = _chat(client, "hi")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


def test_new_conversations_are_rate_limited_per_source(gateway):
    client = gateway(rate_limit_sessions="2/minute")
    assert [_chat(client, "hi").status_code for _ in range(3)] == [200, 200, 429]


def test_the_widgets_own_messages_count_against_the_same_source(gateway):
    client = gateway(rate_limit_messages="2/minute")
    sid = client.post("/api/sessions").json()["session_id"]
    assert client.post(f"/api/sessions/{sid}/messages", json={"text": "hi"}).status_code == 200
    assert _chat(client, "hi").status_code == 200
    assert _chat(client, "hi").status_code == 429


def test_every_message_carries_the_gateways_source_and_the_visitor_cannot_set_it(gateway):
    client = gateway()
    _chat(client, "hi")
    sid = client.post("/api/sessions").json()["session_id"]
    client.post(f"/api/sessions/{sid}/messages", json={"text": "hi", "source": "ip-someone-else",
                                                       "metadata": {"source": "ip-x"}})
    sources = {body["metadata"]["source"] for body in client.fake.received}
    assert len(sources) == 1 and sources.pop().startswith("ip-")


def test_an_integration_key_binds_its_own_ids_to_a_namespace(gateway):
    client = gateway(integration_keys=f"crm={KEY}")
    auth = {"Authorization": f"Bearer {KEY}"}
    first = _chat(client, "hi", "customer-42", headers=auth)
    assert first.status_code == 200 and first.json()["sender_id"] == "customer-42"
    assert client.fake.received[-1]["sender"] == "crm:customer-42"
    assert client.fake.received[-1]["metadata"]["source"].startswith("key-")
    # Even a widget's id, sent with the key, lands in the integration's namespace, not the widget's chat.
    widget_sid = client.post("/api/sessions").json()["session_id"]
    _chat(client, "hi", widget_sid, headers=auth)
    assert client.fake.received[-1]["sender"] == f"crm:{widget_sid}"


def test_a_wrong_integration_key_is_a_401(gateway):
    client = gateway(integration_keys=f"crm={KEY}")
    response = _chat(client, "hi", "customer-42", headers={"Authorization": "Bearer " + "j" * 40})
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert _chat(client, "hi", "customer-42", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.fake.received == []


def test_a_payload_the_bot_did_not_offer_reaches_nlu_as_words(gateway):
    client = gateway()
    sid = _chat(client, "hi").json()["sender_id"]
    response = _chat(client, '/greet{"brand":1e999}', sid)
    assert response.status_code == 200
    sent = client.fake.received[-1]
    assert sent["message"] == 'greet{"brand":1e999}'  # no "/": Rasa's payload parser never sees it
    assert sent["metadata"]["display"] == '/greet{"brand":1e999}'  # shown as typed


def test_a_payload_the_bot_offered_is_passed_as_is(gateway):
    client = gateway()
    client.fake.answer = [{"text": "Talk to a person?", "buttons": [{"title": "Yes", "payload": "/affirm"},
                                                                    {"title": "No", "payload": "/deny"}]}]
    sid = client.post("/api/sessions").json()["session_id"]
    client.post(f"/api/sessions/{sid}/messages", json={"text": "my parcel is late"})
    client.fake.answer = [{"text": "Sure."}]
    client.post(f"/api/sessions/{sid}/messages", json={"text": "/affirm", "display": "Yes"})
    assert client.fake.received[-1]["message"] == "/affirm"
    # A payload offered to another conversation is not honoured in this one.
    other = client.post("/api/sessions").json()["session_id"]
    client.post(f"/api/sessions/{other}/messages", json={"text": "/affirm"})
    assert client.fake.received[-1]["message"] == "affirm"


@pytest.mark.parametrize("command", ["/restart", "/session_start", "/RESTART", "/back"])
def test_rasa_commands_get_a_clear_answer_and_do_nothing(gateway, command):
    client = gateway()
    sid = client.post("/api/sessions").json()["session_id"]
    widget = client.post(f"/api/sessions/{sid}/messages", json={"text": command})
    assert widget.status_code == 200
    assert widget.json()["messages"][-1]["text"] == COMMAND_NOTICE.format(command=command)
    chat = _chat(client, command)
    assert chat.status_code == 200 and "aren't available" in chat.json()["messages"][0]["text"]
    assert client.fake.received == []


def test_a_bare_slash_is_an_empty_message(gateway):
    client = gateway()
    assert _chat(client, "///").status_code == 422


def test_incoming_keeps_ordinary_text_and_metadata():
    message = incoming("where is my order?", offered=frozenset(), source="ip-1", client_id="c1", display=None)
    assert message.text == "where is my order?" and message.notice is None
    assert message.metadata == {"source": "ip-1", "client_id": "c1"}


def test_long_polls_are_rate_limited_per_source(gateway):
    client = gateway(rate_limit_long_polls="2/minute")
    sid = client.post("/api/sessions").json()["session_id"]
    codes = [client.get(f"/api/sessions/{sid}/messages", params={"wait": 1}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get(f"/api/sessions/{sid}/messages").status_code == 200  # a plain read is not a long poll


def test_a_source_may_keep_only_so_many_websockets_open(gateway):
    client = gateway(max_waiting_per_source="1")
    sid = client.post("/api/sessions").json()["session_id"]
    with client.websocket_connect(f"/api/sessions/{sid}/ws"):
        with client.websocket_connect(f"/api/sessions/{sid}/ws") as second:
            with pytest.raises(WebSocketDisconnect) as closed:
                second.receive_json()
            assert closed.value.code == 4430


def test_waiting_slots_are_counted_and_given_back():
    slots = WaitingSlots(per_source=2)
    with slots.hold("a"), slots.hold("a"):
        with pytest.raises(TooManyWaiting):
            with slots.hold("a"):
                pass
        with slots.hold("b"):
            assert slots.held("a") == 2 and slots.held("b") == 1
    assert slots.held("a") == 0


def test_even_an_offered_payload_must_have_the_plain_shape():
    bad = '/greet{"brand": 1e999}'
    message = incoming(bad, offered=frozenset({bad}), source="ip-1")
    assert message.text == 'greet{"brand": 1e999}' and message.metadata["display"] == bad
    good = '/product_info{"product_id": 12}'
    assert incoming(good, offered=frozenset({good}), source="ip-1").text == good


def test_ratings_draw_on_the_same_per_source_budget(gateway):
    client = gateway(rate_limit_messages="2/minute")
    sid = client.post("/api/sessions").json()["session_id"]
    assert client.post(f"/api/sessions/{sid}/messages", json={"text": "hi"}).status_code == 200
    assert _chat(client, "hi").status_code == 200
    assert client.post(f"/api/sessions/{sid}/rating", json={"rating": 5}).status_code == 429


@pytest.mark.parametrize("language", ["fr", "EN", "", "de-DE", 1, None, ["de"]])
def test_a_language_the_bot_does_not_speak_is_a_clear_422_and_reaches_no_one(gateway, language):
    client = gateway()
    body = {"message": "hallo", "language": language}
    if language is None:  # null means "not given": the conversation keeps its language
        assert client.post("/api/chat", json=body).status_code == 200
        assert "language" not in (client.fake.received[-1].get("metadata") or {})
        return
    refused = client.post("/api/chat", json=body)
    assert refused.status_code == 422 and "language" in refused.text
    assert client.fake.received == []
    for good in ("en", "de"):
        assert client.post("/api/chat", json={"message": "hallo", "language": good}).status_code == 200
        assert client.fake.received[-1]["metadata"]["language"] == good
