"""ORM models of the shop database; import from here."""

from bot.models.aggregates import ALL_CATEGORIES, AggregateRefresh, BestSeller, CatalogGroup
from bot.models.base import Base
from bot.models.card_clicks import CardClick
from bot.models.catalog import Brand, Category, Product, ProductVariant
from bot.models.customers import Customer
from bot.models.experiments import Experiment, ExperimentArm, ExperimentExposure, ExperimentStatus
from bot.models.handoff import (
    OPEN_HANDOFF_STATUSES,
    HandoffReason,
    HandoffRequest,
    HandoffStatus,
)
from bot.models.orders import (
    ORDER_STATUSES,
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusEvent,
)
from bot.models.proactive import (
    Channel,
    ConsentKind,
    ConsentStatus,
    OutboxStatus,
    ProactiveConsent,
    ProactiveOutbox,
)
from bot.models.ratings import ConversationRating
from bot.models.returns import ReturnReason, ReturnRequest, ReturnStatus
from bot.models.review import (
    ConversationDeletion,
    ConversationNote,
    ConversationRef,
    ConversationReview,
    ConversationTag,
    NluCorrection,
)
from bot.models.security import VerificationFailure
from bot.models.segment_wording import SegmentWording
from bot.models.segments import CustomerSegment
from bot.models.staff import StaffRole, StaffSession, StaffUser
from bot.models.unmet_searches import UnmetKind, UnmetSearch

__all__ = [
    "ALL_CATEGORIES",
    "AggregateRefresh",
    "BestSeller",
    "CatalogGroup",
    "OPEN_HANDOFF_STATUSES",
    "ORDER_STATUSES",
    "Base",
    "Brand",
    "CardClick",
    "Category",
    "Channel",
    "ConsentKind",
    "ConsentStatus",
    "ConversationDeletion",
    "ConversationNote",
    "ConversationRef",
    "ConversationReview",
    "ConversationTag",
    "ConversationRating",
    "Customer",
    "CustomerSegment",
    "SegmentWording",
    "Experiment",
    "ExperimentArm",
    "ExperimentExposure",
    "ExperimentStatus",
    "HandoffReason",
    "HandoffRequest",
    "HandoffStatus",
    "NluCorrection",
    "Order",
    "OrderItem",
    "OrderStatus",
    "OrderStatusEvent",
    "OutboxStatus",
    "ProactiveConsent",
    "ProactiveOutbox",
    "Product",
    "ProductVariant",
    "ReturnReason",
    "ReturnRequest",
    "ReturnStatus",
    "StaffRole",
    "StaffSession",
    "StaffUser",
    "UnmetKind",
    "UnmetSearch",
    "VerificationFailure",
]
