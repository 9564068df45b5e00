"""The gateway against its own /openapi.json: schemathesis generates valid and invalid
requests for every documented operation, as an anonymous caller and as a logged-in
console admin, and each answer must be documented (status, content type, body schema)
and never a 5xx.

Runs in-process against the ASGI app, with Rasa on a closed port (so routes that
need it answer their documented 503) and generous rate limits (so a run is
deterministic: a 429 would depend on how many cases came before).
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from api.console.security import CSRF_HEADER, SESSION_COOKIE
from api.routes.sessions import MAX_WAIT
from bot.settings import get_settings
from bot.visitor_sessions import new_session_id
from tests.api.conftest import free_port
from tests.api.console_helpers import logged_in

CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
    negative_data_rejection, response_headers_conformance, unsupported_method,
]
GENEROUS = "100000/minute"
# Bounded and reproducible: the same cases on every run, no example database.
FUZZ = settings(
    max_examples=20, derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def gateway(monkeypatch, shop_db, tmp_path):
    """The gateway app, Rasa and the action server on closed ports, rate limits out of the way."""
    monkeypatch.setenv("SHOP_RASA_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("SHOP_ACTION_SERVER_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("SHOP_RASA_TIMEOUT_SECONDS", "2")
    monkeypatch.setenv("SHOP_TRACKER_DB", str(tmp_path / "tracker.db"))
    for name in ("MESSAGES", "SESSIONS", "CONNECTIONS", "LONG_POLLS", "INTEGRATION"):
        monkeypatch.setenv(f"SHOP_RATE_LIMIT_{name}", GENEROUS)
    get_settings.cache_clear()
    from api.main import create_app

    yield create_app()
    schemathesis.python.asgi.shutdown_lifespans()
    get_settings.cache_clear()


@pytest.fixture
def admin_auth(gateway, staff):
    """Cookies and headers of a logged-in console admin (session cookie, CSRF header)."""
    browser = TestClient(gateway, base_url="https://testserver")
    csrf = logged_in(browser, staff("admin"))
    return {"cookies": {SESSION_COOKIE: browser.cookies.get(SESSION_COOKIE)}, "headers": {CSRF_HEADER: csrf}}


def _published_schema() -> dict:
    """The app's /openapi.json (it does not depend on the settings, so any app's will do)."""
    from api.main import create_app

    with TestClient(create_app()) as client:
        published = client.get("/openapi.json").json()
    get_settings.cache_clear()
    return published


# Loaded when the module is collected, so pytest gets one test per operation
# (schemathesis.pytest.from_fixture would be lazier, but needs pytest < 9.2).
schema = schemathesis.openapi.from_dict(_published_schema())
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
# A 503 (Rasa down, /health degraded) is an answer the schema documents; any other 5xx is a bug.
schema.config.checks.not_a_server_error.expected_statuses = ["2xx", "3xx", "4xx", "503"]


def _issue_session(case) -> None:
    """About half of the cases that name a widget session get a real one, so they reach past the 404.

    Chosen from the generated value itself, so a case and its shrunk or replayed forms agree.
    """
    generated = (case.path_parameters or {}).get("session_id")
    if isinstance(generated, str) and len(generated) % 2 == 0:
        case.path_parameters["session_id"] = new_session_id(secret_key=get_settings().secret_key)



def _no_long_poll(case) -> None:
    """A valid ``wait`` becomes 0: a long poll would only make the run slow (tests/api/test_sessions.py
    and test_console_live.py cover waiting); invalid values stay, to be refused."""
    wait = (case.query or {}).get("wait")
    if isinstance(wait, int) and not isinstance(wait, bool) and 0 < wait <= MAX_WAIT:
        case.query["wait"] = 0


def _prepare(case) -> None:
    _issue_session(case)
    _no_long_poll(case)


@schema.parametrize()
@FUZZ
def test_anonymous_callers_get_documented_answers(case, gateway):
    _prepare(case)
    case.call_and_validate(app=gateway, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_console_admins_get_documented_answers(case, gateway, admin_auth):
    _prepare(case)
    response = case.call_and_validate(app=gateway, checks=CHECKS, cookies=admin_auth["cookies"],
                                      headers=admin_auth["headers"])
    if case.path.startswith("/api/console"):
        assert response.status_code not in (401, 403), "the admin's session or CSRF token was not accepted"


def test_every_422_documents_the_error_shape_the_gateway_sends():
    published = _published_schema()
    assert "HTTPValidationError" not in published["components"]["schemas"]
    for path, operations in published["paths"].items():
        for method, operation in operations.items():
            invalid = operation["responses"].get("422")
            if invalid is not None:
                ref = invalid["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/InvalidRequest"), (method, path)
