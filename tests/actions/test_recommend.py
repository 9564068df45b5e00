from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.recommend import ActionRecommend
from bot.models import Category, Product
from bot.seed import DEMO_ORDERS
from tests.actions.conftest import make_tracker, responses, run


def _recommend(text, **slots):
    dispatcher = CollectingDispatcher()
    events = run(ActionRecommend(), dispatcher, make_tracker(text, intent="recommend", slots=slots))
    return dispatcher, {e["name"]: e["value"] for e in events}


def test_best_sellers_in_a_category_are_from_that_category(session):
    dispatcher, slots = _recommend("what are your best selling headphones")
    assert responses(dispatcher) == ["utter_recommend_best_sellers"]
    ids = [card["id"] for card in dispatcher.messages[0]["custom"]["products"]]
    assert ids and slots["shown_products"] == ids
    slugs = {session.get(Product, i).category.slug for i in ids}
    assert slugs == {"headphones"}


def test_top_rated_are_sorted_by_rating(session):
    dispatcher, _ = _recommend("show me your top rated stuff")
    assert responses(dispatcher) == ["utter_recommend_top_rated"]
    ratings = [session.get(Product, c["id"]).rating for c in dispatcher.messages[0]["custom"]["products"]]
    in_stock = [c["in_stock"] for c in dispatcher.messages[0]["custom"]["products"]]
    assert all(in_stock) and ratings == sorted(ratings, reverse=True)


def test_similar_means_the_same_category_as_the_product_discussed(session):
    base = session.scalar(select(Product).join(Category).where(Category.slug == "running-shoes").limit(1))
    dispatcher, _ = _recommend("anything similar?", current_product=base.id)
    assert responses(dispatcher) == ["utter_recommend_similar"]
    assert dispatcher.messages[0]["product"] == base.name
    for card in dispatcher.messages[0]["custom"]["products"]:
        assert card["id"] != base.id
        assert session.get(Product, card["id"]).category_id == base.category_id


def test_similar_without_a_product_asks_which(session):
    dispatcher, _ = _recommend("show me something similar")
    assert responses(dispatcher) == ["utter_which_product"]


def test_personal_picks_need_a_verified_customer(session):
    dispatcher, _ = _recommend("what would you recommend for me")
    assert responses(dispatcher) == ["utter_recommend_personal_unverified"]
    dispatcher, _ = _recommend("what would you recommend for me", verified_email=DEMO_ORDERS[1]["email"])
    assert responses(dispatcher) == ["utter_recommend_personal"]
