"""Demo customers with unique example-domain emails and postal addresses."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy.orm import Session

from bot.models import Customer
from bot.seed.demo import DEMO_CUSTOMERS
from bot.seed.names import (
    ADDRESS_BOOK,
    COUNTRY_NAMES,
    COUNTRY_WEIGHTS,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
)
from bot.seed.writer import BatchWriter

_COUNTRIES = list(COUNTRY_WEIGHTS)
_COUNTRY_WEIGHTS = list(COUNTRY_WEIGHTS.values())
_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"


@dataclass
class CustomerIndex:
    """What orders need per customer (index = id - 1)."""

    emails: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.emails)


def seed_customers(
    session: Session,
    rng: random.Random,
    count: int,
    today: date,
    tick: Callable[[int], None] = lambda n: None,
    batch_size: int = 5000,
) -> CustomerIndex:
    """Insert ``count`` customers; the first ones are the fixed demo customers."""
    index = CustomerIndex()
    writer = BatchWriter(session, [Customer], batch_size)
    # Demo emails are reserved up front so no random customer can take one.
    taken = {c["email"] for c in DEMO_CUSTOMERS}
    for customer_id in range(1, count + 1):
        if customer_id <= len(DEMO_CUSTOMERS):
            demo = DEMO_CUSTOMERS[customer_id - 1]
            first, last, email, country = (
                demo["first_name"], demo["last_name"], demo["email"], demo["country"])
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            country = rng.choices(_COUNTRIES, weights=_COUNTRY_WEIGHTS)[0]
            email = _unique_email(rng, first, last, taken)
        # Accounts predate the ~6-month order window so orders never precede them.
        created = datetime.combine(
            today - timedelta(days=rng.randint(200, 1500)), time(), tzinfo=timezone.utc
        ) + timedelta(seconds=rng.randrange(86400))
        writer.add(Customer, {
            "id": customer_id, "email": email, "first_name": first, "last_name": last,
            "country": country, "created_at": created,
        })
        index.emails.append(email)
        index.countries.append(country)
        index.addresses.append(make_address(rng, country))
        if customer_id % 1000 == 0:
            tick(1000)
    writer.flush()
    tick(count % 1000)
    return index


def email_part(name: str) -> str:
    """ASCII letters and digits of a name ("O'Brien" -> "obrien")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_name.lower())


def _unique_email(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    f, l = email_part(first), email_part(last)
    style = rng.random()
    local = f"{f}.{l}" if style < 0.8 else (f"{f}{l}" if style < 0.9 else f"{f[0]}{l}")
    domain = rng.choices(EMAIL_DOMAINS, weights=(6, 2, 2))[0]
    email = f"{local}@{domain}"
    suffix = 1
    while email in taken:
        # Digits keep common names unique, as real sign-ups do.
        suffix += 1
        email = f"{local}{suffix}@{domain}"
    taken.add(email)
    return email


def make_address(rng: random.Random, country: str) -> str:
    """One shipping-address line in the country's usual format."""
    book = ADDRESS_BOOK[country]
    city, region, prefix = rng.choice(book["cities"])  # type: ignore[arg-type]
    post = prefix + "".join(
        rng.choice(_DIGITS) if c == "d" else rng.choice(_LETTERS) if c == "L" else c
        for c in book["post"]  # type: ignore[union-attr]
    )
    return str(book["format"]).format(
        num=rng.randint(1, 240), street=rng.choice(book["streets"]),  # type: ignore[arg-type]
        city=city, region=region, post=post, country=COUNTRY_NAMES[country],
    )
