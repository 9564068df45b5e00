"""The pure parts of the benchmarks: percentiles, /proc parsing, reply checks, visits."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from _common import cpu_seconds, memory_mb, percentile, stat_cpu_ticks, status_kb  # noqa: E402
from throughput import Product, reply_problem, shop_visits  # noqa: E402


def test_percentile_interpolates_between_ranks():
    values = [4.0, 1.0, 3.0, 2.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile(values, 50) == 2.5
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))


def test_stat_fields_are_counted_after_the_command_name():
    # A command name with a space and a ')' must not shift the fields.
    stat = "4242 (we ird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 3 4 20 0 9 0 12345 1000 200"
    assert stat_cpu_ticks(stat) == 325


def test_status_kb():
    status = "Name:\tpython\nVmPeak:\t  900 kB\nVmHWM:\t  512 kB\nVmRSS:\t  256 kB\nThreads:\t9\n"
    assert status_kb(status, "VmRSS") == 256
    assert status_kb(status, "VmHWM") == 512
    assert status_kb(status, "VmSwap") == 0


def test_own_process_readings():
    assert cpu_seconds(os.getpid()) > 0
    assert memory_mb(os.getpid()) > 1


def test_reply_problem():
    assert reply_problem([{"text": "Hi! How can I help?"}]) is None
    assert reply_problem([{"text": None, "buttons": [{"title": "Yes", "payload": "/affirm"}]}]) is None
    assert reply_problem([]) == "empty reply"
    assert reply_problem([{"text": ""}]) == "empty reply"
    assert reply_problem({"error": "x"}) == "reply is not a list of messages"
    assert reply_problem([{"text": "Sorry, something went wrong on my side. Could you say that again?"}]).startswith(
        "error reply")


def test_shop_visits_use_the_shop_data():
    products = [Product("Trail Runner 2", "running shoes", "Acme", 79.5, "red")]
    visits = shop_visits(products, [("100001", "emma@example.com"), ("100002", "james@example.com")], count=3)
    assert len(visits) == 3
    assert "100001" in visits[0] and "emma@example.com" in visits[0]
    assert "100002" in visits[1] and "james@example.com" in visits[1]
    assert "tell me about the Trail Runner 2" in visits[0]
    assert "show me Acme running shoes under $100" in visits[0]
    assert all(len(v) == 16 and all(v) for v in visits)


def test_warmup_spreads_the_visitors_over_a_visit():
    from throughput import warmup_budgets

    assert warmup_budgets(1, 16, 16) == [16]
    budgets = warmup_budgets(8, 16, 16)
    assert budgets == [2, 4, 6, 8, 10, 12, 14, 16]
    assert sorted({b % 16 for b in budgets}) == [0, 2, 4, 6, 8, 10, 12, 14]
    assert min(warmup_budgets(32, 16, 16)) == 1
