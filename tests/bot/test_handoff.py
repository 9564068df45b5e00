from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.errors import EmptyMessage, HandoffLimitReached, InvalidEmail
from bot.handoff import is_staffed, leave_message, next_staffed_opening, request_handoff
from bot.models import HandoffReason, HandoffRequest, HandoffStatus

BERLIN = ZoneInfo("Europe/Berlin")


def _rows(session, sender_id):
    return session.scalars(select(HandoffRequest).where(HandoffRequest.sender_id == sender_id)).all()


def test_asking_twice_gives_the_same_request(session):
    first = request_handoff(session, sender_id="h-1", reason="asked")
    again = request_handoff(session, sender_id="h-1", reason="fallback", verified_order_number="100002")
    assert again.id == first.id and again.reason == "asked" and again.status == "waiting"
    assert again.verified_order_number == "100002"
    assert len(_rows(session, "h-1")) == 1
    assert request_handoff(session, sender_id="h-2", reason="late_parcel").id != first.id


def test_a_taken_request_is_still_the_open_one(session):
    first = request_handoff(session, sender_id="h-taken", reason="asked")
    row = session.get(HandoffRequest, first.id)
    row.status, row.taken_by = HandoffStatus.TAKEN, "agent-ana"
    session.flush()
    assert request_handoff(session, sender_id="h-taken", reason="asked").status == "taken"


def test_after_closing_a_new_request_is_opened(session):
    first = request_handoff(session, sender_id="h-3", reason="asked")
    row = session.get(HandoffRequest, first.id)
    row.status, row.closed_at = HandoffStatus.CLOSED, datetime.now(timezone.utc)
    session.flush()
    second = request_handoff(session, sender_id="h-3", reason="other")
    assert second.id != first.id and second.reason == "other"
    assert len(_rows(session, "h-3")) == 2


def test_the_database_refuses_two_open_requests_for_one_conversation(session):
    request_handoff(session, sender_id="h-db", reason="asked")
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(HandoffRequest(sender_id="h-db", reason=HandoffReason.OTHER, status=HandoffStatus.TAKEN))


def test_unknown_reason_is_a_programming_error(session):
    with pytest.raises(ValueError):
        request_handoff(session, sender_id="h-x", reason="bored")


def test_leaving_a_message_turns_the_waiting_request_into_one(session):
    waiting = request_handoff(session, sender_id="h-4", reason="asked")
    left = leave_message(session, sender_id="h-4", email="Me <ME@Example.com>", message="  Call me back please ")
    assert left.id == waiting.id and left.status == "message_left"
    assert (left.contact_email, left.message) == ("me@example.com", "Call me back please")
    row = session.get(HandoffRequest, left.id)
    assert row.status is HandoffStatus.MESSAGE_LEFT and row.contact_email == "me@example.com"
    # A message left is no longer an open request: asking again queues anew.
    assert request_handoff(session, sender_id="h-4", reason="asked").id != left.id


def test_a_message_without_a_request_creates_one(session):
    left = leave_message(session, sender_id="h-5", email="a@b.co", message="hello")
    assert left.status == "message_left" and left.reason == "asked"
    assert session.scalar(select(func.count(HandoffRequest.id)).where(HandoffRequest.sender_id == "h-5")) == 1


def test_invalid_contact_details_are_refused(session):
    with pytest.raises(InvalidEmail):
        leave_message(session, sender_id="h-6", email="not an email", message="hi")
    with pytest.raises(EmptyMessage):
        leave_message(session, sender_id="h-6", email="a@b.co", message="   ")
    assert _rows(session, "h-6") == []


@pytest.mark.parametrize(("local", "staffed"), [
    (datetime(2025, 6, 13, 17, 59), True),   # Friday 17:59
    (datetime(2025, 6, 13, 18, 0), False),   # Friday 18:00: closed (end is exclusive)
    (datetime(2025, 6, 16, 8, 59), False),   # Monday 08:59
    (datetime(2025, 6, 16, 9, 0), True),     # Monday 09:00
    (datetime(2025, 6, 14, 12, 0), False),   # Saturday
    (datetime(2025, 6, 15, 12, 0), False),   # Sunday
])
def test_staffed_hours_edges(local, staffed):
    assert is_staffed(local.replace(tzinfo=BERLIN)) is staffed


@pytest.mark.parametrize(("utc", "staffed"), [
    # Spring forward on Sun 30 Mar 2025: 09:00 Berlin is 08:00 UTC before, 07:00 UTC after.
    (datetime(2025, 3, 28, 7, 30), False),
    (datetime(2025, 3, 28, 8, 0), True),
    (datetime(2025, 3, 31, 6, 59), False),
    (datetime(2025, 3, 31, 7, 0), True),
    (datetime(2025, 3, 31, 15, 59), True),
    (datetime(2025, 3, 31, 16, 0), False),
    # Fall back on Sun 26 Oct 2025: 18:00 Berlin is 16:00 UTC before, 17:00 UTC after.
    (datetime(2025, 10, 24, 16, 0), False),
    (datetime(2025, 10, 27, 16, 30), True),
    (datetime(2025, 10, 27, 17, 0), False),
])
def test_staffed_hours_follow_berlin_time_across_dst(utc, staffed):
    assert is_staffed(utc.replace(tzinfo=timezone.utc)) is staffed


