"""FastAPI dependencies, declared once as ``Annotated`` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.rasa_client import RasaClient
from bot.db import session_scope
from bot.settings import Settings, get_settings


def _session() -> Iterator[Session]:
    """One session per request; the request commits or rolls back."""
    with session_scope() as session:
        yield session


def _rasa(request: Request) -> RasaClient:
    return request.app.state.rasa


SessionDep = Annotated[Session, Depends(_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RasaDep = Annotated[RasaClient, Depends(_rasa)]
