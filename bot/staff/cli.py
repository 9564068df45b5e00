"""Manage staff accounts from a shell: ``python -m bot.staff create-admin --email E --name N``.

Commands: create-admin, create-agent, list, deactivate, set-password.

Exit codes: 0 done, 1 refused (email taken, password too short, last admin...),
2 bad usage, 3 the database is not reachable or not migrated.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from bot.db import make_engine, session_scope
from bot.staff import accounts
from bot.staff.errors import StaffError

EXIT_REFUSED = 1
EXIT_DATABASE = 3


class _Refused(Exception):
    pass


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        # One line; the trailing newline is not part of the password.
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (at least %d characters): " % accounts.MIN_PASSWORD_CHARS)
    if len(first) < accounts.MIN_PASSWORD_CHARS:
        raise _Refused(f"the password must have at least {accounts.MIN_PASSWORD_CHARS} characters")
    if getpass.getpass("Same password again: ") != first:
        raise _Refused("the two passwords differ")
    return first


@contextmanager
def _session(database_url: str | None) -> Iterator[Session]:
    if database_url is None:
        with session_scope() as session:
            yield session
        return
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()


def _create(role: str) -> Callable[[argparse.Namespace, Session], str]:
    def run(args: argparse.Namespace, session: Session) -> str:
        account = accounts.create_staff(
            session, email=args.email, name=args.name, role=role, password=args.password
        )
        return f"created {account.role} {account.email} (id {account.id})"

    return run


def _list(_args: argparse.Namespace, session: Session) -> str:
    rows = accounts.list_staff(session)
    if not rows:
        return "no staff accounts yet; create one with: python -m bot.staff create-admin --email E --name N"
    lines = [f"{'id':>4}  {'role':<6} {'active':<6} {'email':<32} name"]
    for a in rows:
        lines.append(f"{a.id:>4}  {a.role:<6} {'yes' if a.is_active else 'no':<6} {a.email:<32} {a.name}")
    return "\n".join(lines)


def _deactivate(args: argparse.Namespace, session: Session) -> str:
    account = accounts.find_staff(session, email=args.email)
    accounts.deactivate_staff(session, staff_id=account.id)
    return f"deactivated {account.email}; their sessions have ended"


def _set_password(args: argparse.Namespace, session: Session) -> str:
    account = accounts.find_staff(session, email=args.email)
    accounts.set_password(session, staff_id=account.id, password=args.password)
    return f"new password set for {account.email}; their sessions have ended"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.staff", description="Manage staff console accounts.")
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: SHOP_DATABASE_URL)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for role in ("admin", "agent"):
        create = commands.add_parser(f"create-{role}", help=f"create an {role} account")
        create.add_argument("--email", required=True)
        create.add_argument("--name", required=True)
        create.add_argument("--password-stdin", action="store_true",
                            help="read the password from the first line of stdin instead of prompting")
        create.set_defaults(run=_create(role), needs_password=True)
    commands.add_parser("list", help="list staff accounts").set_defaults(run=_list, needs_password=False)
    deactivate = commands.add_parser("deactivate", help="deactivate an account and end its sessions")
    deactivate.add_argument("--email", required=True)
    deactivate.set_defaults(run=_deactivate, needs_password=False)
    reset = commands.add_parser("set-password", help="give an account a new password (ends its sessions)")
    reset.add_argument("--email", required=True)
    reset.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of stdin instead of prompting")
    reset.set_defaults(run=_set_password, needs_password=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.needs_password:
            args.password = _read_password(args)
        with _session(args.database_url) as session:
            print(args.run(args, session))
    except (StaffError, _Refused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except (OperationalError, ProgrammingError) as exc:
        print(f"error: the database is not ready ({exc.orig.__class__.__name__}: {exc.orig}); "
              "run `python -m bot.migrate` first", file=sys.stderr)
        return EXIT_DATABASE
    except (KeyboardInterrupt, EOFError):
        print("\ncancelled", file=sys.stderr)
        return EXIT_REFUSED
    return 0
