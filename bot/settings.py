"""One typed settings object, read from ``SHOP_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"

DEV_RASA_TOKEN = "dev-rasa-token-change-me"
DEV_SECRET_KEY = "dev-secret-key-change-me"


class Settings(BaseSettings):
    """Service configuration; every field can be set as ``SHOP_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="SHOP_", env_file=".env", extra="ignore")

    environment: str = Field("development", description="development | test | production")
    database_url: str = Field(
        f"sqlite:///{VAR_DIR / 'shop.db'}", description="SQLAlchemy URL of the shop database"
    )
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = DEV_RASA_TOKEN
    action_server_url: str = "http://127.0.0.1:5055"
    rasa_timeout_seconds: float = 10.0
    # Verification throttle: failed order-number/email pairs per conversation
    # and per order number inside the window before further tries are refused.
    verify_max_failures: int = 5
    verify_window_minutes: int = 15
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
    # Signs visitor session ids (and, later, staff sessions).
    secret_key: str = DEV_SECRET_KEY
    # Origins allowed to embed the widget ("*" or comma-separated origins).
    widget_origins: str = "*"
    # Rate limits (the `limits` library's notation) and where counters live:
    # "memory://" per process, or "redis://host:6379" shared by all replicas.
    rate_limit_storage: str = "memory://"
    rate_limit_messages: str = "20/minute;200/hour"
    rate_limit_sessions: str = "10/minute;100/hour"
    rate_limit_connections: str = "30/minute"
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

    @property
    def tracker_database_url(self) -> str:
        """SQLAlchemy URL of Rasa's tracker store."""
        return self.tracker_url or f"sqlite:///{self.tracker_db}"

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self) -> "Settings":
        if self.environment == "production" and self.rasa_token == DEV_RASA_TOKEN:
            raise ValueError("SHOP_RASA_TOKEN must be set to a secret value in production")
        if self.environment == "production" and self.secret_key == DEV_SECRET_KEY:
            raise ValueError("SHOP_SECRET_KEY must be set to a secret value in production")
        if self.environment == "production" and not self.console_cookie_secure:
            raise ValueError("SHOP_CONSOLE_COOKIE_SECURE must stay true in production (serve the console over HTTPS)")
        return self


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (read once)."""
    return Settings()
