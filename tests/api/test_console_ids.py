"""Numeric ids in console URLs: huge, negative or non-numeric ones get a clear 4xx, never a 500."""

from __future__ import annotations

import pytest

from tests.api.console_helpers import logged_in

BAD_IDS = [str(2**63), str(2**64 + 5), "99999999999999999999999", "-1", "0", "abc", "1e3"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_live_routes_answer_bad_handoff_ids_with_a_4xx(client, staff, bad):
    csrf = logged_in(client, staff("admin"))
    page = client.get(f"/console/live/{bad}")
    assert page.status_code == 404 and "no such handoff request" in page.text
    for action in ("take", "close", "reply", "typing", "hand-back"):
        answer = client.post(f"/api/console/live/{bad}/{action}", data={"text": "hi"}, headers={"X-CSRF-Token": csrf})
        assert answer.status_code == 422, (action, answer.text)
        assert answer.json()["error"] == "invalid request"
    follow = client.get(f"/api/console/live/{bad}/messages")
    assert follow.status_code == 422 and follow.json()["detail"][0]["field"] == "path.handoff_id"


def test_the_long_poll_refuses_a_huge_after(client, staff):
    logged_in(client, staff("agent"))
    answer = client.get("/api/console/live/1/messages", params={"after": 2**63})
    assert answer.status_code == 422 and answer.json()["detail"][0]["field"] == "query.after"


@pytest.mark.parametrize("bad", [str(2**63), "-3", "x"])
def test_staff_routes_answer_bad_account_ids_with_a_4xx(client, staff, bad):
    csrf = logged_in(client, staff("admin"))
    for action in ("deactivate", "reactivate", "role"):
        answer = client.post(f"/console/staff/{bad}/{action}", data={"csrf_token": csrf, "role": "agent"})
        assert answer.status_code == 422, (action, answer.text)
