"""A staff member's own account page: details, and changing the password from the console."""

from __future__ import annotations

from tests.api.console_helpers import CSRF_FIELD, PASSWORD, login, logged_in, set_cookies

NEW = "a much longer new passphrase"


def _change(client, csrf: str, current: str = PASSWORD, new: str = NEW, repeat: str | None = None):
    return client.post("/console/account/password", follow_redirects=False, data={
        "csrf_token": csrf, "current_password": current, "new_password": new,
        "repeat_password": new if repeat is None else repeat})


def test_every_staff_member_reaches_their_account_page_from_the_header(client, staff):
    agent = staff("agent", name="Ana Agent")
    logged_in(client, agent)
    home = client.get("/console")
    assert 'href="/console/account"' in home.text
    page = client.get("/console/account")
    assert page.status_code == 200
    assert agent.email in page.text and "Ana Agent" in page.text and 'autocomplete="current-password"' in page.text


def test_a_changed_password_logs_out_other_browsers_and_keeps_this_one(console, staff):
    agent = staff("agent")
    here, elsewhere = console(), console()
    csrf = logged_in(here, agent)
    logged_in(elsewhere, agent)
    changed = _change(here, csrf)
    assert changed.status_code == 303 and changed.headers["location"] == "/console/account?done=password"
    assert set_cookies(changed)["shopbot_staff"].value  # this browser got a new session
    page = here.get(changed.headers["location"])
    assert page.status_code == 200 and "Your password was changed" in page.text
    gone = elsewhere.get("/console", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/console/login")
    # The new password logs in, the old one does not.
    fresh = console()
    assert login(fresh, agent.email).status_code == 400
    assert login(fresh, agent.email, NEW).status_code == 303


def test_refused_changes_say_why_and_change_nothing(console, staff):
    agent = staff("agent")
    client = console()
    csrf = logged_in(client, agent)
    wrong = _change(client, csrf, current="not my password")
    assert wrong.status_code == 400 and "The current password is wrong." in wrong.text
    differ = _change(client, csrf, repeat="a much longer new passphrasf")
    assert differ.status_code == 400 and "The two new passwords are not the same." in differ.text
    short = _change(client, csrf, new="short")
    assert short.status_code == 400 and "at least 12 characters" in short.text
    same = _change(client, csrf, new=PASSWORD)
    assert same.status_code == 400 and "must differ from the current one" in same.text
    assert client.get("/console").status_code == 200  # still logged in
    assert login(console(), agent.email).status_code == 303  # the old password still works


def test_without_the_csrf_token_nothing_changes(console, staff):
    agent = staff("agent")
    client = console()
    logged_in(client, agent)
    refused = _change(client, "0" * 43)
    assert refused.status_code == 403
    assert login(console(), agent.email).status_code == 303


def test_guessing_the_current_password_is_throttled_like_logins(console, staff):
    agent = staff("agent")
    client = console()
    csrf = logged_in(client, agent)
    for _ in range(5):
        assert _change(client, csrf, current="a wrong guess").status_code == 400
    refused = _change(client, csrf)  # even the right one, now
    assert refused.status_code == 429 and "Too many wrong passwords" in refused.text
    assert 800 < int(refused.headers["retry-after"]) <= 900
    assert login(console(), agent.email, NEW).status_code == 400
    assert CSRF_FIELD.search(client.get("/console/account").text)  # the page itself still works
