"""The "did you mean" buttons of policy topics ask a sub-question (bot/policy_questions.py):
each button's question, sent as the visitor would by clicking it, is answered with that
sub-question's answer from data/knowledge/shop_policies.yml, in English and in German."""

from __future__ import annotations

import uuid

import pytest

from bot.policy_questions import QUESTIONS
from tests.e2e.responses import said

pytestmark = pytest.mark.e2e

BUTTONS = [(key, lang, texts[lang]) for key, texts in sorted(QUESTIONS.items()) for lang in ("en", "de")]


@pytest.mark.parametrize("key, lang, button", BUTTONS, ids=[f"{key}-{lang}" for key, lang, _ in BUTTONS])
def test_a_policy_buttons_question_gets_its_sub_questions_answer(sqlite_stack, key, lang, button):
    title, question = button
    response = sqlite_stack.chat(f"button-{uuid.uuid4().hex[:12]}", question, language=lang)
    assert response.status_code == 200, response.text
    texts = [m.get("text") or "" for m in response.json()["messages"]]
    assert texts and said(f"utter_{key}", texts[0], lang), (title, question, texts)
