"""Staff accounts and sessions (bot.staff): hashing, authentication, expiry, roles, the CLI, migrations."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.migrate import upgrade
from bot.models import HandoffReason, HandoffRequest, HandoffStatus, StaffSession, StaffUser
from bot.staff import accounts, sessions
from bot.staff.errors import (
    EmailTaken,
    InactiveAccount,
    InvalidCredentials,
    InvalidStaffInput,
    LastAdmin,
    OwnAccount,
    PasswordTooShort,
    StaffNotFound,
    WrongPassword,
)
from bot.staff.overview import support_overview
from tests.postgres import fresh_postgres_database

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
# Cheap parameters, for tests that are not about hashing itself.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _staff(session, email="ana@example.com", role="agent", password=PASSWORD, hasher=FAST, **kw):
    return accounts.create_staff(session, email=email, name=kw.pop("name", "Ana Agent"), role=role,
                                 password=password, hasher=hasher, **kw)


# --- passwords ---------------------------------------------------------------

def test_passwords_are_stored_as_argon2id_hashes_with_current_parameters(session):
    account = _staff(session, hasher=None)
    stored = session.get(StaffUser, account.id).password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in stored
    assert accounts.password_hasher().verify(stored, PASSWORD)


def test_login_rehashes_a_password_hashed_with_older_parameters(session):
    account = _staff(session, hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    row = session.get(StaffUser, account.id)
    old = row.password_hash
    assert old.startswith("$argon2id$v=19$m=8,t=1,p=1$")

    accounts.authenticate(session, email="ana@example.com", password=PASSWORD)
    assert row.password_hash != old
    assert row.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert not accounts.password_hasher().check_needs_rehash(row.password_hash)

    current = row.password_hash
    accounts.authenticate(session, email="ana@example.com", password=PASSWORD)
    assert row.password_hash == current  # nothing to upgrade any more


def test_a_failed_login_does_not_rehash(session):
    account = _staff(session, hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    old = session.get(StaffUser, account.id).password_hash
    with pytest.raises(InvalidCredentials):
        accounts.authenticate(session, email="ana@example.com", password="not the password")
    assert session.get(StaffUser, account.id).password_hash == old


# --- authentication ------------------------------------------------------------

def test_authenticate_accepts_any_case_of_the_email_and_records_the_login(session):
    created = _staff(session, email="Ana.Agent@Example.COM")
    assert created.email == "ana.agent@example.com" and created.last_login_at is None
    account = accounts.authenticate(session, email="  ANA.agent@example.com ", password=PASSWORD,
                                    hasher=FAST, now=T0)
    assert account.id == created.id and account.role == "agent" and not account.is_admin
    assert account.last_login_at == T0


def test_wrong_password_and_unknown_email_fail_alike(session):
    _staff(session)
    with pytest.raises(InvalidCredentials) as wrong:
        accounts.authenticate(session, email="ana@example.com", password="wrong password!!", hasher=FAST)
    with pytest.raises(InvalidCredentials) as unknown:
        accounts.authenticate(session, email="nobody@example.com", password=PASSWORD, hasher=FAST)
    assert str(wrong.value) == str(unknown.value) == "email or password is wrong"


def test_an_unknown_email_still_costs_a_password_verification(session):
    calls: list[str] = []

    class Spy(PasswordHasher):
        def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
            calls.append(hash)
            return super().verify(hash, password)

    spy = Spy(time_cost=1, memory_cost=1024, parallelism=1)
    with pytest.raises(InvalidCredentials):
        accounts.authenticate(session, email="nobody@example.com", password=PASSWORD, hasher=spy)
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_a_deactivated_account_cannot_log_in(session):
    _staff(session, email="admin@example.com", role="admin", name="Ada Admin")
    agent = _staff(session)
    accounts.deactivate_staff(session, staff_id=agent.id)
    with pytest.raises(InactiveAccount):
        accounts.authenticate(session, email="ana@example.com", password=PASSWORD, hasher=FAST)
    # Without the right password it is just a wrong login: nothing about the account leaks.
    with pytest.raises(InvalidCredentials):
        accounts.authenticate(session, email="ana@example.com", password="wrong password!!", hasher=FAST)
    accounts.reactivate_staff(session, staff_id=agent.id)
    assert accounts.authenticate(session, email="ana@example.com", password=PASSWORD, hasher=FAST).is_active


# --- account rules -------------------------------------------------------------

def test_emails_are_unique_whatever_their_case(session):
    _staff(session)
    with pytest.raises(EmailTaken):
        _staff(session, email="ANA@example.com")


def test_the_database_keeps_emails_lower_case_and_unique(session):
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(StaffUser(email="Upper@Example.com", name="X", role="agent", password_hash="x"))
    _staff(session)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(StaffUser(email="ana@example.com", name="X", role="agent", password_hash="x"))


def test_passwords_need_twelve_characters(session):
    with pytest.raises(PasswordTooShort) as short:
        _staff(session, password="x" * 11)
    assert short.value.field == "password" and "12" in str(short.value)
    assert _staff(session, password="x" * 12).email == "ana@example.com"


@pytest.mark.parametrize(("field", "changes"), [
    ("email", {"email": "not-an-email"}),
    ("email", {"email": "two@@example.com"}),
    ("name", {"name": "   "}),
    ("role", {"role": "owner"}),
])
def test_unusable_account_fields_are_refused(session, field, changes):
    with pytest.raises(InvalidStaffInput) as refused:
        _staff(session, **changes)
    assert refused.value.field == field


def test_list_and_find_staff(session):
    admin = _staff(session, email="ada@example.com", role="admin", name="Ada Admin")
    agent = _staff(session, email="bo@example.com", name="Bo Agent")
    listed = {a.email: a for a in accounts.list_staff(session)}
    assert listed["ada@example.com"] == admin and listed["bo@example.com"] == agent
    assert accounts.find_staff(session, email="BO@example.com").id == agent.id
    with pytest.raises(StaffNotFound):
        accounts.find_staff(session, email="nobody@example.com")
    with pytest.raises(StaffNotFound):
        accounts.get_staff(session, staff_id=10**9)


def test_the_last_active_admin_cannot_be_deactivated_or_demoted(session):
    ada = _staff(session, email="ada@example.com", role="admin", name="Ada Admin")
    with pytest.raises(LastAdmin):
        accounts.deactivate_staff(session, staff_id=ada.id)
    with pytest.raises(LastAdmin):
        accounts.set_role(session, staff_id=ada.id, role="agent")
    assert accounts.get_staff(session, staff_id=ada.id).is_active

    bea = _staff(session, email="bea@example.com", role="admin", name="Bea Admin")
    assert accounts.set_role(session, staff_id=ada.id, role="agent").role == "agent"
    with pytest.raises(LastAdmin):  # now Bea is the last one
        accounts.deactivate_staff(session, staff_id=bea.id)
    assert accounts.set_role(session, staff_id=ada.id, role="admin").is_admin
    assert not accounts.deactivate_staff(session, staff_id=bea.id).is_active
    assert accounts.count_active_admins(session) == 1


def test_admins_cannot_deactivate_or_demote_themselves(session):
    ada = _staff(session, email="ada@example.com", role="admin", name="Ada Admin")
    _staff(session, email="bea@example.com", role="admin", name="Bea Admin")
    with pytest.raises(OwnAccount):
        accounts.deactivate_staff(session, staff_id=ada.id, by_staff_id=ada.id)
    with pytest.raises(OwnAccount):
        accounts.set_role(session, staff_id=ada.id, role="agent", by_staff_id=ada.id)


def test_deactivating_an_account_ends_all_its_sessions(session):
    _staff(session, email="ada@example.com", role="admin", name="Ada Admin")
    agent = _staff(session)
    tokens = [sessions.start_session(session, staff_id=agent.id) for _ in range(2)]
    accounts.deactivate_staff(session, staff_id=agent.id)
    assert all(sessions.resolve(session, t) is None for t in tokens)
    assert session.scalar(select(func.count()).where(StaffSession.staff_user_id == agent.id)) == 0


def test_a_new_password_replaces_the_old_one_and_ends_sessions(session):
    agent = _staff(session)
    token = sessions.start_session(session, staff_id=agent.id)
    with pytest.raises(PasswordTooShort):
        accounts.set_password(session, staff_id=agent.id, password="short", hasher=FAST)
    assert sessions.resolve(session, token) is not None
    accounts.set_password(session, staff_id=agent.id, password="a brand new passphrase", hasher=FAST)
    assert sessions.resolve(session, token) is None
    with pytest.raises(InvalidCredentials):
        accounts.authenticate(session, email="ana@example.com", password=PASSWORD, hasher=FAST)
    assert accounts.authenticate(session, email="ana@example.com", password="a brand new passphrase", hasher=FAST)


def test_changing_ones_own_password_needs_the_current_one_and_a_different_new_one(session):
    agent = _staff(session)
    token = sessions.start_session(session, staff_id=agent.id)
    with pytest.raises(WrongPassword):
        accounts.change_own_password(session, staff_id=agent.id, current_password="not it at all",
                                     new_password="a brand new passphrase", hasher=FAST)
    with pytest.raises(InvalidStaffInput, match="differ"):
        accounts.change_own_password(session, staff_id=agent.id, current_password=PASSWORD,
                                     new_password=PASSWORD, hasher=FAST)
    with pytest.raises(PasswordTooShort):
        accounts.change_own_password(session, staff_id=agent.id, current_password=PASSWORD,
                                     new_password="short", hasher=FAST)
    assert sessions.resolve(session, token) is not None  # nothing changed so far
    accounts.change_own_password(session, staff_id=agent.id, current_password=PASSWORD,
                                 new_password="a brand new passphrase", hasher=FAST)
    assert sessions.resolve(session, token) is None
    assert accounts.authenticate(session, email="ana@example.com", password="a brand new passphrase", hasher=FAST)


# --- sessions ------------------------------------------------------------------

def test_a_session_resolves_to_its_staff_member_and_only_a_hash_is_stored(session):
    agent = _staff(session)
    token = sessions.start_session(session, staff_id=agent.id, user_agent="pytest", ip="127.0.0.1", now=T0)
    assert len(token) >= 40
    row = session.scalars(select(StaffSession).where(StaffSession.staff_user_id == agent.id)).one()
    assert row.id == hashlib.sha256(token.encode()).hexdigest() != token
    assert token not in (row.csrf_token, row.user_agent, row.ip)
    assert (row.user_agent, row.ip) == ("pytest", "127.0.0.1")

    identity = sessions.resolve(session, token, now=T0 + timedelta(minutes=5))
    assert identity is not None
    assert (identity.staff_id, identity.email, identity.name, identity.role) == (
        agent.id, "ana@example.com", "Ana Agent", "agent")
    assert identity.csrf_token == row.csrf_token and len(identity.csrf_token) >= 40
    assert identity.expires_at == T0 + timedelta(hours=12)


def test_unknown_and_odd_tokens_resolve_to_nobody(session):
    assert sessions.resolve(session, None) is None
    assert sessions.resolve(session, "") is None
    assert sessions.resolve(session, "x" * 5000) is None
    assert sessions.resolve(session, "no-such-token") is None


def test_a_session_ends_after_two_idle_hours(session):
    agent = _staff(session)
    token = sessions.start_session(session, staff_id=agent.id, now=T0)
    assert sessions.resolve(session, token, now=T0 + timedelta(hours=1, minutes=59)) is not None
    # That request counted as activity: two idle hours are measured from it.
    assert sessions.resolve(session, token, now=T0 + timedelta(hours=3, minutes=58)) is not None
    assert sessions.resolve(session, token, now=T0 + timedelta(hours=5, minutes=58)) is None
    # An ended session stays ended, and its row is gone.
    assert sessions.resolve(session, token, now=T0 + timedelta(hours=3, minutes=59)) is None
    assert session.scalar(select(func.count()).where(StaffSession.staff_user_id == agent.id)) == 0


def test_a_session_ends_twelve_hours_after_login_however_busy(session):
    agent = _staff(session)
    token = sessions.start_session(session, staff_id=agent.id, now=T0)
    for minutes in range(30, 12 * 60, 30):
        assert sessions.resolve(session, token, now=T0 + timedelta(minutes=minutes)) is not None, minutes
    assert sessions.resolve(session, token, now=T0 + timedelta(hours=12)) is None


def test_last_seen_is_written_at_most_once_a_minute(session):
    agent = _staff(session)
    token = sessions.start_session(session, staff_id=agent.id, now=T0)
    row = session.scalars(select(StaffSession).where(StaffSession.staff_user_id == agent.id)).one()
    sessions.resolve(session, token, now=T0 + timedelta(seconds=30))
    assert row.last_seen_at.replace(tzinfo=timezone.utc) == T0
    sessions.resolve(session, token, now=T0 + timedelta(minutes=2))
    assert row.last_seen_at.replace(tzinfo=timezone.utc) == T0 + timedelta(minutes=2)


def test_ending_one_session_or_all_of_them(session):
    agent = _staff(session)
    first, second, third = (sessions.start_session(session, staff_id=agent.id) for _ in range(3))
    assert sessions.end_session(session, first) is True
    assert sessions.end_session(session, first) is False
    assert sessions.resolve(session, first) is None and sessions.resolve(session, second) is not None
    assert sessions.end_all_sessions(session, staff_id=agent.id) == 2
    assert sessions.resolve(session, second) is None and sessions.resolve(session, third) is None


def test_purge_removes_only_expired_sessions(session):
    agent = _staff(session)
    old = sessions.start_session(session, staff_id=agent.id, now=T0 - timedelta(hours=13))
    idle = sessions.start_session(session, staff_id=agent.id, now=T0 - timedelta(hours=3))
    fresh = sessions.start_session(session, staff_id=agent.id, now=T0 - timedelta(minutes=10))
    assert sessions.purge_expired(session, now=T0) >= 2
    remaining = set(session.scalars(select(StaffSession.id).where(StaffSession.staff_user_id == agent.id)))
    assert remaining == {hashlib.sha256(fresh.encode()).hexdigest()}
    assert {hashlib.sha256(t.encode()).hexdigest() for t in (old, idle)}.isdisjoint(remaining)


# --- the console's home page data ----------------------------------------------

def test_support_overview_counts_the_open_handoffs(session):
    before = support_overview(session, now=T0)
    rows = [
        HandoffRequest(sender_id="ov-1", reason=HandoffReason.ASKED, status=HandoffStatus.WAITING,
                       created_at=T0 - timedelta(minutes=40)),
        HandoffRequest(sender_id="ov-2", reason=HandoffReason.FALLBACK, status=HandoffStatus.WAITING,
                       created_at=T0 - timedelta(minutes=5)),
        HandoffRequest(sender_id="ov-3", reason=HandoffReason.LATE_PARCEL, status=HandoffStatus.TAKEN,
                       created_at=T0 - timedelta(minutes=20), taken_by="Ana"),
        HandoffRequest(sender_id="ov-4", reason=HandoffReason.ASKED, status=HandoffStatus.MESSAGE_LEFT,
                       created_at=T0 - timedelta(days=1), contact_email="a@b.example", message="hi"),
        HandoffRequest(sender_id="ov-5", reason=HandoffReason.ASKED, status=HandoffStatus.MESSAGE_LEFT,
                       created_at=T0 - timedelta(days=30), contact_email="a@b.example", message="old"),
        HandoffRequest(sender_id="ov-6", reason=HandoffReason.ASKED, status=HandoffStatus.CLOSED,
                       created_at=T0 - timedelta(minutes=50)),
    ]
    session.add_all(rows)
    session.flush()
    after = support_overview(session, now=T0)
    assert (after.waiting - before.waiting, after.taken - before.taken) == (2, 1)
    assert after.messages_left - before.messages_left == 1
    if before.waiting == 0:
        assert after.oldest_waiting_at == T0 - timedelta(minutes=40)
    listed = {r.id: r for r in after.open_requests}
    assert {rows[0].id, rows[1].id, rows[2].id} <= set(listed)
    assert rows[5].id not in listed and rows[3].id not in listed
    assert listed[rows[2].id].taken_by == "Ana" and listed[rows[2].id].reason == "late_parcel"
    stamps = [r.created_at for r in after.open_requests]
    assert stamps == sorted(stamps)


# --- the CLI -------------------------------------------------------------------

@pytest.fixture
def cli_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    return url


def _cli(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "SHOP_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "bot.staff", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=60)


def test_cli_creates_the_first_admin_from_stdin(cli_db):
    done = _cli(cli_db, "create-admin", "--email", "Boss@Example.com", "--name", "The Boss",
                "--password-stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert "created admin boss@example.com" in done.stdout
    engine = create_engine(cli_db)
    with Session(engine) as session:
        account = accounts.authenticate(session, email="boss@example.com", password=PASSWORD)
        assert account.is_admin and account.name == "The Boss"
    engine.dispose()

    again = _cli(cli_db, "create-admin", "--email", "boss@example.com", "--name", "Again", "--password-stdin",
                 stdin=PASSWORD + "\n")
    assert again.returncode == 1 and "already exists" in again.stderr

    short = _cli(cli_db, "create-agent", "--email", "a@example.com", "--name", "A", "--password-stdin",
                 stdin="short\n")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr

    agent = _cli(cli_db, "create-agent", "--email", "ana@example.com", "--name", "Ana", "--password-stdin",
                 stdin=PASSWORD + "\n")
    assert agent.returncode == 0, agent.stderr
    listed = _cli(cli_db, "list")
    assert listed.returncode == 0
    assert "boss@example.com" in listed.stdout and "ana@example.com" in listed.stdout

    reset = _cli(cli_db, "set-password", "--email", "BOSS@example.com", "--password-stdin",
                 stdin="a brand new passphrase\n")
    assert reset.returncode == 0 and "new password set for boss@example.com" in reset.stdout

    last = _cli(cli_db, "deactivate", "--email", "boss@example.com")
    assert last.returncode == 1 and "last active admin" in last.stderr
    assert _cli(cli_db, "deactivate", "--email", "ana@example.com").returncode == 0
    assert _cli(cli_db, "deactivate", "--email", "nobody@example.com").returncode == 1


def test_cli_prompts_twice_for_the_password(cli_db, monkeypatch, capsys):
    from bot.staff import cli

    answers = iter(["first long password", "other long password", PASSWORD, PASSWORD])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    args = ["--database-url", cli_db, "create-agent", "--email", "typed@example.com", "--name", "Typed"]
    assert cli.main(args) == 1
    assert "the two passwords differ" in capsys.readouterr().err
    assert cli.main(args) == 0
    assert "created agent typed@example.com" in capsys.readouterr().out


def test_cli_says_when_the_database_is_not_migrated(tmp_path):
    done = _cli(f"sqlite:///{tmp_path / 'empty.db'}", "list")
    assert done.returncode == 3 and "python -m bot.migrate" in done.stderr


def test_cli_usage_errors_exit_with_2(cli_db):
    assert _cli(cli_db).returncode == 2
    assert _cli(cli_db, "create-admin", "--email", "x@example.com").returncode == 2


# --- migrations ----------------------------------------------------------------

def _check_staff_schema(url: str) -> None:
    engine = create_engine(url)
    try:
        tables = inspect(engine)
        assert {"staff_users", "staff_sessions"} <= set(tables.get_table_names())
        fks = tables.get_foreign_keys("staff_sessions")
        assert fks[0]["referred_table"] == "staff_users" and fks[0]["options"].get("ondelete") == "CASCADE"
        with Session(engine) as session:
            ada = accounts.create_staff(session, email="Ada@Example.com", name="Ada", role="admin",
                                        password=PASSWORD, hasher=FAST)
            token = sessions.start_session(session, staff_id=ada.id)
            session.commit()
            assert sessions.resolve(session, token).role == "admin"
            with pytest.raises(IntegrityError), session.begin_nested():
                session.execute(text("INSERT INTO staff_users (email, name, role, password_hash, is_active, "
                                     "created_at) VALUES ('Up@Example.com', 'U', 'agent', 'x', true, "
                                     "CURRENT_TIMESTAMP)"))
            session.rollback()
    finally:
        engine.dispose()


def _downgrade_and_back(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = url
    cfg.attributes["configure_logger"] = False
    command.downgrade(cfg, "0002")
    engine = create_engine(url)
    assert "staff_users" not in inspect(engine).get_table_names()
    engine.dispose()
    command.upgrade(cfg, "head")


def test_migration_0003_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrate.db'}"
    upgrade(url)
    _check_staff_schema(url)
    _downgrade_and_back(url)


@pytest.mark.postgres
def test_migration_0003_on_postgresql():
    with fresh_postgres_database() as url:
        upgrade(url)
        _check_staff_schema(url)
        _downgrade_and_back(url)
