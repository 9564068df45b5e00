"""Which language a message is written in, English or German (no Rasa imports).

Shop messages are short ("lieferzeit?", "size 42", "100234"), so a general-purpose
detector guesses on most of them. Function words are what tells the two languages
apart on short text, so this counts the words that belong to one language only, with
umlauts and ß as German evidence. When the words don't tell ("ok", an order number, an
email, "Nike Pegasus"), the answer is the hint (the language of the page the widget is
on), and None without one: the conversation then keeps its language.
"""

from __future__ import annotations

import re
from typing import Optional

# Words of one language only (and their common misspellings without umlauts); words
# both languages use ("in", "so", "was", "die", "man", "also", "will", "bin", "hat",
# "rock") are in neither list.
GERMAN = frozenset("""
    ich du sie es wir ihr mich mir dich dir uns euch mein meine meinen meinem meiner meines
    dein deine deinen ihre ihren ihrem unser unsere euer eure der das den dem des ein eine
    einen einem einer eines kein keine keinen nicht nichts auch noch schon nur sehr mal bitte
    danke dank und oder aber wenn weil dass ob denn doch wie wo wohin woher wann warum wieso
    weshalb welche welcher welches welchen wer wen wem ist sind bist seid war waren wird werden
    wurde kann kannst koennen können könnt muss musst müssen muessen soll sollte möchte
    moechte möchten moechten hätte haette habe hast haben gibt gib geht gehen mit mich von vom
    zu zum zur bei beim nach aus auf für fuer über ueber unter bis ab seit gegen ohne
    hallo moin servus grüezi gruezi tschüss tschuess tschüs guten morgen abend
    ja nein nee jein gut klar genau prima toll schade leider gerne gern vielen
    dankeschön dankeschoen bestellung bestellt bestellen lieferung liefern geliefert versand
    versandkosten rücksendung ruecksendung rückgabe rueckgabe umtausch zurückschicken
    zurueckschicken stornieren storno zahlung bezahlen zahlen rechnung ratenzahlung
    schuhe schuh jacke jacken hose hosen größe groesse grösse farbe rot rote roten blau blaue
    schwarz schwarze schwarzen weiß weiss weisse grün gruen grau graue braun gelb lila
    gibt's gibts hab hätt kannst brauche brauch suche suchen finde finden zeig zeigen
    mitarbeiter mensch menschen sprechen reden hilfe helfen wetter heute
    paket päckchen lieferzeit kommt angekommen erhalten bekommen wochen tage etwas
    dieses diese dieser diesen jetzt hier dort da dann sonst nochmal wieder gleich sofort
    leute etwa ungefähr ungefaehr circa günstig guenstig billig teuer preis preise
""".split())
ENGLISH = frozenset("""
    i i'm i've ive i'd me my mine you you're youre your yours he she it's its we our
    they them their the a and or but if because that this these those what where when why
    how which who whom whose is are were be been being do does did don't dont doesn't
    didn't can can't cant could would should won't wont shall must may might have has had
    haven't hasn't not no yes yeah yep nope please thanks thank cheers hello
    goodbye with without from for of to at on by about into over under after before until
    since there here then now just only too very really still already again any some
    anything something nothing get got give show find need want looking look buy order orders
    ordered my delivery deliver delivered shipping ship shipped return returns refund cancel
    payment pay paid invoice shoes shoe jacket size colour color red blue black white grey
    green cheap cheaper price prices much many how's what's where's there's that's it's let's
    talk speak human someone help weather today tomorrow week weeks days day
    arrive arrived arriving package parcel track
""".split())
# A word of either list must match whole; umlauts and ß in any word are German evidence.
_WORD = re.compile(r"[a-zäöüß]+(?:'[a-z]+)?")
_GERMAN_LETTERS = re.compile(r"[äöüß]")
SUPPORTED = ("en", "de")


def detect_language(text: str, hint: Optional[str] = None) -> Optional[str]:
    """"de" or "en" when the words of ``text`` tell; otherwise ``hint`` if it is a
    supported language, else None."""
    german = english = 0
    for word in _WORD.findall(text.lower()):
        if word in GERMAN or _GERMAN_LETTERS.search(word):
            german += 1
        elif word in ENGLISH:
            english += 1
    if german > english:
        return "de"
    if english > german:
        return "en"
    hint = (hint or "").strip().lower()[:2]
    return hint if hint in SUPPORTED else None
