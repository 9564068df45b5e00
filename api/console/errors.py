"""Access errors of the console, answered as a redirect/HTML page or as JSON by path."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api.console.security import LOGIN_PATH, SAFE_METHODS, SESSION_COOKIE, clear_session_cookie, wants_json
from api.console.templating import render
from bot.conversation_refs import UnknownRef
from bot.settings import get_settings


class ConsoleAccessError(Exception):
    status_code = 403
    message = "forbidden"

    def __init__(self, staff: object | None = None) -> None:
        super().__init__(self.message)
        self.staff = staff  # the StaffIdentity when known, for the page's navigation


class LoginRequired(ConsoleAccessError):
    """No valid staff session (none, unknown, expired or deactivated)."""

    status_code = 401
    message = "login required"


class AdminRequired(ConsoleAccessError):
    message = "admins only"


class CsrfRejected(ConsoleAccessError):
    message = "the form's security token is missing or wrong; reload the page and try again"


def as_sentence(exc: Exception) -> str:
    """An error's message as a sentence for a console page: capitalised, with a full stop."""
    message = str(exc)
    return message[0].upper() + message[1:] + "." if message else "That did not work."


def _login_redirect(request: Request) -> RedirectResponse:
    target = LOGIN_PATH
    if request.method in SAFE_METHODS and request.url.path != "/console":
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target += "?" + urlencode({"next": path})
    return RedirectResponse(target, status_code=303)


def install_console_error_handlers(app: FastAPI) -> None:
    """Login required: HTML → 303 to the login page, JSON → 401. Forbidden: 403 page or JSON.

    An unknown conversation ref in a URL is a 404 (page or JSON).
    """
    @app.exception_handler(UnknownRef)
    async def _unknown_ref(request: Request, exc: UnknownRef) -> Response:
        if wants_json(request):
            return JSONResponse({"error": "not found", "detail": str(exc)}, status_code=404)
        return render(request, "console/error.html", status_code=404, staff=None, title="Not found",
                      message=str(exc))

    @app.exception_handler(ConsoleAccessError)
    async def _console_access(request: Request, exc: ConsoleAccessError) -> Response:
        if isinstance(exc, LoginRequired):
            response: Response = (
                JSONResponse({"error": exc.message}, status_code=401) if wants_json(request)
                else _login_redirect(request)
            )
            if SESSION_COOKIE in request.cookies:  # a stale cookie: drop it
                clear_session_cookie(response, get_settings())
            return response
        if wants_json(request):
            return JSONResponse({"error": exc.message}, status_code=exc.status_code)
        return render(request, "console/error.html", status_code=exc.status_code, staff=exc.staff,
                      title="Not allowed", message=exc.message)
