"""Serving the learned model, with today's rules as the fallback for what it does not know."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.hits import ProductHit, hits_by_id
from bot.models import Customer, Order, OrderItem, OrderStatus, ProductVariant
from bot.recommendations import for_customer, similar_products
from bot.recs.model import CFModel
from bot.settings import get_settings

_CANDIDATES = 50  # the model's top picks read from the DB; sold-out ones are skipped


@dataclass(frozen=True)
class Picks:
    """Recommended products and where they came from: "model" or "rules"."""

    hits: list[ProductHit]
    source: str


_lock = threading.Lock()
_cached: tuple[Path, float, CFModel] | None = None


def load_model(path: Path | None = None) -> CFModel | None:
    """The saved model, reloaded when its file changes (a retrain); None when there is none."""
    global _cached
    path = path or get_settings().recs_model_path
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    with _lock:
        if _cached is None or _cached[0] != path or _cached[1] != mtime:
            _cached = (path, mtime, CFModel.load(path))
        return _cached[2]


def _customer_id(session: Session, email: str) -> int | None:
    return session.scalar(select(Customer.id).where(Customer.email == email.strip().lower()))


def _owned(session: Session, customer_id: int) -> set[str]:
    rows = session.scalars(
        select(ProductVariant.product_id).join(OrderItem, OrderItem.variant_id == ProductVariant.id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.customer_id == customer_id, Order.status != OrderStatus.CANCELLED).distinct())
    return {str(p) for p in rows}


def _in_stock(session: Session, ids: list[str], limit: int) -> list[ProductHit]:
    hits = hits_by_id(session, [int(i) for i in ids])
    return [h for h in hits if h.in_stock][:limit]


def model_picks(session: Session, *, email: str, limit: int = 5, model: CFModel | None = None) -> list[ProductHit]:
    """The model's in-stock picks for a customer, minus what they bought; none if it does not know them."""
    model = model or load_model()
    customer_id = _customer_id(session, email)
    if model is None or customer_id is None or not model.knows_user(str(customer_id)):
        return []
    ids = model.for_user(str(customer_id), exclude=_owned(session, customer_id), limit=_CANDIDATES)
    return _in_stock(session, ids, limit)


def personal_picks(session: Session, *, email: str, limit: int = 5) -> Picks:
    """For a verified customer: the model's picks, topped up by (or, cold, replaced by) the rules."""
    hits = model_picks(session, email=email, limit=limit)
    if len(hits) >= limit:
        return Picks(hits, "model")
    seen = {h.id for h in hits}
    rest = [h for h in for_customer(session, email=email, limit=limit + len(hits)) if h.id not in seen]
    return Picks(hits + rest[: limit - len(hits)], "model" if hits else "rules")


def also_bought(session: Session, *, product_id: int, limit: int = 5) -> Picks:
    """Customers who bought this also bought: nearest items by the model's factors, in stock;
    ``similar_products``'s rules for a product the model does not know."""
    model = load_model()
    if model is not None and model.knows_item(str(product_id)):
        hits = _in_stock(session, model.also_bought(str(product_id), limit=_CANDIDATES), limit)
        if hits:
            return Picks(hits, "model")
    return Picks(similar_products(session, product_id=product_id, limit=limit), "rules")


def evaluation_path(source: str) -> Path:
    """Where ``python -m bot.recs evaluate`` leaves its figures for the console."""
    return get_settings().recs_model_path.parent / f"eval-{source}.json"


def evaluation_figures(source: str) -> dict | None:
    """The last evaluation report of ``source`` (demo, online-retail), if one was run."""
    try:
        return json.loads(evaluation_path(source).read_text())
    except (FileNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class ModelStatus:
    """What the console says about the model: when and from what it was trained."""

    trained_at: str
    orders: int
    customers: int
    products: int
    params: str
    validation_ndcg10: float | None


@dataclass(frozen=True)
class CustomerComparison:
    """One customer's picks from the model and from today's rules, side by side."""

    email: str
    known: bool  # a customer of the shop
    in_model: bool
    model: list[ProductHit]
    rules: list[ProductHit]


def model_status() -> ModelStatus | None:
    """The saved model's training facts; None when no model was trained yet."""
    model = load_model()
    if model is None:
        return None
    ndcg = model.meta.get("validation_ndcg10")
    return ModelStatus(trained_at=str(model.meta.get("trained_at", "")), orders=int(model.meta.get("baskets", 0)),
                       customers=len(model.user_ids), products=len(model.item_ids), params=model.params.label(),
                       validation_ndcg10=ndcg if isinstance(ndcg, float) and ndcg == ndcg else None)


def compare_for_customer(session: Session, *, email: str, limit: int = 5) -> CustomerComparison:
    """The model's and the rules' picks for the customer with ``email``."""
    email = email.strip().lower()
    customer_id = _customer_id(session, email)
    model = load_model()
    return CustomerComparison(
        email=email, known=customer_id is not None,
        in_model=bool(model and customer_id is not None and model.knows_user(str(customer_id))),
        model=model_picks(session, email=email, limit=limit, model=model) if model else [],
        rules=for_customer(session, email=email, limit=limit) if customer_id is not None else [],
    )
