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


def _trained_model(session, monkeypatch):
    from bot.recs import serving
    from bot.recs.baskets import shop_baskets
    from bot.recs.model import CFModel, Params

    model = CFModel.train(shop_baskets(session), Params(factors=16, iterations=10))
    monkeypatch.setattr(serving, "load_model", lambda path=None: model)
    return model


def test_personal_picks_for_a_verified_customer_come_from_the_model_in_stock(session, monkeypatch):
    from sqlalchemy import func

    from bot.models import Customer, Order, OrderItem, OrderStatus, ProductVariant

    model = _trained_model(session, monkeypatch)
    email = DEMO_ORDERS[1]["email"]
    customer = session.scalar(select(Customer).where(Customer.email == email))
    assert model.knows_user(str(customer.id))
    dispatcher, slots = _recommend("what would you recommend for me", verified_email=email)
    assert responses(dispatcher) == ["utter_recommend_personal"]
    ids = [card["id"] for card in dispatcher.messages[0]["custom"]["products"]]
    assert len(ids) == 5 and slots["shown_products"] == ids
    owned = set(session.scalars(select(ProductVariant.product_id).join(OrderItem).join(Order).where(
        Order.customer_id == customer.id, Order.status != OrderStatus.CANCELLED)))
    for product_id in ids:
        assert session.get(Product, product_id) is not None and product_id not in owned
        stock = session.scalar(select(func.sum(ProductVariant.stock)).where(ProductVariant.product_id == product_id))
        assert stock > 0
    ranked = model.for_user(str(customer.id), exclude=[str(i) for i in owned], limit=100)
    assert [str(i) for i in ids] == [p for p in ranked if int(p) in set(ids)]  # in the model's order


def test_customers_who_bought_this_also_bought(session, monkeypatch):
    model = _trained_model(session, monkeypatch)
    base = int(model.item_ids[0])
    dispatcher, _ = _recommend("what did customers who bought this also buy?", current_product=base)
    assert responses(dispatcher) == ["utter_recommend_also_bought"]
    assert dispatcher.messages[0]["product"] == session.get(Product, base).name
    ids = [card["id"] for card in dispatcher.messages[0]["custom"]["products"]]
    assert ids and base not in ids and all(card["in_stock"] for card in dispatcher.messages[0]["custom"]["products"])


def test_also_bought_for_a_product_nobody_bought_falls_back_to_similar_items(session, monkeypatch):
    model = _trained_model(session, monkeypatch)
    unbought = session.scalar(select(Product).where(Product.id.not_in([int(t) for t in model.item_ids])).limit(1))
    dispatcher, _ = _recommend("what do people also buy with it?", current_product=unbought.id)
    assert responses(dispatcher) == ["utter_recommend_similar"]
    for card in dispatcher.messages[0]["custom"]["products"]:
        assert session.get(Product, card["id"]).category_id == unbought.category_id
