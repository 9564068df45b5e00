"""FastAPI dependencies, declared once as ``Annotated`` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.rasa_client import RasaClient
from bot.db import get_sessionmaker
from bot.settings import Settings, get_settings


def _session() -> Iterator[Session]:
    """One session per request; the request commits or rolls back."""
    session = get_sessionmaker()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _rasa(request: Request) -> RasaClient:
    return request.app.state.rasa


SessionDep = Annotated[Session, Depends(_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RasaDep = Annotated[RasaClient, Depends(_rasa)]
