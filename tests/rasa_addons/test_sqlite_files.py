"""The Rasa server's SQLite files: the tracker store durable in WAL mode, the event broker in WAL mode.

Runs in .venv-rasa: the tracker store and the broker are Rasa classes.
"""

from __future__ import annotations

from tests.rasa_addons.rasa_env import run_in_rasa

SCRIPT = r"""
import json, sys, tempfile, os
from rasa.shared.core.domain import Domain
from rasa_addons.tracker_store import WindowedSQLTrackerStore
from rasa_addons.sql_broker import BatchedSQLEventBroker
from rasa_addons.sqlite_files import wal_pragmas

folder = tempfile.mkdtemp()
store = WindowedSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=os.path.join(folder, "tracker.db"))
broker = BatchedSQLEventBroker(db=os.path.join(folder, "broker.db"))
out = {}
for name, engine in (("tracker", store.engine), ("broker", broker.engine)):
    with engine.connect() as conn:
        out[name] = [conn.exec_driver_sql("PRAGMA journal_mode").scalar(), conn.exec_driver_sql("PRAGMA synchronous").scalar(),
                     conn.exec_driver_sql("PRAGMA busy_timeout").scalar()]
try:
    wal_pragmas("OFF")
    out["off"] = None
except ValueError as e:
    out["off"] = str(e)
print(json.dumps(out))
"""


def test_the_tracker_store_commits_to_disk_and_the_broker_runs_in_wal_mode():
    out = run_in_rasa("-c", SCRIPT)
    assert out["tracker"] == ["wal", 2, 15000]  # FULL: a stored turn survives a power cut
    assert out["broker"] == ["wal", 1, 15000]  # NORMAL: the summaries' sweep re-reads what a power cut lost
    assert "FULL or NORMAL" in out["off"]
