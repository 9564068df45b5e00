"""Consented proactive messages (issue 20, part 2): order updates and back-in-stock notices.

``consent`` records and withdraws what a visitor agreed to; ``triggers`` decides which
changes produce which notification and queues each once in the ``outbox``;
``dispatch`` sends them (widget message into the transcript, or email over SMTP);
``stats`` gives the console its figures. Adapters: actions/proactive.py (consent and
withdrawal in chat), api/proactive.py (dispatcher task, confirm/unsubscribe/click
links), api/console/proactive.py (figures).
"""

from bot.proactive.consent import (
    ConsentView,
    confirm,
    open_consents,
    unsubscribe,
    watch_back_in_stock,
    watch_order,
    withdraw_conversation,
)
from bot.proactive.errors import (
    EmailRequired,
    NothingToWatch,
    OrderNotVerified,
    ProactiveError,
    TooManyConfirmations,
)
from bot.proactive.stats import KindFigures, proactive_figures

__all__ = [
    "ConsentView",
    "EmailRequired",
    "KindFigures",
    "NothingToWatch",
    "OrderNotVerified",
    "ProactiveError",
    "TooManyConfirmations",
    "confirm",
    "open_consents",
    "proactive_figures",
    "unsubscribe",
    "watch_back_in_stock",
    "watch_order",
    "withdraw_conversation",
]
