"""Write the English and German word list the NLU's unfamiliar-words gate counts as known.

Built from spaCy's lookup tables (spacy-lookups-data, pinned in
requirements/app.lock), so it is the same on every machine and needs no
download. English: every lemma and inflection spaCy's lemmatizer knows, plus the
frequent words of its lexeme table (names and brands included). German: the
lemmas of the German lemma table and the words of its lexeme table down to a
lower frequency than English (German writes compounds as one word, so each is
rarer). Rasa's own environment does not have the package, so `make train` runs
this in .venv first and config.yml points the gate at the file.

Usage: .venv/bin/python scripts/known_words.py var/nlu/known_words.txt
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from importlib.resources import files
from pathlib import Path

# Frequent enough to be a word people type (log-probability in spaCy's table);
# below it the table is mostly web debris: "blorp", "qwertyuiop", "fnord".
MIN_LOG_PROB = -14.5
MIN_LOG_PROB_GERMAN = -15.5
WORD = re.compile(r"^[a-z]+(?:['-][a-z]+)*$")
GERMAN_WORD = re.compile(r"^[a-zäöüß]+(?:-[a-zäöüß]+)*$")


def _table(name: str, lang: str = "en") -> dict:
    raw = files("spacy_lookups_data").joinpath("data", f"{lang}_{name}.json.gz").read_bytes()
    return json.loads(gzip.decompress(raw))


def english_words() -> set[str]:
    """Lemmas, inflections and frequent words of spaCy's English tables, lower-case."""
    words: set[str] = set()
    for lemmas in _table("lemma_index").values():
        words.update(lemmas)
    for form, lemma in _table("lemma_lookup").items():
        words.update((form, lemma))
    for exceptions in _table("lemma_exc").values():
        for form, lemmas in exceptions.items():
            words.add(form)
            words.update(lemmas)
    words.update(w for w, p in _table("lexeme_prob").items() if p >= MIN_LOG_PROB and len(w) >= 3)
    return {w.lower() for w in words if WORD.match(w.lower())}


def german_words() -> set[str]:
    """Lemmas of spaCy's German lemma table and its frequent words, lower-case."""
    words = {lemma.lower() for lemma in _table("lemma_lookup", "de").values()}
    words.update(w.lower() for w, p in _table("lexeme_prob", "de").items() if p >= MIN_LOG_PROB_GERMAN and len(w) >= 3)
    return {w for w in words if GERMAN_WORD.match(w)}


def known_words() -> set[str]:
    """The words of both languages the assistant answers in."""
    return english_words() | german_words()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out = Path(argv[1])
    out.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(sorted(known_words())) + "\n"
    if not out.exists() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
