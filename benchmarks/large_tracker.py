"""A large, varied tracker store for the console benchmark (benchmarks/console_scale.py, issue 18).

Rows are written by ``TrackerWriter`` (tests/bot/tracker_events.py, the project's model of
what Rasa 3.6's SQLTrackerStore writes), so their shape is exactly the tests'. Each
conversation: a session start, 3-8 turns (visitor message, action, bot reply, listen; an
order number slot now and then), sometimes a second session hours or days later; about
23 events on average. Intents, confidences (0.3-1.0), fallbacks (``action_default_fallback``
or the "did you mean" ``action_fallback_suggest``) and handoffs (``action_handoff``) vary;
visitor texts come from a few hundred sentences, so a word like "refund" or "hoodie"
matches a fraction of the conversations. Start times are spread over the 90 days before
``anchor``; conversations are written in order of their start, as Rasa would append them.
Everything comes from one seeded ``random.Random``: the same arguments give the same rows.

``build`` writes them into an empty database in one transaction (COPY on PostgreSQL, batched
executemany on SQLite with the journal off; Rasa's sender_id index made after the rows) and
notes the size in a ``bench_meta`` row, which ``stored_size`` reads to decide on reuse.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.transcripts.store import events, metadata
from tests.bot.tracker_events import TrackerWriter

DAY = 86_400
SPAN_DAYS = 90
PRODUCTS = ["hoodie", "sneakers", "dress", "jeans", "t-shirt", "rain jacket", "backpack", "headphones", "watch",
            "hiking boots", "scarf", "sunglasses", "wool sweater", "running shoes", "swimsuit", "cap"]
COLOURS = ["black", "white", "red", "navy", "grey", "green", "beige", "pink"]
SIZES = ["XS", "S", "M", "L", "XL", "XXL", "38", "42", "44"]
OPENERS = ["", "hi, ", "hello, ", "hey ", "excuse me, ", "quick question: ", "ok so ", "um "]
# Per intent: the visitor's sentences ({p} product, {c} colour, {s} size, {n} order number).
TEMPLATES: dict[str, list[str]] = {
    "product_search": [
        "do you have a {c} {p}", "i'm looking for a {p} in size {s}", "show me {c} {p}s under 60 euros",
        "{p} size {s}", "any {p} on sale?", "do you sell {p}s for kids", "cheapest {p} you have",
        "is there a {c} {p} in {s}", "need a {p} for my holiday", "what {p}s do you have in {c}",
    ],
    "order_status": [
        "where is my order {n}", "order {n} hasn't arrived", "can you track order {n}",
        "my {p} still isn't here, order {n}", "what's the status of {n}", "when will my package arrive",
        "has my order shipped yet", "tracking number for my {p} please",
    ],
    "shipping_info": [
        "how long does delivery take", "do you ship to austria", "how much is shipping",
        "is shipping free over 50 euros", "can i get express delivery for a {p}", "do you deliver on saturdays",
    ],
    "payment_info": [
        "can i pay with paypal", "do you accept credit cards", "can i pay on invoice",
        "when will my refund show up on my card", "is klarna possible", "was my payment for {n} received",
    ],
    "return_request": [
        "i want to return my {p}", "i'd like a refund for the {c} {p}", "the {p} is too small, can i send it back",
        "how do i get a refund for order {n}", "return the {p} from order {n}", "the {p} arrived damaged",
        "{p} doesn't fit, i want my money back",
    ],
    "greet": ["hi", "hello", "hey there", "good morning", "hallo", "hi there!"],
    "thank": ["thanks", "thank you!", "great, thanks", "perfect, thank you", "cheers", "ok thx"],
    "human_handoff": ["can i talk to a person", "i want a human", "connect me to support staff",
                      "real agent please", "let me speak to someone about {n}"],
    "nlu_fallback": ["asdf", "what about the thing from before", "my cat sat on the keyboard", "hmm {p}?",
                     "is it the same as the other one", "blue one or not", "whatever", "the {p} thing from the email"],
}
# Per intent: (action, the bot's replies).
REPLIES: dict[str, tuple[str, list[str]]] = {
    "product_search": ("action_search_products", ["Here is what I found for '{p}':", "I found 4 {p}s in {c}.",
                                                  "No {p} in size {s} right now; these are the nearest:"]),
    "order_status": ("action_order_status", ["Order {n} was shipped yesterday.", "Order {n} is being packed.",
                                             "Please give me your order number."]),
    "shipping_info": ("utter_shipping_info", ["Delivery takes 2-4 working days; shipping is free over 50 EUR."]),
    "payment_info": ("utter_payment_info", ["We accept cards, PayPal and invoice.", "Yes, that works.",
                                            "Refunds reach your card within 5 days."]),
    "return_request": ("action_create_return", ["Your return for order {n} is registered; the refund follows "
                                                "once it arrives.", "Which item would you like to return?"]),
    "greet": ("action_greet", ["Hi! I'm the shop's virtual assistant. What can I do for you?"]),
    "thank": ("utter_thank", ["You're welcome!", "Glad I could help."]),
    "human_handoff": ("action_handoff", ["I'm passing you to a colleague; please wait a moment."]),
}
TOPICS = {"product_search": 40, "order_status": 25, "shipping_info": 12, "payment_info": 8, "return_request": 10,
          "human_handoff": 2, "nlu_fallback": 3}
COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
TURNS = {3: 27, 4: 26, 5: 20, 6: 12, 7: 8, 8: 7}


class _Vocabulary:
    """The sentences visitors type: a few hundred, drawn once per store from the seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sentences = {intent: sorted({self.fill(rng.choice(OPENERS) + rng.choice(ts)) for _ in range(len(ts) * 6)})
                          for intent, ts in TEMPLATES.items()}

    def fill(self, template: str) -> str:
        r = self.rng
        return template.format(p=r.choice(PRODUCTS), c=r.choice(COLOURS), s=r.choice(SIZES), n=r.randint(10000, 99999))


