"""Proactive messages in the gateway: the dispatcher task, and the links of the emails and messages.

- ``Dispatcher`` runs ``bot.proactive.dispatch.dispatch_once`` every
  ``SHOP_PROACTIVE_INTERVAL_SECONDS`` when ``SHOP_PROACTIVE_ENABLED`` is set. A widget
  message is appended to the conversation's tracker as a bot event through Rasa's
  token-protected HTTP API (an external event: it is in the transcript, nothing is
  predicted), under the conversation's lock, then the push hub wakes the open widget,
  as an agent's reply does (api/console/live_api.py).
- ``/proactive/confirm`` and ``/proactive/unsubscribe`` take a signed token naming one
  consent (bot/proactive/tokens.py): no login, and only that consent. Each shows a page
  with a button; the POST does it, so a mail scanner following links changes nothing
  (the unsubscribe POST also serves RFC 8058 one-click).
- ``/proactive/c/{token}`` counts a click and redirects to the link stored with the
  notification (never one taken from the URL: no open redirect).
"""

from __future__ import annotations

import asyncio
import html
import logging
from contextlib import suppress
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from api.callers import limit, request_source
from api.console.security import read_form
from api.deps import LimitsDep, WriteSessionDep
from api.rasa_client import RasaClient
from bot.proactive import confirm, unsubscribe
from bot.proactive.dispatch import DispatchReport, dispatch_once
from bot.proactive.mailer import SmtpConfig
from bot.proactive.outbox import record_click
from bot.proactive.tokens import verify
from bot.settings import get_settings
from bot.transcripts.store import get_tracker_engine

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/proactive", include_in_schema=False)

Token = Annotated[str, Query(alias="t", max_length=80)]


def widget_sink(app: FastAPI):
    """How a widget notification reaches the conversation: stored by Rasa, then the widget is woken."""
    async def deliver(sender_id: str, event: dict[str, Any]) -> None:
        rasa: RasaClient = app.state.rasa
        async with app.state.session_locks.hold(sender_id):
            await rasa.append_events(sender_id=sender_id, events=[event])
        app.state.hub.wake(sender_id)
    return deliver


async def run_dispatcher_once(app: FastAPI) -> DispatchReport:
    """One round of the dispatcher with this gateway's Rasa client and hub."""
    return await dispatch_once(widget=widget_sink(app), smtp=SmtpConfig.from_settings(get_settings()),
                               tracker=get_tracker_engine())


class Dispatcher:
    """The background task of the gateway's lifespan."""

    def __init__(self, app: FastAPI, interval: float) -> None:
        self._app, self._interval = app, interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="proactive-dispatcher")

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                report = await run_dispatcher_once(self._app)
                if report.sent or report.failed:
                    logger.info("proactive messages: %d queued, %d sent, %d failed",
                                report.queued, report.sent, report.failed)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the shop DB or Rasa away: try again next round
                logger.exception("proactive dispatcher round failed")
            await asyncio.sleep(self._interval)


def _page(title: str, body: str, *, form: str | None = None, token: str = "") -> HTMLResponse:
    button = ""
    if form:
        button = (f'<form method="post"><input type="hidden" name="t" value="{html.escape(token)}">'
                  f'<button type="submit">{html.escape(form)}</button></form>')
    return HTMLResponse(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta name="robots" content="noindex"></head><body><h1>{html.escape(title)}</h1>'
        f"<p>{html.escape(body)}</p>{button}</body></html>")


def _checked(request: Request, limits, token: str, purpose: str) -> int:
    limit(limits, "messages", request_source(request))
    consent_id = verify(token, purpose)
    if consent_id is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown or invalid link")
    return consent_id


@router.get("/confirm", response_class=HTMLResponse)
def confirm_page(request: Request, limits: LimitsDep, t: Token) -> HTMLResponse:
    _checked(request, limits, t, "confirm")
    return _page("Confirm your notification", "Click the button to receive one email when the item is back "
                 "in stock.", form="Confirm", token=t)


async def _form_token(request: Request) -> str:
    form = await read_form(request)
    # The form's field, or the link's own query (RFC 8058 one-click: the mail client POSTs to the URL).
    return str(form.get("t") or request.query_params.get("t") or "")[:80]


@router.post("/confirm", response_class=HTMLResponse)
async def confirm_post(request: Request, limits: LimitsDep, session: WriteSessionDep) -> HTMLResponse:
    consent_id = _checked(request, limits, await _form_token(request), "confirm")
    done = await run_in_threadpool(confirm, session, consent_id=consent_id)
    return _page("Confirmed" if done else "Nothing to confirm",
                 "We'll email you once when it's back in stock." if done
                 else "This link was used already, or the notification was withdrawn.")


@router.get("/unsubscribe", response_class=HTMLResponse)
def unsubscribe_page(request: Request, limits: LimitsDep, t: Token) -> HTMLResponse:
    _checked(request, limits, t, "unsubscribe")
    return _page("Unsubscribe", "Click the button and this notification is withdrawn.", form="Unsubscribe",
                 token=t)


@router.post("/unsubscribe", response_class=HTMLResponse)
async def unsubscribe_post(request: Request, limits: LimitsDep, session: WriteSessionDep) -> HTMLResponse:
    consent_id = _checked(request, limits, await _form_token(request), "unsubscribe")
    await run_in_threadpool(unsubscribe, session, consent_id=consent_id)
    return _page("Unsubscribed", "You won't get this notification. Nothing else was changed.")


@router.get("/c/{token}")
def click(token: str, request: Request, limits: LimitsDep,
          session: WriteSessionDep) -> RedirectResponse:
    limit(limits, "messages", request_source(request))
    if len(token) > 40:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown link")
    link = record_click(session, token=token)
    if link is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown link")
    return RedirectResponse(link, status_code=status.HTTP_303_SEE_OTHER)


def install_proactive(app: FastAPI) -> None:
    """The links' routes (always: a sent email's links keep working when sending is turned off)."""
    app.include_router(router)

