"""The console's recommendations page in Chromium, against uvicorn with a model trained on the test shop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from bot.db import make_engine
from bot.models import Customer
from bot.recs.baskets import shop_baskets
from bot.recs.model import CFModel, Params
from bot.staff import accounts
from tests.api.served_gateway import served_gateway
from tests.api.test_console_browser import CHROMIUM, _copy_shop_db, browser  # noqa: F401 (fixture)

EMAIL = "recs-browser@example.com"
PASSWORD = "correct horse battery"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed; "
                                                     "Playwright cannot download browsers here"),
]


@pytest.fixture(scope="module")
def served(shop_db, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """(base URL, email of a customer the model knows)."""
    folder = tmp_path_factory.mktemp("recs-browser")
    url = _copy_shop_db(folder / "shop.db")
    engine = make_engine(url)
    with Session(engine) as session:
        accounts.create_staff(session, email=EMAIL, name="Recs Agent", role="agent", password=PASSWORD)
        session.commit()
        model = CFModel.train(shop_baskets(session), Params(factors=16, iterations=10),
                              meta={"trained_at": "2026-12-04T20:00:00+00:00", "baskets": 7})
        customer_email = session.get(Customer, int(model.user_ids[0])).email
    engine.dispose()
    model.save(folder / "model.npz")
    with served_gateway(url, SHOP_RECS_MODEL_PATH=str(folder / "model.npz")) as base:
        yield base, customer_email


def test_an_agent_looks_up_a_customers_picks(served, browser):  # noqa: F811
    base, customer_email = served
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{base}/console/recommendations")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/console/recommendations")
    assert page.locator("h1").inner_text() == "Recommendations"
    assert page.locator("#recs-orders").inner_text() == "7"

    page.fill("#recs-email", customer_email)
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_selector("#table-recs-model")
    assert page.locator("#table-recs-model tbody tr").count() == 5
    assert page.locator("#table-recs-rules tbody tr").count() == 5
    assert csp_errors == []
    context.close()
