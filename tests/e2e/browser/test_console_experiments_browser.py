"""The console's A/B experiments page in a real browser: an admin creates an experiment on the best-sellers
intro with the metric "product card clicked", sees it listed, and opens its report."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.models import Experiment
from tests.e2e.agents import PASSWORD, create_agent
from tests.e2e.conftest import remove_experiment

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
NAME = "Browser best sellers intro"


@pytest.fixture
def page(console_page):
    return console_page


@pytest.fixture
def admin(shop, db):
    """An admin account; the experiment the test makes is removed afterwards."""
    email = create_agent(shop, name="Ada Min", role="admin")
    yield email
    for experiment_id in db.scalars(select(Experiment.id).where(Experiment.name == NAME)).all():
        remove_experiment(db, experiment_id)


def test_an_admin_creates_a_card_click_experiment_sees_it_listed_and_reads_its_report(page, shop, db, admin, shot):
    page.goto(f"{shop.api_url}/console/login")
    page.fill("#email", admin)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{shop.api_url}/console")
    page.get_by_role("link", name="Experiments", exact=True).click()
    page.wait_for_url(f"{shop.api_url}/console/experiments")

    assert "within 24 hours after the text" in page.inner_text("#x-metric-help")
    page.fill("#x-name", NAME)
    page.select_option("#x-response", "utter_recommend_best_sellers")
    page.select_option("#x-metric", label="Product card clicked")
    page.fill("#x-text-0", "Our best sellers{scope} right now:\n{lines}")
    page.fill("#x-text-1", "People love these{scope}:\n{lines}")
    page.fill("#x-baseline", "20")
    page.fill("#x-effect", "10")
    shot(page, "form")
    page.get_by_role("button", name="Start experiment").click()
    page.wait_for_url(f"{shop.api_url}/console/experiments/*")
    assert "Product card clicked" in page.inner_text("main")
    assert page.inner_text("#experiment-status") == "running"
    shot(page, "report")

    page.get_by_role("link", name="Experiments", exact=True).click()
    page.wait_for_url(f"{shop.api_url}/console/experiments")
    row = page.locator("tr", has_text=NAME)
    assert row.count() == 1 and "card_click" in row.inner_text()
    row.get_by_role("link", name=NAME).click()
    page.wait_for_url(f"{shop.api_url}/console/experiments/*")
    experiment = db.scalar(select(Experiment).where(Experiment.name == NAME))
    assert experiment.metric == "card_click" and page.url.endswith(f"/console/experiments/{experiment.id}")
    assert "No winner yet" in page.inner_text("main")