def test_next_opening_after_friday_close_is_monday_nine_across_dst():
    opening = next_staffed_opening(datetime(2025, 3, 28, 18, 0, tzinfo=BERLIN))
    assert opening == datetime(2025, 3, 31, 9, 0, tzinfo=BERLIN)
    assert opening.utcoffset() == timedelta(hours=2)
    assert opening.astimezone(timezone.utc) == datetime(2025, 3, 31, 7, 0, tzinfo=timezone.utc)


def test_next_opening_when_open_is_now_and_before_opening_is_today():
    now = datetime(2025, 6, 11, 10, 0, tzinfo=BERLIN)
    assert next_staffed_opening(now) == now
    early = datetime(2025, 6, 11, 4, 0, tzinfo=timezone.utc)  # 06:00 Berlin
    assert next_staffed_opening(early) == datetime(2025, 6, 11, 9, 0, tzinfo=BERLIN)


def test_custom_schedule_and_an_opening_inside_the_dst_gap():
    hours = "Mon-Fri 09:00-18:00; Sat 10:00-14:00; Sun 02:30-04:00"
    assert is_staffed(datetime(2025, 6, 14, 13, 59, tzinfo=BERLIN), hours=hours)
    # 02:30 does not exist on 30 Mar 2025 in Berlin; the line opens at 03:30 CEST.
    opening = next_staffed_opening(datetime(2025, 3, 29, 14, 0, tzinfo=BERLIN), hours=hours)
    assert opening.astimezone(timezone.utc) == datetime(2025, 3, 30, 1, 30, tzinfo=timezone.utc)
    assert is_staffed(opening, hours=hours)


def test_other_time_zone_and_never_staffed():
    new_york_nine = datetime(2025, 6, 11, 13, 0, tzinfo=timezone.utc)
    assert is_staffed(new_york_nine, tz="America/New_York")
    assert not is_staffed(new_york_nine - timedelta(minutes=1), tz="America/New_York")
    assert not is_staffed(new_york_nine, hours="")
    assert next_staffed_opening(new_york_nine, hours="") is None


@pytest.mark.parametrize("spec", ["Mon-Fri 9-18", "Mon-Fry 09:00-18:00", "Mon 18:00-09:00"])
def test_bad_schedules_are_refused(spec):
    with pytest.raises(ValueError):
        is_staffed(datetime(2025, 6, 11, 10, 0, tzinfo=BERLIN), hours=spec)


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        is_staffed(datetime(2025, 6, 11, 10, 0))


def test_losing_a_race_returns_the_winners_request(session, monkeypatch):
    import bot.handoff as handoff

    winner = request_handoff(session, sender_id="h-race", reason="asked")
    real = handoff._open_request
    calls = []

    def stale_then_real(session, sender_id):
        calls.append(sender_id)
        return None if len(calls) == 1 else real(session, sender_id)

    monkeypatch.setattr(handoff, "_open_request", stale_then_real)
    again = request_handoff(session, sender_id="h-race", reason="asked")
    assert again.id == winner.id and len(calls) == 2
    assert len(_rows(session, "h-race")) == 1


def test_one_source_cannot_fill_the_queue(session):
    """'talk to a human' from one conversation after another: the source gets its share, no more."""
    for i in range(3):
        request_handoff(session, sender_id=f"flood-{i}", reason="asked", source="ip-flood")
    with pytest.raises(HandoffLimitReached):
        request_handoff(session, sender_id="flood-3", reason="asked", source="ip-flood")
    # The conversations already queued keep their requests; other visitors still get in.
    assert request_handoff(session, sender_id="flood-0", reason="asked", source="ip-flood").status == "waiting"
    assert request_handoff(session, sender_id="someone-else", reason="asked", source="ip-other").status == "waiting"
    waiting = session.scalar(select(func.count(HandoffRequest.id)).where(HandoffRequest.source == "ip-flood"))
    assert waiting == 3


def test_a_closed_request_frees_the_sources_share(session):
    views = [request_handoff(session, sender_id=f"share-{i}", reason="asked", source="ip-share") for i in range(3)]
    first = session.get(HandoffRequest, views[0].id)
    first.status = HandoffStatus.CLOSED
    session.flush()
    assert request_handoff(session, sender_id="share-3", reason="asked", source="ip-share").status == "waiting"


def test_messages_left_count_against_the_share_for_a_day(session):
    for i in range(3):
        leave_message(session, sender_id=f"inbox-{i}", email="a@example.com", message="hi", source="ip-inbox")
    with pytest.raises(HandoffLimitReached):
        leave_message(session, sender_id="inbox-3", email="a@example.com", message="hi", source="ip-inbox")