def _turn(w: TrackerWriter, voc: _Vocabulary, sender: str, intent: str) -> None:
    r = voc.rng
    w.ts += r.uniform(4, 90)  # the visitor reads and types
    text = r.choice(voc.sentences[intent])
    if intent == "nlu_fallback":
        best = r.choice(["product_search", "order_status", "return_request", "payment_info"])
        w.fallback(sender, text, best, round(r.uniform(0.3, 0.6), 3))
        if r.random() < 0.6:
            w.action(sender, "action_fallback_suggest").bot(sender, f"Did you mean: {best.replace('_', ' ')}?",
                                                           utter="utter_did_you_mean")
        elif r.random() < 0.75:
            w.action(sender, "action_default_fallback").bot(sender, "Sorry, I didn't get that. Could you rephrase?",
                                                           utter="utter_default")
        else:  # a second miss: the bot offers a person
            w.action(sender, "action_handoff").bot(sender, "Let me pass you to a colleague.")
    else:
        confidence = round(min(1.0, max(0.3, r.betavariate(6, 1.3))), 3)
        second = r.choice([i for i in REPLIES if i != intent])
        ranking = [(intent, confidence), (second, round((1 - confidence) * 0.7, 3))]
        w.user(sender, text, intent, confidence, ranking=ranking)
        action, replies = REPLIES[intent]
        if intent == "order_status" and r.random() < 0.5:
            w.slot(sender, "order_number", str(r.randint(10000, 99999)))
        utter = action if action.startswith("utter") else None
        w.action(sender, action).bot(sender, voc.fill(r.choice(replies)), utter=utter)
    w.action(sender, "action_listen")


