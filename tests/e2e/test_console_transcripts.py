"""Console transcripts over a tracker store written by real Rasa conversations.

A product search, an order check (demo order 100001), gibberish that hits the
fallback and a request for a person go through the real gateway, Rasa and
action server; the console then lists, filters, shows, relabels, exports and
deletes them, as an agent and as an admin.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.conversation_refs import conversation_ref
from bot.db import make_engine
from bot.models import ConversationDeletion, ConversationNote, ConversationTag, NluCorrection
from bot.settings import get_settings
from bot.transcripts.store import events
from tests.e2e.agents import console_login, create_agent
from tests.e2e.stack import ROOT, Stack

pytestmark = pytest.mark.e2e

_VISITOR = re.compile(r'data-testid="visitor-message" data-event="(\d+)"')
EMAIL = "emma.schmidt@example.com"


@dataclass
class Console:
    """A console login over plain http://127.0.0.1; its Secure cookies are carried by hand (httpx would not)."""

    base: str
    cookie: str
    csrf: str
    key: str  # the gateway's secret key, to know each conversation's console ref

    def ref(self, sender: str) -> str:
        return conversation_ref(sender, key=self.key)

    def conversation(self, sender: str) -> str:
        """The conversation's console URL, by ref; listing it first is what makes the ref resolvable."""
        assert self.ref(sender) in _listed(self), sender
        return f"/console/conversations/{self.ref(sender)}"

    @classmethod
    def login(cls, stack: Stack, *, role: str) -> Console:
        email = create_agent(stack, name=f"{role.title()} Transcripts", role=role)
        cookie, csrf = console_login(stack, email)
        return cls(base=stack.api_url, cookie=cookie, csrf=csrf, key=stack.secret_key)

    def get(self, path: str, **params: str) -> httpx.Response:
        return httpx.get(self.base + path, params=params, headers={"Cookie": self.cookie}, timeout=30)

    def post(self, path: str, *, csrf: bool = True, **data: str) -> httpx.Response:
        form = {**data, **({"csrf_token": self.csrf} if csrf else {})}
        return httpx.post(self.base + path, data=form, headers={"Cookie": self.cookie}, timeout=30)


@dataclass(frozen=True)
class Talks:
    search: str
    order: str
    fallback: str
    handoff: str
    gibberish: str  # what the fallback conversation said
    rated: bool = False  # the search was rated 4 (where ratings exist)

    def all(self) -> set[str]:
        return {self.search, self.order, self.fallback, self.handoff}


@pytest.fixture(scope="module")
def shop(sqlite_stack) -> Stack:
    return sqlite_stack


# Gibberish the model should not understand; which one lands below the fallback threshold
# depends on the trained model, so the first that does is used.
GIBBERISH = ("blorp snargle", "flibber jabber wok", "qwfp zxcv jklm", "vrrp glomf trizzle", "xq zv kj pw")


def _fallback_talk(shop: Stack, tag: str) -> tuple[str, str]:
    tracker = make_engine(shop.tracker_url)
    try:
        for n, text in enumerate(GIBBERISH):
            sender = f"tx-fallback-{tag}-{n}"
            shop.say(sender, text)
            with tracker.connect() as conn:
                intent = conn.execute(select(events.c.intent_name).where(
                    events.c.sender_id == shop.sid(sender), events.c.type_name == "user")).scalar()
            if intent == "nlu_fallback":
                return shop.sid(sender), text
    finally:
        tracker.dispose()
    pytest.fail(f"the model understood every one of {GIBBERISH}")


@pytest.fixture(scope="module")
def talks(shop) -> Talks:
    tag = uuid.uuid4().hex[:8]
    # The search runs in a widget session, so the visitor can rate it.
    session_id = httpx.post(f"{shop.api_url}/api/sessions", timeout=10).json()["session_id"]
    fallback, gibberish = _fallback_talk(shop, tag)
    t = Talks(search=session_id, order=f"tx-order-{tag}", fallback=fallback, handoff=f"tx-handoff-{tag}",
              gibberish=gibberish)
    shop.say(t.search, "do you have black running shoes")
    shop.say(t.order, "where is my order")
    shop.say(t.order, "100001")
    assert "100001" in shop.say(t.order, EMAIL)
    shop.say(t.handoff, "talk to a human")
    rated = httpx.post(f"{shop.api_url}/api/sessions/{t.search}/rating", json={"rating": 4}, timeout=10)
    assert rated.status_code in (200, 404), rated.text  # 404: no rating endpoint in this checkout
    shop.summaries_caught_up()  # the list reads summary tables that Rasa's event broker feeds
    # The gateway issued the conversations' ids; the tests look them up by those.
    return replace(t, order=shop.sid(t.order), handoff=shop.sid(t.handoff), rated=rated.status_code == 200)


