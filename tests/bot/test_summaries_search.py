"""Searches shorter than a trigram (read from the messages' lower-cased text) and the list's totals
counted in the same pass as the page (SQLite), against what the raw messages say."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.summaries.apply import apply_events
from bot.summaries.backfill import row_event
from bot.transcripts.conversations import ConversationFilters, list_conversations
from tests.bot.tracker_events import TrackerWriter, tracker_database

T0 = 1_900_000_000.0
TEXTS = ["Do you have it in XL?", "xxl please", "ÉCLAIR au chocolat", "un petit éclair", "50% off", "a_b c", "Ünïcode",
         "nothing here", "Straße", "İstanbul", "ok", "OK thanks", "x l"]
INTENTS = ["greet", "order_status", "product_search"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tracker(request, tmp_path) -> Iterator[Engine]:
    with tracker_database(request.param, tmp_path) as engine:
        rng = random.Random(2)
        w = TrackerWriter(None, start=T0)
        for k in range(180):
            sender = f"s{k:03d}"
            w.session(sender, at=T0 + k * 60)
            for _ in range(rng.randint(1, 3)):
                w.user(sender, rng.choice(TEXTS), rng.choice(INTENTS), rng.uniform(0.3, 1.0))
                w.bot(sender, rng.choice(["Sure.", "We have it in XS to XL.", "Ça marche"]))
        with engine.begin() as conn:
            apply_events(conn, ((r["sender_id"], row_event(r)) for r in w.rows))
        engine.info = {"texts": _texts(w.rows), "intents": _intents(w.rows)}
        yield engine


def _texts(rows) -> dict[str, list[str]]:
    import json

    found: dict[str, list[str]] = {}
    for r in rows:
        text = json.loads(r["data"]).get("text")
        if r["type_name"] in ("user", "bot") and text:
            found.setdefault(r["sender_id"], []).append(text)
    return found


def _intents(rows) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for r in rows:
        if r["type_name"] == "user":
            found.setdefault(r["sender_id"], set()).add(r["intent_name"])
    return found


def _listed(engine: Engine, per_page: int = 25, **filters) -> tuple[set[str], int]:
    with engine.connect() as conn:
        first = list_conversations(conn, filters=ConversationFilters(**filters), per_page=per_page)
        pages = [first] + [list_conversations(conn, filters=ConversationFilters(**filters), page=p, per_page=per_page)
                           for p in range(2, first.pages + 1)]
    ids = [c.sender_id for p in pages for c in p.items]
    assert len(ids) == len(set(ids)) and all(p.total == first.total for p in pages)
    return set(ids), first.total


@pytest.mark.parametrize("needle", ["xl", "XL", "éc", "ÉC", "%", "_", "ü", "ß", "i̇", "ok", "x", " l", "k"])
def test_a_search_shorter_than_a_trigram_finds_what_the_lower_cased_texts_contain(tracker, needle):
    wanted = needle.strip().lower()  # as the list takes it
    expected = {s for s, texts in tracker.info["texts"].items() if any(wanted in t.lower() for t in texts)}
    found, total = _listed(tracker, **{"text": needle})
    assert found == expected and total == len(expected)


@pytest.mark.parametrize("filters", [{"text": "xl"}, {"text": "éclair"}, {"intent": "order_status"},
                                     {"intent": "greet", "confidence_below": 0.6}, {"text": "ok", "intent": "greet"}])
def test_the_total_is_the_number_listed_and_survives_a_page_past_the_end(tracker, filters):
    found, total = _listed(tracker, per_page=7, **filters)
    assert total == len(found) > 0
    with tracker.connect() as conn:
        beyond = list_conversations(conn, filters=ConversationFilters(**filters), page=999, per_page=7)
    assert beyond.items == () and beyond.total == total
    if "intent" in filters and "text" not in filters and "confidence_below" not in filters:
        assert found == {s for s, intents in tracker.info["intents"].items() if filters["intent"] in intents}


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_conversation_texts_hold_each_stored_message_once_however_the_events_arrive(tmp_path, dialect):
    """Twice over, shuffled, in batches; one conversation erased, its old events sent again (dropped), then back."""
    from sqlalchemy import select

    from bot.summaries.apply import forget
    from bot.summaries.tables import messages, texts

    with tracker_database(dialect, tmp_path) as engine:
        w = TrackerWriter(None, start=T0)
        for k in range(40):
            w.user(f"t{k}", f"Line {k} ÜBER\nXL", "greet", 0.9).bot(f"t{k}", "Sure, in XL.")
            w.user(f"t{k}", "ok", "greet", 0.9)
        pairs = [(r["sender_id"], row_event(r)) for r in w.rows]
        messy = pairs + random.Random(1).sample(pairs, 60)
        random.Random(2).shuffle(messy)
        for start in range(0, len(messy), 23):
            with engine.begin() as conn:
                apply_events(conn, messy[start:start + 23])
        with engine.begin() as conn:
            forget(conn, sender_id="t3", erased_at=T0 + 10_000)
            apply_events(conn, [p for p in pairs if p[0] == "t3"])
            apply_events(conn, [("t3", {"event": "user", "timestamp": T0 + 20_000, "text": "Back, XL",
                                        "parse_data": {"intent": {"name": "greet", "confidence": 0.8}}})])
        with engine.connect() as conn:
            stored: dict[str, list[str]] = {}
            for sender, text in conn.execute(select(messages.c.sender_id, messages.c.text)):
                stored.setdefault(sender, []).extend(text.lower().split("\n"))
            folded = {r.sender_id: sorted(r.folded.split("\n")) for r in conn.execute(select(texts))}
        assert folded == {s: sorted(lines) for s, lines in stored.items()}
        assert folded["t3"] == ["back, xl"] and len(folded["t7"]) == 4
        assert _listed(engine, text="xl")[1] == 40 and _listed(engine, text="ü")[1] == 39