def _session(w: TrackerWriter, voc: _Vocabulary, sender: str, at: float, turns: int) -> None:
    """One session about a main topic, with a greeting, a thank-you, misunderstandings and detours now and then."""
    r = voc.rng
    w.session(sender, at=at)
    intents, weights = list(TOPICS), list(TOPICS.values())
    topic = r.choices(intents, weights)[0]
    for n in range(turns):
        roll = r.random()
        if n == 0 and roll < 0.35:
            intent = "greet"
        elif n == turns - 1 and roll < 0.4:
            intent = "thank"
        elif roll < 0.06:
            intent = "nlu_fallback"
        elif roll < 0.07:
            intent = "human_handoff"
        elif roll < 0.25:
            intent = r.choices(intents, weights)[0]  # a detour
        else:
            intent = topic
        _turn(w, voc, sender, intent)


def conversations(count: int, *, anchor: float, seed: int = 18, batch: int = 2000) -> Iterator[list[dict[str, Any]]]:
    """The rows of ``count`` conversations, ``batch`` conversations at a time (lists of TrackerWriter rows)."""
    rng = random.Random(seed)
    voc = _Vocabulary(rng)
    starts = sorted(anchor - rng.uniform(0, SPAN_DAYS * DAY) for _ in range(count))
    lengths, weights = list(TURNS), list(TURNS.values())
    w = TrackerWriter(conn=None)  # rows are collected, never written by it
    for i, start in enumerate(starts, 1):
        sender = f"{rng.getrandbits(128):032x}"  # like the uuid4 hex the web widget sends
        _session(w, voc, sender, start, rng.choices(lengths, weights)[0])
        if rng.random() < 0.08:  # the visitor comes back later
            back = w.ts + rng.uniform(3600, 5 * DAY)
            if back < anchor:
                _session(w, voc, sender, back, rng.randint(1, 3))
        if i % batch == 0 or i == count:
            yield w.rows
            w.rows = []


# --- writing it ---------------------------------------------------------------------------


def stored_size(engine: Engine) -> tuple[int, float] | None:
    """(conversations, anchor) when the store is complete, per its bench_meta row; else None."""
    try:
        with engine.connect() as conn:
            n, count, anchor = conn.execute(text("SELECT conversations, events, anchor FROM bench_meta")).one()
            return (n, anchor) if conn.scalar(select(func.count()).select_from(events)) == count else None
    except (OperationalError, DBAPIError, ValueError):
        return None


def _load(conn, dialect: str, n: int, anchor: float) -> int:
    """Write the rows of ``n`` conversations in one transaction: COPY on PostgreSQL, executemany on SQLite."""
    written, started = 0, time.perf_counter()
    raw = conn.connection.driver_connection
    for batch in conversations(n, anchor=anchor):
        rows = [tuple(r[c] for c in COLUMNS) for r in batch]
        if dialect == "postgresql":
            with raw.cursor() as cur, cur.copy(f"COPY events ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            raw.executemany(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)", rows)
        if (written // 250_000) != ((written + len(rows)) // 250_000):
            print(f"  {written + len(rows):,} events, {time.perf_counter() - started:.0f} s", flush=True)
        written += len(rows)
    return written


def build(url: str, n: int) -> None:
    """A fresh store of ``n`` conversations (the database, or SQLite file, must be empty)."""
    engine = create_engine(url)
    dialect = engine.dialect.name
    anchor = float(int(time.time()))
    with engine.begin() as conn:
        if dialect == "sqlite":
            conn.exec_driver_sql("PRAGMA journal_mode=OFF")
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
        metadata.create_all(conn)
        for index in events.indexes:  # Rasa's index on sender_id: built after the rows, faster
            index.drop(conn)
        count = _load(conn, dialect, n, anchor)
        for index in events.indexes:
            index.create(conn)
        conn.execute(text("CREATE TABLE bench_meta (conversations INTEGER, events INTEGER, anchor FLOAT)"))
        conn.execute(text("INSERT INTO bench_meta VALUES (:n, :c, :a)"), {"n": n, "c": count, "a": anchor})
    if dialect == "postgresql":  # what autovacuum would have done by the time staff look
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE events")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")  # as bot.db.make_engine opens it
    engine.dispose()