@pytest.fixture(scope="module")
def admin(shop) -> Console:
    return Console.login(shop, role="admin")


@pytest.fixture(scope="module")
def agent(shop) -> Console:
    return Console.login(shop, role="agent")


def _listed(console: Console, **params: str) -> set[str]:
    """Conversation refs on the list page(s) for these filters."""
    found: set[str] = set()
    for page in range(1, 20):
        response = console.get("/console/conversations", **params, page=str(page))
        assert response.status_code == 200, response.text
        found |= set(re.findall(r'<tr data-ref="([^"]+)"', response.text))
        if 'rel="next"' not in response.text:
            return found
    return found


def _listed_talks(console: Console, talks: Talks, **params: str) -> set[str]:
    """Which of the test's conversations (sender ids) the list shows for these filters."""
    listed = _listed(console, **params)
    return {sender for sender in talks.all() if console.ref(sender) in listed}


def _visitor_events(console: Console, sender: str) -> list[int]:
    return [int(i) for i in _VISITOR.findall(console.get(console.conversation(sender)).text)]


def test_the_list_shows_every_conversation_with_its_summary(admin, talks):
    response = admin.get("/console/conversations")
    assert response.status_code == 200 and "Conversations" in response.text
    listed = _listed_talks(admin, talks)
    assert talks.all() <= listed
    page = admin.get("/console/conversations", q=talks.gibberish).text
    row = re.search(rf'<tr data-ref="{admin.ref(talks.fallback)}">(.*?)</tr>', page, re.S).group(1)
    assert "nlu_fallback" in row and 'flag-warn">yes<' in row and talks.gibberish in row
    search = admin.get("/console/conversations", q="black running shoes").text
    row = re.search(rf'<tr data-ref="{admin.ref(talks.search)}">(.*?)</tr>', search, re.S).group(1)
    assert "product_search" in row and ">1<" in row  # one turn
    assert ('aria-label="4 of 5"' in row) == talks.rated


@pytest.mark.parametrize(("params", "inside", "outside"), [
    ({"intent": "product_search"}, {"search"}, {"order", "fallback", "handoff"}),
    ({"intent": "order_status"}, {"order"}, {"search", "fallback", "handoff"}),
    ({"fallback": "yes"}, {"fallback"}, {"search", "order", "handoff"}),
    ({"fallback": "no"}, {"search", "order"}, {"fallback"}),
    # A message became nlu_fallback because its confidence was below the 0.45 threshold.
    ({"below": "0.45"}, {"fallback"}, {"search"}),
    ({"handoff": "yes"}, {"handoff"}, {"search", "order", "fallback"}),
    ({"handoff": "no"}, {"search", "order", "fallback"}, {"handoff"}),
    ({"q": "running shoes"}, {"search"}, {"order", "fallback", "handoff"}),
])
def test_filters(admin, talks, params, inside, outside):
    listed = _listed_talks(admin, talks, **params)
    assert {getattr(talks, n) for n in inside} <= listed, params
    assert not {getattr(talks, n) for n in outside} & listed, params


def test_text_search_ignores_case(admin, talks):
    listed = _listed_talks(admin, talks, q=talks.gibberish.upper())
    assert talks.fallback in listed and not {talks.search, talks.order, talks.handoff} & listed


def test_date_range_in_the_support_time_zone(admin, talks):
    today = datetime.now(ZoneInfo(get_settings().support_timezone)).date()
    assert talks.all() <= _listed_talks(admin, talks, since=today.isoformat(), until=today.isoformat())
    assert not talks.all() & _listed_talks(admin, talks, until=(today - timedelta(days=1)).isoformat())
    assert not talks.all() & _listed_talks(admin, talks, since=(today + timedelta(days=1)).isoformat())
    assert admin.get("/console/conversations", since="31/12/2025").status_code == 400


