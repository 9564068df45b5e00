"""What the console's browser tests share: logging in through the form, reading a table, console errors."""

from __future__ import annotations

from tests.e2e.agents import PASSWORD


def log_in(page, shop, email: str) -> None:
    """Log ``email`` in through the console's login form and land on the console's home."""
    page.goto(f"{shop.api_url}/console/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{shop.api_url}/console")


def table_rows(page, table_id: str) -> list[list[str]]:
    """The text of each cell of the body of the table ``#table_id``, row by row, white space squeezed."""
    return page.eval_on_selector(
        f"#{table_id} tbody",
        "b => [...b.rows].map(r => [...r.cells].map(c => c.textContent.trim().replace(/\\s+/g, ' ')))",
    )


def console_errors(page) -> list[str]:
    """A list the page's JavaScript errors and console errors are added to from now on."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # (The browser's own favicon request gets a 404: not the page's business.)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error"
            and not m.location.get("url", "").endswith("/favicon.ico") else None)
    return errors
