"""One typed settings object, read from ``SHOP_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"

DEV_RASA_TOKEN = "dev-rasa-token-change-me"


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

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self) -> "Settings":
        if self.environment == "production" and self.rasa_token == DEV_RASA_TOKEN:
            raise ValueError("SHOP_RASA_TOKEN must be set to a secret value in production")
        return self


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (read once)."""
    return Settings()
