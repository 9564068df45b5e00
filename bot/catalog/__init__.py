"""Catalog: understanding product questions and searching the shop's products."""

from bot.catalog.query import ProductQuery, QueryParser
from bot.catalog.search import ProductHit, SearchResult, search_products
from bot.catalog.service import find_products, parser_for
from bot.catalog.unmet import record_unmet_search, search_unmet_kind
from bot.catalog.vocabulary import Vocabulary, load_vocabulary

__all__ = [
    "ProductHit",
    "ProductQuery",
    "QueryParser",
    "SearchResult",
    "Vocabulary",
    "find_products",
    "load_vocabulary",
    "parser_for",
    "record_unmet_search",
    "search_products",
    "search_unmet_kind",
]
