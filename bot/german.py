"""The German words the bot's own code puts into answers: colours, order statuses,
stock, search summaries. The sentences around them are the German variations of the
responses in domain.yml; the catalog's product names and descriptions stay as the shop
wrote them.

A third language gets a module like this one and an entry in ``bot.language.WORDS``
(README: "Adding a language").
"""

from __future__ import annotations

COLORS = {
    "black": "Schwarz", "white": "Weiß", "red": "Rot", "blue": "Blau", "navy": "Marineblau",
    "green": "Grün", "grey": "Grau", "beige": "Beige", "pink": "Rosa", "yellow": "Gelb",
    "orange": "Orange", "purple": "Lila", "brown": "Braun", "olive": "Oliv",
}

ORDER_STATUSES = {
    "placed": "eingegangen", "paid": "bezahlt", "packed": "verpackt", "shipped": "unterwegs",
    "delivered": "zugestellt", "cancelled": "storniert", "returned": "zurückgeschickt",
}

# What ``bot.formatting.relaxed_note`` names when it drops a filter.
RELAXED = {
    "sizes": "Größe", "colors": "Farbe", "price": "Preisgrenze", "brands": "Marke",
    "model_numbers": "Modellnummer", "keywords": "zusätzliche Suchwörter",
}

RETURN_REASONS = {
    "too_small": "zu klein", "too_large": "zu groß", "damaged": "beschädigt oder defekt",
    "not_as_described": "nicht wie beschrieben", "changed_mind": "anders überlegt", "other": "anderer Grund",
}
# The reason question's buttons; each is understood by bot.returns.reasons.parse_reason.
REASON_BUTTONS = ("Zu klein", "Zu groß", "Beschädigt oder defekt", "Nicht wie beschrieben", "Anders überlegt",
                  "Anderer Grund")

PHRASES = {
    "and": "und",
    "or": "oder",
    "by": "von",
    "products": "Produkte",
    "size": "Größe",
    "under": "unter",
    "over": "über",
    "unknown": "unbekannt",
    "out of stock": "ausverkauft",
    "only {n} left": "nur noch {n} da",
    "in stock": "auf Lager",
    "none at the moment": "im Moment keine",
    "no further specs listed": "keine weiteren Angaben",
    "yes": "ja",
    "no": "nein",
    "{n} item": "{n} Artikel",
    "{n} items": "{n} Artikel",
    "the carrier": "dem Paketdienst",
    "not available yet": "noch nicht vergeben",
    "placed {day}": "bestellt am {day}",
    "Here are the closest matches without the {names}:": "Hier die ähnlichsten Treffer ohne {names}:",
    "Something else": "Etwas anderes",
    "{item} from order #{number} ({reason})": "{item} aus Bestellung #{number} ({reason})",
    "it": "den Artikel",
    " in {category}": " in der Kategorie {category}",
    "soon": "in Kürze",
    "{weekday} {time} ({zone} time)": "am {weekday} ab {time} Uhr (Zeitzone {zone})",
}

# "Did you mean" buttons: a policy button's question must be German too, or pressing it
# would switch the conversation to English.
SUGGESTIONS: dict[str, tuple[str, str]] = {
    "product_search": ("Produkt suchen", "/product_search"),
    "product_info": ("Details zu einem Produkt", "/product_info"),
    "product_availability": ("Verfügbarkeit prüfen", "/product_availability"),
    "order_status": ("Wo ist meine Bestellung?", "/order_status"),
    "order_cancel": ("Bestellung stornieren", "/order_cancel"),
    "return_request": ("Artikel zurückschicken", "/return_request"),
    "recommend": ("Empfehlungen", "/recommend"),
    "human_handoff": ("Mit einem Menschen sprechen", "/human_handoff"),
    "shipping_info": ("Versand und Lieferung", "Was kostet der Versand?"),
    "payment_info": ("Zahlungsarten", "Welche Zahlungsarten gibt es?"),
    "return_policy": ("Rückgaberecht", "Wie lange kann ich etwas zurückschicken?"),
}

_DAYS = {"mon": "Mo.", "tue": "Di.", "wed": "Mi.", "thu": "Do.", "fri": "Fr.", "sat": "Sa.", "sun": "So."}


def support_hours(spec: str) -> str:
    """"Mon-Fri 09:00-18:00; Sat 10:00-14:00" as German writes it:
    "Mo.–Fr. 09:00–18:00 Uhr, Sa. 10:00–14:00 Uhr"."""
    blocks = []
    for block in filter(str.strip, spec.split(";")):
        days, _, times = block.strip().partition(" ")
        days = "–".join(_DAYS.get(d.strip().lower()[:3], d) for d in days.split("-"))
        blocks.append(f"{days} {times.strip().replace('-', '–')} Uhr")
    return ", ".join(blocks)