def test_the_transcript_shows_messages_nlu_actions_and_slots(admin, talks):
    page = admin.get(admin.conversation(talks.order))
    assert page.status_code == 200
    text = page.text
    for expected in ("where is my order", "100001", EMAIL, "order_status", "order_status_form",
                     "action_order_status", "requested_slot", "session started", "<time"):
        assert expected in text, expected
    # The order number was read as an entity with its confidence shown.
    assert re.search(r'chip-entity">order_number=100001<', text)
    assert re.search(r'data-testid="intent">order_status</span>\s*<span class="conf[^"]*">\d\.\d\d<', text)
    fallback = admin.get(admin.conversation(talks.fallback)).text
    assert "nlu_fallback" in fallback and "best guess" in fallback and "action_fallback_suggest" in fallback


def test_agents_see_personal_data_masked_admins_in_full(admin, agent, talks):
    agent_page = agent.get(agent.conversation(talks.order)).text
    assert "100001" not in agent_page and "emma.schmidt" not in agent_page
    assert "«order no.»" in agent_page and "«email»" in agent_page
    agent_list = agent.get("/console/conversations", intent="order_status").text
    assert agent.ref(talks.order) in agent_list and "100001" not in agent_list and "emma.schmidt" not in agent_list
    assert talks.order not in agent_list  # the visitor's secret id is never shown
    admin_list = admin.get("/console/conversations", q=EMAIL).text
    assert admin.ref(talks.order) in admin_list and EMAIL in admin_list  # the snippet is the matching message
    assert talks.order not in admin_list
    assert agent.get("/console/conversations", q=EMAIL).status_code == 400
    assert "100001" not in agent.get(agent.conversation(talks.order) + "/story.yml").text


