"""One typed settings object, read from ``SHOP_*`` environment variables."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"

DEV_RASA_TOKEN = "dev-rasa-token-change-me"
# Keys once shipped as defaults: refused everywhere, since anyone can sign with them.
KNOWN_SECRET_KEYS = frozenset({"dev-secret-key-change-me"})
SECRET_KEY_FILE = VAR_DIR / "secret_key"
MIN_SECRET_KEY_CHARS = 32


def load_or_create_secret_key(path: Path | None = None) -> str:
    """The key kept in ``path``, created (random, mode 0600) on first use.

    Created with O_EXCL so processes starting together (gateway, action server,
    several workers) all end up with the one key that won the race.
    """
    path = path or SECRET_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
    key = path.read_text().strip()
    if len(key) < MIN_SECRET_KEY_CHARS:
        raise ValueError(f"{path} holds no usable secret key (delete it to make a new one)")
    return key


class Settings(BaseSettings):
    """Service configuration; every field can be set as ``SHOP_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="SHOP_", env_file=".env", extra="ignore")

    environment: str = Field("development", description="development | test | production")
    database_url: str = Field(
        f"sqlite:///{VAR_DIR / 'shop.db'}", description="SQLAlchemy URL of the shop database"
    )
    # The learned recommendations' model (bot/recs): written by `make recs`, read by the action
    # server and the console; never committed.
    recs_model_path: Path = Field(VAR_DIR / "recs" / "model.npz", description="file of the recommendation model")
    # One Rasa server, or several replicas separated by commas (api/replicas.py picks one per conversation).
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = DEV_RASA_TOKEN
    # The action server(s) the gateway checks for /health (comma-separated, as rasa_url).
    action_server_url: str = "http://127.0.0.1:5055"
    rasa_timeout_seconds: float = 10.0
    # Verification throttle (bot/orders/throttle.py): failed order-number/email pairs
    # inside the window. A conversation may fail ``verify_max_failures`` times and a
    # source (one IP, or an integration) ``verify_max_failures_per_source`` times.
    # When an order number or an email has failed ``verify_max_failures`` times, or the
    # whole shop ``verify_max_failures_global`` times, only sources with no failure in
    # the window may try: the attacker is stopped, the owner on a clean source gets in.
    verify_max_failures: int = 5
    verify_max_failures_per_source: int = 10
    verify_max_failures_global: int = 200
    verify_window_minutes: int = 15
    # Open handoff requests (waiting for or with an agent) one source may have at once.
    handoff_max_open_per_source: int = 3
    shop_name: str = "Northwind Outfitters"
    # Returns: days after delivery in which a return can be requested in chat.
    return_window_days: int = 30
    # When human agents answer chats: "; "-separated "<days> HH:MM-HH:MM" blocks,
    # e.g. "Mon-Fri 09:00-18:00; Sat 10:00-14:00", read in ``support_timezone``.
    support_hours: str = "Mon-Fri 09:00-18:00"
    support_timezone: str = "Europe/Berlin"
    shop_base_url: str = "http://127.0.0.1:8000"
    # Rasa's tracker store (the transcripts). Either a SQLAlchemy URL, or by
    # default the SQLite file that endpoints.yml hands to Rasa.
    tracker_db: str = str(VAR_DIR / "tracker.db")
    tracker_url: str = ""
    # Rasa's event broker, which feeds the console's summary tables (bot/summaries): by
    # default Rasa's SQL broker in a SQLite file of its own (endpoints.yml), or a URL.
    # With ``amqp_url`` set (RabbitMQ), the feed reads ``amqp_queue`` instead.
    broker_db: str = str(VAR_DIR / "broker.db")
    broker_url: str = ""
    amqp_url: str = ""
    amqp_queue: str = "rasa_core_events"
    amqp_exchange: str = "rasa-exchange"  # Rasa's fanout exchange (endpoints.scaled.yml: exchange_name)
    # Signs conversation ids, console login nonces and source digests. Empty: a random
    # key kept in var/secret_key (made on first run); production must set one.
    secret_key: str = ""
    # Back-end integrations that may choose their own conversation ids on /api/chat:
    # comma-separated "name=key" pairs. Their ids live in a namespace of their own
    # ("<name>:<id>"), so they can never reach a widget's or another integration's.
    integration_keys: str = ""
    # Origins allowed to embed the widget ("*" or comma-separated origins).
    widget_origins: str = "*"
    # Rate limits (the `limits` library's notation) and where counters live:
    # "memory://" per process, or "redis://host:6379" shared by all replicas.
    rate_limit_storage: str = "memory://"
    rate_limit_messages: str = "20/minute;200/hour"
    rate_limit_sessions: str = "10/minute;100/hour"
    rate_limit_connections: str = "30/minute"
    # Long polls per source, and how many may wait at once per source (per process).
    rate_limit_long_polls: str = "60/minute"
    max_waiting_per_source: int = 8
    # /api/chat calls with an integration key, per integration.
    rate_limit_integration: str = "600/minute"
    # Where the gateway's push hub and per-conversation locks live: empty = in-process
    # (one gateway process only); "redis://127.0.0.1:6379/0" = shared by every replica.
    redis_url: str = ""
    # Staff console. The session cookie `shopbot_staff` is always HttpOnly,
    # SameSite=Lax and on Path=/ (so /console pages and /api/console JSON both
    # get it). Secure by default: Chromium treats http://127.0.0.1 and
    # http://localhost as secure contexts, so local runs work with it on (checked
    # with Debian's Chromium 156). Turn off only for plain http on another host.
    console_cookie_secure: bool = True
    # Sessions end this long after login, or after this long without a request.
    console_session_hours: int = 12
    console_idle_minutes: int = 120
    # Failed console logins: per email address, and a looser limit per client IP
    # (behind a proxy, run uvicorn with --proxy-headers so the IP is the visitor's).
    rate_limit_logins: str = "5/15minutes"
    rate_limit_login_ips: str = "30/15minutes"
    # Prometheus /metrics of the gateway and the action server. Empty: served only to
    # clients on loopback that came through no proxy; set, only to requests carrying
    # ``Authorization: Bearer <token>`` (from anywhere, loopback included).
    metrics_token: str = ""
    # Log lines of the gateway and the action server (bot/logging_setup.py): "text", readable
    # for `make run`, or "json" (one object per line, for production's log collector). Both
    # carry the request id and mask personal data.
    log_format: Literal["text", "json"] = "text"
    # Proactive messages (issue 20; bot/proactive): off unless enabled. The gateway then scans for
    # order updates and restocks every ``proactive_interval_seconds`` and sends what visitors
    # consented to. Email needs ``smtp_host``; without it only widget messages are offered.
    proactive_enabled: bool = False
    proactive_interval_seconds: float = 30.0
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    mail_from: str = "shop@example.com"

    @property
    def tracker_database_url(self) -> str:
        """SQLAlchemy URL of Rasa's tracker store."""
        return self.tracker_url or f"sqlite:///{self.tracker_db}"

    @property
    def broker_database_url(self) -> str:
        """SQLAlchemy URL of the SQL event broker's database."""
        return self.broker_url or f"sqlite:///{self.broker_db}"

    @property
    def integrations(self) -> dict[str, str]:
        """Integration name -> key, from ``integration_keys``."""
        pairs = (item.partition("=") for item in self.integration_keys.split(",") if item.strip())
        return {name.strip(): key.strip() for name, _, key in pairs}

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self) -> "Settings":
        production = self.environment == "production"
        if production and self.rasa_token == DEV_RASA_TOKEN:
            raise ValueError("SHOP_RASA_TOKEN must be set to a secret value in production")
        if self.secret_key in KNOWN_SECRET_KEYS:
            raise ValueError("SHOP_SECRET_KEY is a published default; set a random one (or unset it)")
        if not self.secret_key:
            if production:
                raise ValueError("SHOP_SECRET_KEY must be set in production (e.g. `python -c "
                                 "'import secrets; print(secrets.token_urlsafe(48))'`)")
            self.secret_key = load_or_create_secret_key()
        if len(self.secret_key) < MIN_SECRET_KEY_CHARS:
            raise ValueError(f"SHOP_SECRET_KEY must be at least {MIN_SECRET_KEY_CHARS} characters")
        for name, key in self.integrations.items():
            if not name or ":" in name or len(key) < MIN_SECRET_KEY_CHARS:
                raise ValueError(f"SHOP_INTEGRATION_KEYS: each entry is name=key, key of "
                                 f"{MIN_SECRET_KEY_CHARS}+ characters, no ':' in the name")
        if self.environment == "production" and not self.console_cookie_secure:
            raise ValueError("SHOP_CONSOLE_COOKIE_SECURE must stay true in production (serve the console over HTTPS)")
        return self


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (read once)."""
    return Settings()
