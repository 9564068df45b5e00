"""The console's segment wording: access by role, CSRF, validation, one rule per response/language/segment, escaping."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from bot.db import session_scope
from bot.models import Experiment, SegmentWording
from tests.api.console_helpers import logged_in

PAGE = "/console/segment-wording"
WIN_BACK = "We've missed you! New since your last order:\n{lines}"


@pytest.fixture(autouse=True)
def no_wordings_left(shop_db):
    """Wordings made here are committed: remove them, so no other test meets one."""
    yield
    with session_scope() as session:
        session.execute(delete(SegmentWording))
        session.execute(delete(Experiment))


def _form(csrf: str, **changes: str) -> dict[str, str]:
    form = {"csrf_token": csrf, "response": "utter_recommend_personal", "language": "en",
            "segment": "Can't lose them", "text": WIN_BACK}
    form.update(changes)
    return form


def _wordings() -> list[tuple[str, str, str]]:
    with session_scope() as session:
        return [(w.segment, w.text, w.updated_by) for w in session.scalars(select(SegmentWording))]


def _only_id() -> int:
    with session_scope() as session:
        return session.scalar(select(SegmentWording.id))


def test_anonymous_visitors_are_sent_to_the_login_and_cannot_create_edit_or_delete(client):
    page = client.get(PAGE, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/console/login")
    for path in (PAGE, f"{PAGE}/1", f"{PAGE}/1/delete"):
        posted = client.post(path, data=_form("forged"), follow_redirects=False)
        assert posted.status_code == 303 and posted.headers["location"].startswith("/console/login")
    assert _wordings() == []


def test_agents_see_the_wordings_but_cannot_create_edit_or_delete(client, staff):
    admin = staff("admin")
    csrf = logged_in(client, admin)
    assert client.post(PAGE, data=_form(csrf), follow_redirects=False).status_code == 303
    wording_id = _only_id()
    client.post("/console/logout", data={"csrf_token": csrf})

    agent_csrf = logged_in(client, staff("agent"))
    listing = client.get(PAGE)
    assert listing.status_code == 200 and "We&#39;ve missed you!" in listing.text
    assert 'id="wording-form"' not in listing.text and f'action="{PAGE}/{wording_id}"' not in listing.text
    refused = client.post(PAGE, data=_form(agent_csrf, segment="Champions"), follow_redirects=False)
    assert refused.status_code == 403 and "admins only" in refused.text.lower()
    assert client.post(f"{PAGE}/{wording_id}", data=_form(agent_csrf, text="Agent's\n{lines}")).status_code == 403
    assert client.post(f"{PAGE}/{wording_id}/delete", data={"csrf_token": agent_csrf}).status_code == 403
    assert [(s, t) for s, t, _ in _wordings()] == [("Can't lose them", WIN_BACK)]


def test_a_form_without_the_session_csrf_token_is_refused(client, staff):
    logged_in(client, staff("admin"))
    assert client.post(PAGE, data=_form("not-the-token"), follow_redirects=False).status_code == 403
    assert _wordings() == []


def test_an_admin_creates_edits_and_deletes_a_wording(client, staff):
    admin = staff("admin")
    csrf = logged_in(client, admin)
    created = client.post(PAGE, data=_form(csrf), follow_redirects=False)
    assert created.status_code == 303 and created.headers["location"] == f"{PAGE}?done=saved"
    wording_id = _only_id()
    page = client.get(f"{PAGE}?done=saved")
    assert page.status_code == 200 and "Saved:" in page.text
    assert 'href="/console/experiments" aria-current="page"' in page.text
    edited = client.post(f"{PAGE}/{wording_id}", data=_form(csrf, text="Welcome back!\n{lines}"),
                         follow_redirects=False)
    assert edited.status_code == 303
    assert _wordings() == [("Can't lose them", "Welcome back!\n{lines}", admin.email)]
    assert client.post(f"{PAGE}/{wording_id}/delete", data={"csrf_token": csrf},
                       follow_redirects=False).status_code == 303
    assert _wordings() == []


@pytest.mark.parametrize("changes, message", [
    ({"text": "Missed you!"}, "must keep {lines}"),
    ({"text": "Hi {email}\n{lines}"}, "placeholders the response does not fill"),
    ({"text": "x" * 1001}, "longer than 1000"),
    ({"text": "  "}, "empty"),
    ({"segment": "Whales"}, "not a customer segment"),
    ({"response": "utter_made_up"}, "not a response in domain.yml"),
    ({"language": "fr"}, "en or de"),
])
def test_bad_input_is_refused_with_the_reason_and_the_form_kept(client, staff, changes, message):
    csrf = logged_in(client, staff("admin"))
    page = client.post(PAGE, data=_form(csrf, **changes))
    assert page.status_code == 400 and message in page.text
    assert _wordings() == []


def test_a_second_wording_for_the_same_response_language_and_segment_is_refused(client, staff):
    csrf = logged_in(client, staff("admin"))
    client.post(PAGE, data=_form(csrf))
    clash = client.post(PAGE, data=_form(csrf, text="Again\n{lines}"))
    assert clash.status_code == 409 and "already" in clash.text
    assert client.post(PAGE, data=_form(csrf, language="de", text="Wir vermissen Sie!\n{lines}"),
                       follow_redirects=False).status_code == 303
    assert len(_wordings()) == 2


def test_texts_are_escaped(client, staff):
    csrf = logged_in(client, staff("admin"))
    evil = '<script>alert("x")</script>'
    assert client.post(PAGE, data=_form(csrf, text=f"Hi {evil}\n{{lines}}"), follow_redirects=False).status_code == 303
    page = client.get(PAGE)
    assert evil not in page.text and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text


def test_an_experiment_can_be_limited_to_a_segment_from_its_form(client, staff):
    from tests.api.test_console_experiments import _created_id, _form as experiment_form

    csrf = logged_in(client, staff("admin"))
    experiment_id = _created_id(client.post("/console/experiments", data=experiment_form(csrf, segment="Champions"),
                                            follow_redirects=False))
    with session_scope() as session:
        assert session.get(Experiment, experiment_id).segment == "Champions"
    assert "verified customers in Champions only" in client.get(f"/console/experiments/{experiment_id}").text
    bad = client.post("/console/experiments", data=experiment_form(csrf, name="X", segment="Whales"))
    assert bad.status_code == 400 and "not a customer segment" in bad.text
