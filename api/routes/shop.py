"""The demo shop front: home, category, product and search pages, with the chat widget."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from api.deps import SessionDep
from bot.catalog import storefront
from bot.catalog.service import find_products
from bot.formatting import money, relaxed_note
from bot.settings import get_settings

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
SEARCH_LIMIT = 24
_MAX_QUERY = 200

templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.filters["money"] = money

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _render(request: Request, session: Session, name: str, status_code: int = 200, **context) -> HTMLResponse:
    settings = get_settings()
    context.update(
        shop_name=settings.shop_name, return_window_days=settings.return_window_days,
        nav=storefront.list_categories(session),
    )
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _not_found(request: Request, session: Session, what: str) -> HTMLResponse:
    return _render(request, session, "not_found.html", status_code=404, what=what)


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and len(raw) < 7 else 1


def _page_window(page: int, pages: int, spread: int = 2) -> list[int | None]:
    """Page numbers to link: first, last and ``spread`` around the current one; None marks a gap."""
    shown = sorted({1, pages, *range(max(1, page - spread), min(pages, page + spread) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - (window[-1] or 0) > 1:
            window.append(None)
        window.append(number)
    return window


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> HTMLResponse:
    featured = storefront.featured_products(session)
    return _render(request, session, "home.html", featured=featured)


@router.get("/c/{slug}", response_class=HTMLResponse)
def category(
    request: Request, session: SessionDep, slug: str, page: str | None = None, sort: str = "popular"
) -> HTMLResponse:
    listing = storefront.category_page(session, slug=slug, page=_page_number(page), sort=sort)
    if listing is None:
        return _not_found(request, session, "category")
    return _render(
        request, session, "category.html", listing=listing, sorts=storefront.SORTS,
        window=_page_window(listing.page, listing.pages),
    )


@router.get("/products/{slug}", response_class=HTMLResponse)
def product(request: Request, session: SessionDep, slug: str) -> HTMLResponse:
    details = storefront.product_page(session, slug=slug)
    if details is None:
        return _not_found(request, session, "product")
    related = storefront.related_products(session, slug=slug)
    return _render(request, session, "product.html", product=details, related=related)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, session: SessionDep, q: str = "") -> HTMLResponse:
    text = q.strip()[:_MAX_QUERY]
    result = find_products(session, text=text, limit=SEARCH_LIMIT) if text else None
    cards = storefront.product_cards(session, ids=[hit.id for hit in result.hits]) if result else ()
    relaxed = bool(result and result.relaxed)
    return _render(
        request, session, "search.html", q=text, cards=cards, relaxed=relaxed,
        note=relaxed_note(result.relaxed) if relaxed else "",
    )
