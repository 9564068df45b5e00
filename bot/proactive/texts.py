"""What the proactive messages and consents say, in English and German."""

from __future__ import annotations

from bot.language import language_of

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "wording_stock_widget": "Tell me in this chat, once, when {item} is back in stock.",
        "wording_stock_email": "Email me at {email}, once, when {item} is back in stock.",
        "wording_order": "Tell me in this chat when the status of order {number} changes "
                         "(shipped, delayed, delivered).",
        "stock_back": "Good news: {item} is back in stock. {link}",
        "stock_subject": "{item} is back in stock",
        "order_shipped": "Update on your order {number}: it has shipped{carrier}. {link}",
        "order_late": "Update on your order {number}: it is running late; it was expected by {eta}. "
                      "Sorry about that. {link}",
        "order_delivered": "Update on your order {number}: it has been delivered. {link}",
        "confirm_subject": "Please confirm: back-in-stock email from {shop}",
        "confirm_body": "Someone asked us, in a chat on our shop, to email this address once when {item} "
                        "is back in stock.\n\nConfirm: {confirm}\n\nIf it wasn't you, ignore this email: "
                        "nothing more will be sent.",
        "email_footer": "\n\nYou get this email because you asked for it in a chat on {when}. "
                        "Unsubscribe: {unsubscribe}",
        "with": " with {carrier}",
    },
    "de": {
        "wording_stock_widget": "Sag mir hier im Chat einmal Bescheid, wenn {item} wieder auf Lager ist.",
        "wording_stock_email": "Schreib mir einmal an {email}, wenn {item} wieder auf Lager ist.",
        "wording_order": "Sag mir hier im Chat Bescheid, wenn sich der Status der Bestellung {number} ändert "
                         "(versandt, verspätet, zugestellt).",
        "stock_back": "Gute Nachricht: {item} ist wieder auf Lager. {link}",
        "stock_subject": "{item} ist wieder auf Lager",
        "order_shipped": "Neues zu deiner Bestellung {number}: Sie wurde versandt{carrier}. {link}",
        "order_late": "Neues zu deiner Bestellung {number}: Sie verspätet sich; erwartet war sie bis {eta}. "
                      "Das tut uns leid. {link}",
        "order_delivered": "Neues zu deiner Bestellung {number}: Sie wurde zugestellt. {link}",
        "confirm_subject": "Bitte bestätigen: Verfügbarkeits-E-Mail von {shop}",
        "confirm_body": "Jemand hat uns in einem Chat in unserem Shop gebeten, diese Adresse einmal zu "
                        "benachrichtigen, wenn {item} wieder auf Lager ist.\n\nBestätigen: {confirm}\n\n"
                        "Warst du das nicht, ignoriere diese E-Mail: Es kommt nichts weiter.",
        "email_footer": "\n\nDu bekommst diese E-Mail, weil du sie am {when} im Chat angefordert hast. "
                        "Abmelden: {unsubscribe}",
        "with": " mit {carrier}",
    },
}


def text(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` (English if the language lacks it), filled in."""
    table = TEXTS.get(language_of(lang), TEXTS["en"])
    return table.get(key, TEXTS["en"][key]).format(**values).rstrip()
