"""Cookies, CSRF tokens and form parsing of the staff console (no database here)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import parse_qsl

from fastapi import Request, Response

from bot.settings import Settings

SESSION_COOKIE = "shopbot_staff"
# Pre-session CSRF for the login form: the cookie holds a random nonce, the form
# the nonce's HMAC under the secret key ("signed double submit"), so a cookie
# planted by a sibling subdomain cannot be paired with a token of the attacker's choosing.
LOGIN_CSRF_COOKIE = "shopbot_login_csrf"
LOGIN_PATH = "/console/login"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CONSOLE_PREFIXES = ("/console", "/api/console")
_MAX_FIELDS = 20
_MAX_TOKEN_CHARS = 128


def is_console_path(path: str) -> bool:
    """True for /console, /console/..., /api/console and /api/console/... (not /consoles)."""
    return any(path == p or path.startswith(p + "/") for p in CONSOLE_PREFIXES)


def wants_json(request: Request) -> bool:
    """JSON routes live under /api/console; everything else in the console is HTML."""
    path = request.url.path
    return path == "/api/console" or path.startswith("/api/console/")


def tokens_match(sent: str | None, expected: str | None) -> bool:
    """Constant-time comparison of a submitted token with the expected one."""
    if not sent or not expected or len(sent) > _MAX_TOKEN_CHARS:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


async def read_form(request: Request) -> dict[str, str]:
    """The urlencoded form of a request (first value per field), parsed once and cached.

    Parsed here rather than with ``request.form()``: only urlencoded forms are
    used, and that needs no multipart parser.
    """
    cached = getattr(request.state, "console_form", None)
    if cached is not None:
        return cached
    form: dict[str, str] = {}
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        body = (await request.body()).decode("utf-8", errors="replace")
        try:
            pairs = parse_qsl(body, keep_blank_values=True, max_num_fields=_MAX_FIELDS)
        except ValueError:
            pairs = []
        for key, value in pairs:
            form.setdefault(key, value)
    request.state.console_form = form
    return form


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def safe_next(raw: str | None) -> str:
    """Where to go after login: ``raw`` if it is a console path on this site, else /console."""
    if (
        raw and len(raw) <= 500 and raw.isprintable() and "\\" not in raw and ".." not in raw
        and (raw == "/console" or raw.startswith(("/console/", "/console?")))
        and not raw.startswith(LOGIN_PATH)
    ):
        return raw
    return "/console"


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=settings.console_session_hours * 3600, path="/",
        secure=settings.console_cookie_secure, httponly=True, samesite="lax",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=settings.console_cookie_secure, httponly=True, samesite="lax"
    )


def login_form_token(nonce: str, settings: Settings) -> str:
    """The login form's CSRF token belonging to the nonce in the login cookie."""
    return hmac.new(settings.secret_key.encode(), f"console-login:{nonce}".encode(), hashlib.sha256).hexdigest()


def login_nonce(request: Request) -> str:
    """The login cookie's nonce, or a new one when there is none."""
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return nonce if 20 <= len(nonce) <= 64 and nonce.isascii() else secrets.token_urlsafe(24)


def set_login_cookie(response: Response, nonce: str, settings: Settings) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE, nonce, max_age=2 * 3600, path=LOGIN_PATH,
        secure=settings.console_cookie_secure, httponly=True, samesite="strict",
    )


def clear_login_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        LOGIN_CSRF_COOKIE, path=LOGIN_PATH, secure=settings.console_cookie_secure, httponly=True, samesite="strict"
    )


def login_csrf_ok(request: Request, sent: str | None, settings: Settings) -> bool:
    """True when the login form's token belongs to the nonce in this browser's login cookie."""
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE)
    return bool(nonce) and tokens_match(sent, login_form_token(nonce, settings))