# "der zweite", "den letzten": a position in the list just shown, in every inflection.
ORDINALS: dict[str, int] = {
    stem + ending: index
    for stem, index in (("erst", 0), ("zweit", 1), ("dritt", 2), ("viert", 3), ("fünft", 4), ("fuenft", 4),
                        ("letzt", -1))
    for ending in ("e", "en", "er", "es", "em")
}


# German words for the demo catalog's categories (by slug) and its colours, read by the
# search's query parser next to the catalog's own (English) terms. A German shop's own
# catalog would carry its words in the categories' synonyms instead.
CATEGORY_TERMS: dict[str, tuple[str, ...]] = {
    "running-shoes": ("laufschuh", "laufschuhe", "laufschuhen", "joggingschuh", "joggingschuhe", "runningschuhe",
                      "turnschuhe zum laufen"),
    "sneakers": ("turnschuh", "turnschuhe", "turnschuhen", "freizeitschuh", "freizeitschuhe"),
    "boots": ("stiefel", "stiefeln", "wanderschuh", "wanderschuhe", "wanderstiefel", "winterstiefel",
              "winterschuhe", "boots"),
    "t-shirts": ("shirt", "shirts", "t-shirts", "oberteil", "oberteile"),
    "hoodies": ("kapuzenpullover", "kapuzenpulli", "kapuzenpullis", "pulli", "pullis", "pullover",
                "sweatjacke", "sweatjacken"),
    "jackets": ("jacke", "jacken", "regenjacke", "regenjacken", "winterjacke", "winterjacken", "windjacke",
                "mantel", "mäntel", "outdoorjacke", "outdoorjacken"),
    "jeans": ("jeanshose", "jeanshosen", "hose", "hosen"),
    "backpacks": ("rucksäcke", "rucksaecke", "tasche", "taschen", "sporttasche", "sporttaschen"),
    "watches": ("uhr", "uhren", "armbanduhr", "armbanduhren", "sportuhr", "sportuhren", "laufuhr", "laufuhren"),
    "headphones": ("kopfhörer", "kopfhoerer", "ohrhörer", "ohrhoerer", "in-ear-kopfhörer"),
    "yoga": ("yogamatte", "yogamatten", "yoga-matte", "sportmatte", "gymnastikmatte", "fitnessmatte"),
}
# Words that name several categories at once, as "shoes" does in English.
GENERIC_CATEGORY_TERMS: dict[str, tuple[str, ...]] = {
    "schuhe": ("running-shoes", "sneakers", "boots"),
    "schuh": ("running-shoes", "sneakers", "boots"),
    "kleidung": ("t-shirts", "hoodies", "jackets", "jeans"),
    "klamotten": ("t-shirts", "hoodies", "jackets", "jeans"),
}
_COLOR_STEMS = {
    "schwarz": "black", "weiß": "white", "weiss": "white", "rot": "red", "blau": "blue", "marineblau": "navy",
    "dunkelblau": "navy", "grün": "green", "gruen": "green", "grau": "grey", "beig": "beige", "rosa": "pink",
    "gelb": "yellow", "orang": "orange", "lila": "purple", "violett": "purple", "braun": "brown", "oliv": "olive",
    "olivgrün": "olive",
}
# Every inflection an adjective takes ("rot", "rote", "roten", "roter", "rotes", "rotem").
COLOR_TERMS: dict[str, str] = {
    stem + ending: color
    for stem, color in _COLOR_STEMS.items()
    for ending in ("", "e", "en", "er", "es", "em")
    if stem + ending not in ("beig", "orang", "rosae", "lilae")
}

# Words a German shop question uses without naming a product: never search keywords, and
# never "corrected" into a catalog word ("suche" is not "suede").
CHAT_WORDS = frozenset("""
    hallo hi hey moin servus grüezi guten tag morgen abend bitte danke gerne gern suche suchen such sucht
    brauche brauch brauchen hätte haette möchte moechte möchten will wollen habt haben hast gibt gibts gib
    zeig zeige zeigen zeigt find finde finden ich du sie wir ihr ein eine einen einem einer eines der die das
    den dem des mit für fuer von vom zum zur und oder aber auch noch mal etwas was welche welcher welches
    größe groesse grösse grosse gr farbe farben preis preise euro marke marken artikel produkt produkte
    sachen ding dinge etwas irgendwas irgendwelche paar neue neuen neu gute guten gut schöne schön
    günstig günstige günstigen guenstig billig billige billigen preiswert preiswerte günstiger billiger
    teuer teure zu sehr beste besten bestes beliebt beliebte beliebtesten bestbewertet bestbewertete
    empfehlen empfiehlst empfehlung herren damen kinder männer frauen vorrätig lager
""".split())
CHEAP_WORDS = frozenset({"günstig", "günstige", "günstigen", "guenstig", "billig", "billige", "billigen",
                         "preiswert", "preiswerte", "günstigste", "günstigsten", "billigste", "billigsten"})
TOP_WORDS = frozenset({"beste", "besten", "bestes", "beliebt", "beliebte", "beliebtesten", "bestbewertet",
                       "bestbewertete", "bestbewerteten"})
