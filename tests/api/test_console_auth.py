"""The staff console's access layer: login, cookies, CSRF, throttling, roles, and every route's door."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime, timedelta, timezone

import fastapi.routing
import pytest
from sqlalchemy import delete, func, select, update

from bot.db import session_scope
from bot.models import HandoffReason, HandoffRequest, HandoffStatus, StaffSession, StaffUser

from tests.api.console_helpers import (  # noqa: E402
    CSRF_FIELD, JAR_DOMAIN, PASSWORD, logged_in as _logged_in, login as _login,
    login_token as _login_token, set_cookies as _set_cookies,
)


def _stored_sessions(staff_id: int) -> list[str]:
    with session_scope() as session:
        return list(session.scalars(select(StaffSession.id).where(StaffSession.staff_user_id == staff_id)))


# --- login -----------------------------------------------------------------------

def test_login_page_has_a_form_token_tied_to_a_login_cookie(client):
    page = client.get("/console/login")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'action="/console/login"' in page.text and 'autocomplete="current-password"' in page.text
    login_cookie = _set_cookies(page)["shopbot_login_csrf"]
    assert login_cookie["httponly"] and login_cookie["secure"]
    assert login_cookie["samesite"].lower() == "strict" and login_cookie["path"] == "/console/login"
    token = CSRF_FIELD.search(page.text).group(1)
    assert token != login_cookie.value  # the form carries the cookie's signature, not the cookie


def test_successful_login_sets_a_secure_http_only_lax_cookie_and_stores_only_its_hash(client, staff):
    agent = staff("agent")
    response = _login(client, agent.email.upper())
    assert response.status_code == 303 and response.headers["location"] == "/console"
    cookie = _set_cookies(response)["shopbot_staff"]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/" and int(cookie["max-age"]) == 12 * 3600
    assert _stored_sessions(agent.id) == [hashlib.sha256(cookie.value.encode()).hexdigest()]
    assert _set_cookies(response)["shopbot_login_csrf"]["max-age"] == "0"
    home = client.get("/console")
    assert home.status_code == 200 and agent.name in home.text


def test_the_cookie_is_not_secure_when_the_setting_says_so(console, staff, monkeypatch):
    monkeypatch.setenv("SHOP_CONSOLE_COOKIE_SECURE", "false")
    client = console()
    cookie = _set_cookies(_login(client, staff("agent").email))["shopbot_staff"]
    assert cookie["httponly"] and not cookie["secure"]


@pytest.mark.parametrize(("next_path", "lands_on"), [
    ("/console/staff", "/console/staff"),
    ("/console?tab=queue", "/console?tab=queue"),
    ("https://evil.example/console", "/console"),
    ("//evil.example/console", "/console"),
    ("/consolex", "/console"),
    ("/console/login", "/console"),
    ("/\\evil.example", "/console"),
    ("/console/../shop", "/console"),
])
def test_login_goes_on_only_to_console_paths(client, staff, next_path, lands_on):
    response = _login(client, staff("admin").email, next=next_path)
    assert response.status_code == 303 and response.headers["location"] == lands_on


def test_wrong_password_and_unknown_email_get_the_same_generic_answer(client, staff):
    agent = staff("agent")
    wrong = _login(client, agent.email, "not the password")
    unknown = _login(client, f"nobody-{uuid.uuid4().hex[:6]}@example.com")
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "Email or password is wrong." in response.text
        assert "shopbot_staff" not in _set_cookies(response)
    assert _stored_sessions(agent.id) == []
    assert client.get("/api/console/me").status_code == 401


def test_a_deactivated_account_cannot_log_in(client, staff):
    agent = staff("agent")
    with session_scope() as session:
        session.execute(update(StaffUser).where(StaffUser.id == agent.id).values(is_active=False))
    response = _login(client, agent.email)
    assert response.status_code == 400 and "deactivated" in response.text
    assert _stored_sessions(agent.id) == []


@pytest.mark.parametrize("forge", ["missing", "wrong", "no-cookie"])
def test_login_without_its_csrf_token_is_refused(client, staff, forge):
    agent = staff("agent")
    token = _login_token(client)
    data = {"email": agent.email, "password": PASSWORD, "csrf_token": token}
    if forge == "missing":
        del data["csrf_token"]
    elif forge == "wrong":
        data["csrf_token"] = "0" * 64
    else:
        client.cookies.clear()
    response = client.post("/console/login", data=data, follow_redirects=False)
    assert response.status_code == 403 and "expired" in response.text
    assert _stored_sessions(agent.id) == []


def test_failed_logins_are_throttled_per_email(client, staff):
    agent = staff("agent")
    for _ in range(5):
        assert _login(client, agent.email, "not the password").status_code == 400
    # The sixth try is refused before the password is even checked, right or not.
    refused = _login(client, agent.email)
    assert refused.status_code == 429
    assert "Too many failed logins. Please try again in 15 minutes." in refused.text
    assert 800 < int(refused.headers["retry-after"]) <= 900
    assert _stored_sessions(agent.id) == []
    # Other accounts are not locked out by it.
    assert _login(client, staff("agent").email).status_code == 303


def test_failed_logins_are_throttled_per_client_ip(console, staff, monkeypatch):
    monkeypatch.setenv("SHOP_RATE_LIMIT_LOGIN_IPS", "3/15minutes")
    client = console()
    for _ in range(3):
        assert _login(client, f"guess-{uuid.uuid4().hex[:6]}@example.com").status_code == 400
    assert _login(client, staff("agent").email).status_code == 429


def test_a_successful_login_clears_the_email_count(client, staff):
    agent = staff("agent")
    for _ in range(4):
        _login(client, agent.email, "not the password")
    assert _login(client, agent.email).status_code == 303
    client.cookies.clear()  # as from another browser
    for _ in range(4):
        assert _login(client, agent.email, "not the password").status_code == 400
    assert _login(client, agent.email).status_code == 303


def test_login_rotates_the_session_token(client, staff):
    agent = staff("agent")
    client.cookies.set("shopbot_staff", "planted-by-an-attacker", domain=JAR_DOMAIN, path="/")
    first = _set_cookies(_login(client, agent.email))["shopbot_staff"].value
    assert first != "planted-by-an-attacker"
    assert client.cookies.get("shopbot_staff") == first
    # Log in again from the same browser while the first session is still valid.
    client.cookies.delete("shopbot_staff")
    token = _login_token(client)
    client.cookies.set("shopbot_staff", first, domain=JAR_DOMAIN, path="/")
    again = client.post("/console/login", data={"email": agent.email, "password": PASSWORD, "csrf_token": token},
                        follow_redirects=False)
    assert again.status_code == 303
    second = _set_cookies(again)["shopbot_staff"].value
    assert second != first
    # The earlier session is gone server-side; only the new one remains.
    assert _stored_sessions(agent.id) == [hashlib.sha256(second.encode()).hexdigest()]


def test_visiting_the_login_page_while_logged_in_goes_to_the_console(client, staff):
    _logged_in(client, staff("agent"))
    response = client.get("/console/login", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console"


# --- logout and session end ----------------------------------------------------------

def test_logout_ends_the_session_on_the_server(client, staff):
    agent = staff("agent")
    csrf = _logged_in(client, agent)
    token = client.cookies.get("shopbot_staff")
    response = client.post("/console/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/login?logged_out=1"
    assert _set_cookies(response)["shopbot_staff"]["max-age"] == "0"
    assert _stored_sessions(agent.id) == []
    # Replaying the old cookie does not work.
    client.cookies.set("shopbot_staff", token, domain=JAR_DOMAIN)
    again = client.get("/console", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/console/login"
    assert "You are logged out." in client.get("/console/login?logged_out=1").text


def test_logout_needs_the_csrf_token(client, staff):
    agent = staff("agent")
    _logged_in(client, agent)
    response = client.post("/console/logout", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert len(_stored_sessions(agent.id)) == 1
    assert client.get("/console").status_code == 200


def test_an_idle_session_sends_the_browser_back_to_login(client, staff):
    agent = staff("agent")
    _logged_in(client, agent)
    with session_scope() as session:
        session.execute(update(StaffSession).where(StaffSession.staff_user_id == agent.id)
                        .values(last_seen_at=datetime.now(timezone.utc) - timedelta(hours=2, minutes=1)))
    response = client.get("/console/staff?x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?next=%2Fconsole%2Fstaff%3Fx%3D1"
    assert _set_cookies(response)["shopbot_staff"]["max-age"] == "0"
    assert client.get("/api/console/me").status_code == 401


# --- CSRF on console writes -----------------------------------------------------

@pytest.mark.parametrize("forge", ["missing", "wrong", "other-session"])
def test_console_posts_without_the_session_csrf_token_are_refused(console, staff, forge):
    admin_client, other = console(), console()
    _logged_in(admin_client, staff("admin"))
    other_csrf = _logged_in(other, staff("admin"))
    data = {"email": f"new-{uuid.uuid4().hex[:6]}@example.com", "name": "New", "role": "agent",
            "password": PASSWORD}
    if forge == "wrong":
        data["csrf_token"] = "x" * 43
    elif forge == "other-session":
        data["csrf_token"] = other_csrf
    response = admin_client.post("/console/staff", data=data, follow_redirects=False)
    assert response.status_code == 403 and "security token" in response.text
    with session_scope() as session:
        assert session.scalar(select(func.count()).where(StaffUser.email == data["email"])) == 0


def test_the_csrf_token_may_come_in_a_header(client, staff):
    admin = staff("admin")
    csrf = _logged_in(client, admin)
    email = f"hdr-{uuid.uuid4().hex[:6]}@example.com"
    response = client.post("/console/staff", data={"email": email, "name": "Via Header", "role": "agent",
                                                    "password": PASSWORD},
                           headers={"X-CSRF-Token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    with session_scope() as session:
        session.execute(delete(StaffUser).where(StaffUser.email == email))


# --- roles ----------------------------------------------------------------------------

def test_agents_see_no_staff_link_and_get_403_on_admin_pages(client, staff):
    agent = staff("agent")
    csrf = _logged_in(client, agent)
    home = client.get("/console")
    assert 'href="/console/staff"' not in home.text
    assert client.get("/api/console/me").json() == {"name": agent.name, "email": agent.email, "role": "agent"}
    page = client.get("/console/staff")
    assert page.status_code == 403 and "admins only" in page.text.lower()
    posted = client.post("/console/staff", data={"csrf_token": csrf, "email": "x@example.com", "name": "X",
                                                 "role": "admin", "password": PASSWORD})
    assert posted.status_code == 403
    assert client.post(f"/console/staff/{agent.id}/role", data={"csrf_token": csrf, "role": "admin"}).status_code == 403


def test_admins_create_agents_who_can_then_log_in(console, staff):
    admin_client = console()
    csrf = _logged_in(admin_client, staff("admin"))
    page = admin_client.get("/console/staff")
    assert page.status_code == 200 and 'href="/console/staff" aria-current="page"' in page.text
    email = f"made-{uuid.uuid4().hex[:6]}@example.com"
    made = admin_client.post("/console/staff", data={"csrf_token": csrf, "email": email, "name": "Made Here",
                                                     "role": "agent", "password": PASSWORD},
                             follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/console/staff?done=created"
    listing = admin_client.get("/console/staff?done=created").text
    assert "The account was created." in listing and email in listing
    try:
        duplicate = admin_client.post("/console/staff", data={"csrf_token": csrf, "email": email.upper(),
                                                              "name": "Twin", "role": "agent", "password": PASSWORD})
        assert duplicate.status_code == 409 and "already exists" in duplicate.text
        short = admin_client.post("/console/staff", data={"csrf_token": csrf, "email": "s" + email, "name": "S",
                                                          "role": "agent", "password": "too short"})
        assert short.status_code == 400 and "at least 12 characters" in short.text
        assert _login(console(), email).status_code == 303
    finally:
        with session_scope() as session:
            session.execute(delete(StaffUser).where(StaffUser.email == email))


def test_deactivating_an_agent_logs_them_out_at_once(console, staff):
    admin_client, agent_client = console(), console()
    agent = staff("agent")
    _logged_in(agent_client, agent)
    csrf = _logged_in(admin_client, staff("admin"))
    done = admin_client.post(f"/console/staff/{agent.id}/deactivate", data={"csrf_token": csrf},
                             follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/console/staff?done=deactivated"
    assert agent_client.get("/console", follow_redirects=False).status_code == 303
    assert _login(agent_client, agent.email).status_code == 400
    back = admin_client.post(f"/console/staff/{agent.id}/reactivate", data={"csrf_token": csrf},
                             follow_redirects=False)
    assert back.status_code == 303 and _login(agent_client, agent.email).status_code == 303


def test_admins_cannot_deactivate_or_demote_themselves(client, staff):
    admin = staff("admin")
    csrf = _logged_in(client, admin)
    for action, data in (("deactivate", {}), ("role", {"role": "agent"})):
        response = client.post(f"/console/staff/{admin.id}/{action}", data={"csrf_token": csrf, **data})
        assert response.status_code == 409 and "your own account" in response.text
    assert client.get("/api/console/me").json()["role"] == "admin"


def test_promoting_an_agent_gives_them_the_staff_page(console, staff):
    admin_client, agent_client = console(), console()
    agent = staff("agent")
    _logged_in(agent_client, agent)
    csrf = _logged_in(admin_client, staff("admin"))
    assert admin_client.post(f"/console/staff/{agent.id}/role", data={"csrf_token": csrf, "role": "admin"},
                             follow_redirects=False).status_code == 303
    assert agent_client.get("/console/staff").status_code == 200
    assert admin_client.post(f"/console/staff/{10**9}/deactivate", data={"csrf_token": csrf}).status_code == 404


# --- pages ---------------------------------------------------------------------------

def test_console_responses_carry_security_headers(client, staff):
    _logged_in(client, staff("admin"))
    for response in (client.get("/console"), client.get("/console/staff"), client.get("/api/console/me"),
                     client.get("/console/login", follow_redirects=False)):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-frame-options"] == "DENY"
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "x-frame-options" not in client.get("/").headers  # the shop front is not the console's business


def test_console_pages_have_no_inline_scripts_or_styles(client, staff):
    _logged_in(client, staff("admin"))
    for path in ("/console", "/console/staff"):
        page = client.get(path).text
        assert "<script" not in page and "style=" not in page and "<style" not in page
        assert '<link rel="stylesheet" href="/static/console.css">' in page
    assert client.get("/static/console.css").status_code == 200


def test_home_shows_the_real_handoff_queue(client, staff):
    agent = staff("agent", name="Queue Watcher")
    senders = [f"console-home-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    with session_scope() as session:
        session.add_all([
            HandoffRequest(sender_id=senders[0], reason=HandoffReason.ASKED, status=HandoffStatus.WAITING),
            HandoffRequest(sender_id=senders[1], reason=HandoffReason.LATE_PARCEL, status=HandoffStatus.WAITING,
                           verified_order_number="100042"),
            HandoffRequest(sender_id=senders[2], reason=HandoffReason.FALLBACK, status=HandoffStatus.TAKEN,
                           taken_by="Ana"),
        ])
    try:
        _logged_in(client, agent)
        page = client.get("/console").text
        with session_scope() as session:
            count = {s: session.scalar(select(func.count()).where(HandoffRequest.status == s))
                     for s in (HandoffStatus.WAITING, HandoffStatus.TAKEN)}
        assert f'id="count-waiting">{count[HandoffStatus.WAITING]}<' in page
        assert f'id="count-taken">{count[HandoffStatus.TAKEN]}<' in page
        assert count[HandoffStatus.WAITING] >= 2 and count[HandoffStatus.TAKEN] >= 1
        assert "late parcel" in page and "Hello, Queue Watcher" in page
        assert "100042" not in page  # an order number is personal data: masked for agents everywhere
        assert "<time datetime=" in page
    finally:
        with session_scope() as session:
            session.execute(delete(HandoffRequest).where(HandoffRequest.sender_id.in_(senders)))


# --- every console route refuses anonymous visitors -------------------------------------

PUBLIC_CONSOLE_ROUTES = {("/console/login", "GET"), ("/console/login", "POST")}


def _all_routes(app) -> list:
    # FastAPI >= 0.13x keeps included routers lazily; iter_route_contexts flattens them.
    walk = getattr(fastapi.routing, "iter_route_contexts", None)
    return list(walk(app.routes)) if walk else list(app.routes)


def _console_routes(app) -> list[tuple[str, str]]:
    found = []
    for route in _all_routes(app):
        path, methods = getattr(route, "path", ""), getattr(route, "methods", None) or set()
        if not (path == "/console" or path.startswith(("/console/", "/api/console"))):
            continue
        found += [(path, m) for m in sorted(methods) if (path, m) not in PUBLIC_CONSOLE_ROUTES]
    return found


def test_every_console_route_refuses_anonymous_requests(client):
    routes = _console_routes(client.app)
    # Guard against a vacuous pass if the routes were renamed.
    assert {("/console", "GET"), ("/console/staff", "GET"), ("/console/logout", "POST"),
            ("/api/console/me", "GET")} <= set(routes)
    for path, method in routes:
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = client.request(method, url, follow_redirects=False)
        if path.startswith("/api/console"):
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.json() == {"error": "login required"}, (method, path)
        else:
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/console/login"), (method, path)


def test_a_forged_cookie_is_anonymous_too(client):
    client.cookies.set("shopbot_staff", "forged", domain=JAR_DOMAIN)
    for path, method in _console_routes(client.app):
        response = client.request(method, re.sub(r"\{[^}]+\}", "1", path), follow_redirects=False)
        assert response.status_code in (303, 401), (method, path)
