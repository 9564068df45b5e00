"""Driving the widget in a page: wait for a condition, type a message and wait for the answer."""

from __future__ import annotations

import time


def page_errors(page) -> list[str]:
    """The JavaScript errors ``page`` raises from now on (a test asserts the list stays empty)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def open_widget(page):
    """Click the launcher and return the chat panel once it shows."""
    page.get_by_test_id("launcher").click()
    panel = page.get_by_test_id("panel")
    panel.wait_for(state="visible")
    return panel


def wait_until(page, condition, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(100)


def answered_after(page, before: int) -> bool:
    """More than our own message since ``before``, the last not ours, and nobody typing."""
    messages = page.get_by_test_id("message")
    count = messages.count()
    return (count > before + 1 and messages.nth(count - 1).get_attribute("data-from") != "visitor"
            and not page.get_by_test_id("typing").is_visible())


def ask(page, text: str) -> None:
    """Type ``text`` into the widget, send it, and wait for our message and at least one answer."""
    before = page.get_by_test_id("message").count()
    box = page.get_by_test_id("input")
    box.fill(text)
    box.press("Enter")
    wait_until(page, lambda: answered_after(page, before), what=f"an answer to {text[:40]!r}")
