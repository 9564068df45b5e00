"""A button for each policy sub-question of data/knowledge/shop_policies.yml: its title
and the typical question the button sends, in each language.

When the bot is unsure and offers "did you mean" buttons, a policy topic's button asks
the sub-question the response selector found likeliest for the visitor's message ("When
will it arrive?" for a delivery-time question), not one fixed question per topic.
A sub-question missing here gets its topic's general button.
"""

from __future__ import annotations

from bot.language import DEFAULT

# intent_response_key -> language -> (button title, question the button sends)
QUESTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "shipping_info/countries": {
        "en": ("Countries we ship to", "Which countries do you ship to?"),
        "de": ("Lieferländer", "In welche Länder liefert ihr?"),
    },
    "shipping_info/cost": {
        "en": ("Shipping costs", "What are the shipping costs?"),
        "de": ("Versandkosten", "Was kostet der Versand?"),
    },
    "shipping_info/free_shipping": {
        "en": ("Free shipping", "When is shipping free?"),
        "de": ("Kostenloser Versand", "Ab wann ist der Versand kostenlos?"),
    },
    "shipping_info/delivery_time": {
        "en": ("Delivery time", "How long does delivery take?"),
        "de": ("Lieferzeit", "Wie lange dauert die Lieferung?"),
    },
    "shipping_info/express": {
        "en": ("Express shipping", "Do you offer express shipping?"),
        "de": ("Expressversand", "Gibt es Expressversand?"),
    },
    "shipping_info/carriers": {
        "en": ("Carriers", "Which carrier delivers my parcel?"),
        "de": ("Versanddienstleister", "Mit welchem Paketdienst verschickt ihr?"),
    },
    "shipping_info/weekend_delivery": {
        "en": ("Weekend delivery", "Do you deliver on weekends?"),
        "de": ("Lieferung am Wochenende", "Liefert ihr auch am Wochenende?"),
    },
    "shipping_info/international_customs": {
        "en": ("Customs and import fees", "Will I pay customs or import fees?"),
        "de": ("Zoll und Einfuhrgebühren", "Muss ich Zoll oder Einfuhrgebühren zahlen?"),
    },
    "shipping_info/change_address": {
        "en": ("Change the delivery address", "Can I change my delivery address?"),
        "de": ("Lieferadresse ändern", "Kann ich meine Lieferadresse ändern?"),
    },
    "payment_info/methods": {
        "en": ("Payment methods", "Which payment methods do you accept?"),
        "de": ("Zahlungsarten", "Welche Zahlungsarten gibt es?"),
    },
    "payment_info/paypal": {
        "en": ("PayPal", "Can I pay with PayPal?"),
        "de": ("PayPal", "Kann ich mit PayPal bezahlen?"),
    },
    "payment_info/apple_pay": {
        "en": ("Apple Pay and Google Pay", "Do you take Apple Pay?"),
        "de": ("Apple Pay und Google Pay", "Geht Apple Pay?"),
    },
    "payment_info/installments": {
        "en": ("Paying in instalments", "Can I pay in instalments?"),
        "de": ("Ratenzahlung", "Kann ich in Raten zahlen?"),
    },
    "payment_info/declined_card": {
        "en": ("Card declined", "Why was my card declined?"),
        "de": ("Karte abgelehnt", "Warum wurde meine Karte abgelehnt?"),
    },
    "payment_info/double_charge": {
        "en": ("Charged twice", "I was charged twice, why?"),
        "de": ("Doppelt abgebucht", "Warum wurde doppelt abgebucht?"),
    },
    "payment_info/currency": {
        "en": ("Currency", "Which currency do you charge in?"),
        "de": ("Währung", "In welcher Währung wird abgerechnet?"),
    },
    "payment_info/invoice": {
        "en": ("Invoice", "Can I get an invoice?"),
        "de": ("Rechnung", "Bekomme ich eine Rechnung?"),
    },
    "payment_info/when_charged": {
        "en": ("When you're charged", "When will my card be charged?"),
        "de": ("Wann abgebucht wird", "Wann wird meine Karte belastet?"),
    },
    "return_policy/window": {
        "en": ("Return period", "How long do I have to return something?"),
        "de": ("Rückgabefrist", "Wie lange kann ich etwas zurückschicken?"),
    },
    "return_policy/condition": {
        "en": ("Condition of returns", "Does the item need its tags to be returned?"),
        "de": ("Zustand der Rücksendung", "Muss das Etikett für die Rückgabe noch dran sein?"),
    },
    "return_policy/cost": {
        "en": ("Return costs", "Are returns free?"),
        "de": ("Rücksendekosten", "Ist die Rücksendung kostenlos?"),
    },
    "return_policy/refund_time": {
        "en": ("Refund time", "How long does a refund take?"),
        "de": ("Dauer der Erstattung", "Wie lange dauert die Rückerstattung?"),
    },
    "return_policy/exchange": {
        "en": ("Exchanges", "Can I exchange an item for another size?"),
        "de": ("Umtausch", "Kann ich einen Artikel umtauschen?"),
    },
    "return_policy/non_returnable": {
        "en": ("What can't be returned", "Which items can't be returned?"),
        "de": ("Was nicht zurückgegeben werden kann", "Welche Artikel kann man nicht zurückgeben?"),
    },
    "return_policy/how_to": {
        "en": ("How to return", "How do I return something?"),
        "de": ("So geht die Rücksendung", "Wie funktioniert die Rücksendung?"),
    },
}


def question_button(intent_response_key: str, lang: str = DEFAULT) -> tuple[str, str] | None:
    """(title, question) of a sub-question's button in ``lang`` (English where it has none)."""
    texts = QUESTIONS.get(intent_response_key)
    if texts is None:
        return None
    return texts.get(lang) or texts[DEFAULT]