def test_relabelled_messages_export_as_nlu_data_that_rasa_accepts(admin, agent, talks, tmp_path):
    fallback_event = _visitor_events(admin, talks.fallback)[0]
    search_event = _visitor_events(admin, talks.search)[0]
    order_events = _visitor_events(agent, talks.order)
    done = admin.post(admin.conversation(talks.fallback) + f"/messages/{fallback_event}/relabel",
                      intent="out_of_scope", markup=talks.gibberish)
    assert done.status_code == 303, done.text
    done = admin.post(admin.conversation(talks.search) + f"/messages/{search_event}/relabel",
                      intent="product_search", markup="do you have [black](color) [running shoes](category)")
    assert done.status_code == 303, done.text
    # An agent relabels the masked order-number message: the mask is what gets marked.
    done = agent.post(agent.conversation(talks.order) + f"/messages/{order_events[1]}/relabel",
                      intent="inform", markup="[«order no.»](order_number)")
    assert done.status_code == 303, done.text
    refused = admin.post(admin.conversation(talks.search) + f"/messages/{search_event}/relabel",
                         intent="product_search", markup="do you have [black](colour) running shoes")
    assert refused.status_code == 400 and "unknown entity" in refused.text.lower()

    page = admin.get(admin.conversation(talks.search)).text
    assert 'data-testid="correction"' in page and "[black](color)" in page

    exported = admin.get("/console/corrections/nlu.yml")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/x-yaml")
    data = yaml.safe_load(exported.text)
    assert data["version"] == "3.1"
    examples = {block["intent"]: block["examples"].splitlines() for block in data["nlu"]}
    assert f"- {talks.gibberish}" in examples["out_of_scope"]
    assert "- do you have [black](color) [running shoes](category)" in examples["product_search"]
    assert "- [100001](order_number)" in examples["inform"]  # admins export the real words
    agent_export = yaml.safe_load(agent.get("/console/corrections/nlu.yml").text)
    assert "- [123456](order_number)" in {line for b in agent_export["nlu"] for line in b["examples"].splitlines()}
    one = yaml.safe_load(admin.get(admin.conversation(talks.search) + "/nlu.yml").text)
    assert [b["intent"] for b in one["nlu"]] == ["product_search"]

    rasa = ROOT / ".venv-rasa/bin/rasa"
    if not rasa.exists():
        pytest.skip("the Rasa environment .venv-rasa is missing; the YAML was only checked with yaml.safe_load")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "nlu_corrections.yml").write_text(exported.text)
    # Retrieval intents need their responses; the knowledge file brings them.
    shutil.copy(ROOT / "data/knowledge/shop_policies.yml", data_dir / "shop_policies.yml")
    result = subprocess.run([str(rasa), "data", "validate", "--data", str(data_dir), "--domain", "domain.yml"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_a_conversation_exports_as_a_test_story(admin, talks):
    response = admin.get(admin.conversation(talks.order) + "/story.yml")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    story = yaml.safe_load(response.text)
    assert story["version"] == "3.1"
    steps = story["stories"][0]["steps"]
    assert steps[0] == {"user": "where is my order\n", "intent": "order_status"}
    assert {"action": "order_status_form"} in steps and {"active_loop": "order_status_form"} in steps
    assert {"slot_was_set": [{"requested_slot": "order_number"}]} in steps
    assert {"user": f"{EMAIL}\n", "intent": "inform"} in steps and {"action": "action_order_status"} in steps
    assert all(set(step) <= {"user", "intent", "action", "active_loop", "slot_was_set"} for step in steps)


def test_review_panel_tags_notes_and_reviewed_filter(agent, talks):
    base = agent.conversation(talks.handoff)
    assert agent.post(base + "/reviewed", reviewed="1").status_code == 303
    assert agent.post(base + "/tags", tag="needs training").status_code == 303
    assert agent.post(base + "/notes", text="Visitor wanted a person right away.").status_code == 303
    assert agent.post(base + "/tags", csrf=False, tag="sneaky").status_code == 403
    page = agent.get(base).text
    assert "needs training" in page and "Visitor wanted a person right away." in page and "sneaky" not in page
    assert talks.handoff in _listed_talks(agent, talks, reviewed="yes") and talks.handoff not in _listed_talks(agent, talks, reviewed="no")
    assert _listed_talks(agent, talks, tag="needs training") & talks.all() == {talks.handoff}


def test_agents_cannot_export_everything_or_delete(agent, talks):
    base = agent.conversation(talks.handoff)
    assert agent.get(base + "/data.json").status_code == 403
    assert agent.get(base + "/delete").status_code == 403
    assert agent.post(base + "/delete", confirm="yes").status_code == 403
    assert agent.get("/console/deletions").status_code == 403
    assert agent.get(base).status_code == 200


def test_admin_exports_then_deletes_everything_for_a_conversation(shop, admin, talks):
    base = admin.conversation(talks.handoff)
    admin.post(base + "/notes", text="Delete me too.")
    record = admin.get(base + "/data.json")
    assert record.status_code == 200 and "attachment" in record.headers["content-disposition"]
    body = record.json()
    assert body["conversation"] == admin.ref(talks.handoff) and len(body["tracker_events"]) > 3
    assert talks.handoff not in record.text  # the sender id is the visitor's secret: never shown to staff
    assert {n["text"] for n in body["notes"]} >= {"Delete me too."} and body["handoff_requests"]

    assert "cannot be undone" in admin.get(base + "/delete").text
    assert admin.post(base + "/delete").status_code == 400  # not confirmed
    done = admin.post(base + "/delete", confirm="yes")
    assert done.status_code == 303 and done.headers["location"] == "/console/conversations?deleted=1"

    tracker = make_engine(shop.tracker_url)
    with tracker.connect() as conn:
        left = conn.execute(select(func.count()).select_from(events).where(events.c.sender_id == talks.handoff))
        assert left.scalar() == 0
    tracker.dispose()
    engine = make_engine(shop.shop_db_url)
    with Session(engine) as session:
        for model in (ConversationNote, ConversationTag, NluCorrection):
            assert session.scalar(select(func.count()).select_from(model)
                                  .where(model.sender_id == talks.handoff)) == 0
        audit = session.scalars(select(ConversationDeletion)
                                .where(ConversationDeletion.sender_id == talks.handoff)).one()
        assert audit.deleted_by.startswith("admin-") and audit.events_deleted >= len(body["tracker_events"])
    engine.dispose()
    assert admin.get(base).status_code == 404
    assert admin.ref(talks.handoff) not in admin.get("/console/conversations").text  # its summary went too
    deletions = admin.get("/console/deletions").text
    assert admin.ref(talks.handoff) in deletions and talks.handoff not in deletions
    # The visitor can still talk; the conversation simply starts afresh.
    assert shop.say(talks.handoff, "hi")
    shop.summaries_caught_up()
    assert admin.ref(talks.handoff) in admin.get("/console/conversations").text  # listed again, by the same ref
    assert admin.get(base).status_code == 200
