"""Product kinds compiled from the vocabulary, plus names, prices and texts."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.seed.vocabulary import GENDERS, PRODUCT_KINDS, SIZES

# Random draws before a taken name falls back to a style code.
_MAX_NAME_TRIES = 12
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


@dataclass(frozen=True)
class Kind:
    """One product kind of a category with its vocabulary pre-parsed."""

    category: str
    name: str
    noun: str
    sizes: tuple[str, ...]
    brands: tuple[str, ...]
    lines: dict[str, tuple[tuple[str, tuple[str, ...] | None], ...]]
    numbers: tuple[str, ...]
    number_attribute: str | None
    modifiers: tuple[str, ...]
    nouns: tuple[str, ...]
    nouns_by_brand: dict[str, tuple[str, ...]]
    genders: bool
    price: tuple[int, int]
    price_by_brand: dict[str, tuple[int, int]]
    price_rules: tuple[tuple[tuple[str, ...], tuple[int, int]], ...]
    colors: tuple[str, ...] | None
    attributes: dict[str, Any]
    attribute_rules: tuple[tuple[tuple[str, ...], dict[str, Any]], ...]
    material_attribute: str | None
    text: dict[str, tuple[str, ...]]
    templates: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Naming:
    """The parts a product name was built from; descriptions reuse them."""

    name: str
    brand: str
    line: str
    noun: str
    product: str  # the name without brand and gender ("Ghost 15 Running Shoe")


def _parse_line(raw: str) -> tuple[str, tuple[str, ...] | None]:
    """Split "Line|Noun A,Noun B" into the line and its own nouns ("" = none)."""
    if "|" not in raw:
        return raw, None
    line, nouns = raw.split("|", 1)
    return line, tuple(n.strip() for n in nouns.split(",")) if nouns else ("",)


def compile_kinds() -> dict[str, tuple[tuple[Kind, ...], list[int]]]:
    """Per category: its kinds and their cumulative weights for ``rng.choices``."""
    compiled: dict[str, tuple[tuple[Kind, ...], list[int]]] = {}
    for slug, specs in PRODUCT_KINDS.items():
        kinds = tuple(_compile_kind(slug, spec) for spec in specs)
        cum, total = [], 0
        for spec in specs:
            total += int(spec["weight"])
            cum.append(total)
        compiled[slug] = (kinds, cum)
    return compiled


def _compile_kind(slug: str, spec: dict[str, Any]) -> Kind:
    lines = {b: tuple(_parse_line(raw) for raw in ls) for b, ls in spec["lines"].items()}
    return Kind(
        category=slug,
        name=spec["kind"],
        noun=spec["noun"],
        sizes=tuple(SIZES[spec["size_kind"]]),
        brands=tuple(lines),
        lines=lines,
        numbers=tuple(spec.get("numbers", [""])),
        number_attribute=spec.get("number_attribute"),
        modifiers=tuple(spec.get("modifiers", [])),
        nouns=tuple(spec["nouns"]),
        nouns_by_brand={b: tuple(n) for b, n in spec.get("nouns_by_brand", {}).items()},
        genders=bool(spec.get("genders", False)),
        price=tuple(spec["price"]),  # type: ignore[arg-type]
        price_by_brand={b: tuple(r) for b, r in spec.get("price_by_brand", {}).items()},  # type: ignore[misc]
        price_rules=tuple((tuple(n), tuple(r)) for n, r in spec.get("price_rules", [])),  # type: ignore[misc]
        colors=tuple(spec["colors"]) if "colors" in spec else None,
        attributes=dict(spec["attributes"]),
        attribute_rules=tuple((tuple(n), dict(s)) for n, s in spec.get("attribute_rules", [])),
        material_attribute=spec.get("material_attribute"),
        text={k: tuple(v) for k, v in spec["text"].items()},
        templates=tuple(tuple(group) for group in spec["templates"]),
    )


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated slug ("Levi's 501" -> "levis-501")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("'", "").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def make_name(rng: random.Random, kind: Kind, brand: str, taken: set[str]) -> Naming:
    """A realistic, unused product name; ``taken`` holds used names and slugs."""
    naming = _draw_name(rng, kind, brand)
    for _ in range(_MAX_NAME_TRIES):
        if naming.name not in taken and slugify(naming.name) not in taken:
            break
        naming = _draw_name(rng, kind, brand)
    # Once a brand's name space is used up (huge catalogs) a style code keeps
    # names unique the way real shops tell colourways apart.
    while naming.name in taken or slugify(naming.name) in taken:
        code = "".join(rng.choice(_LETTERS) for _ in range(2)) + f"{rng.randrange(10000):04d}"
        naming = Naming(f"{naming.name} {code}", naming.brand, naming.line, naming.noun,
                        naming.product)
    taken.add(naming.name)
    taken.add(slugify(naming.name))
    return naming


def _draw_name(rng: random.Random, kind: Kind, brand: str) -> Naming:
    line, own_nouns = rng.choice(kind.lines[brand])
    number = rng.choice(kind.numbers)
    if "{n}" in line:
        line = line.replace("{n}", number or str(rng.randrange(2, 15)))
    elif number:
        line = f"{line} {number}"
    modifier = ""
    if kind.modifiers and rng.random() < 0.3:
        modifier = rng.choice(kind.modifiers)
        if modifier.lower() in line.lower():
            modifier = ""
    nouns = own_nouns or kind.nouns_by_brand.get(brand) or kind.nouns
    noun = rng.choice(nouns)
    # "Tech Fleece Fleece", "The Mat Yoga Mat": drop a noun the line already says.
    if noun and noun.split()[-1].lower() in line.lower().split():
        noun = ""
    gender = rng.choice(GENDERS) if kind.genders and rng.random() < 0.25 else ""
    product = " ".join(p for p in (line, modifier, noun) if p)
    name = " ".join(p for p in (brand, gender, product) if p)
    return Naming(name, brand, line, noun, product)


def make_price(rng: random.Random, kind: Kind, brand: str, name: str) -> Decimal:
    """A shelf price inside the kind's range ending in .99, .95 or .00."""
    lo, hi = kind.price_by_brand.get(brand, kind.price)
    for needles, price_range in kind.price_rules:
        if any(needle in name for needle in needles):
            lo, hi = price_range
    raw = rng.triangular(lo, hi, lo + (hi - lo) * 0.35)
    step = 5 if raw >= 50 else 1
    whole = min(max(round(raw / step) * step, lo + 1), hi)
    ending = rng.choices((".99", ".95", ".00"), weights=(60, 15, 25))[0]
    if ending == ".00":
        return Decimal(f"{whole}.00")
    return Decimal(f"{whole - 1}{ending}")


def make_attributes(rng: random.Random, kind: Kind, naming: Naming) -> dict[str, Any]:
    """Category-relevant specs, consistent with the name."""
    specs = dict(kind.attributes)
    for needles, override in kind.attribute_rules:
        if any(needle in naming.name for needle in needles):
            specs.update(override)
    attrs: dict[str, Any] = {}
    for key, spec in specs.items():
        if isinstance(spec, tuple):
            lo, hi, step = spec
            attrs[key] = rng.randrange(lo, hi + 1, step)
        else:
            attrs[key] = rng.choice(spec)
    if kind.number_attribute:
        match = re.search(r"\b(\d+)(?:L|mm|\")", naming.line)
        if match:
            attrs[kind.number_attribute] = int(match.group(1))
    return attrs


def attributes_json(attrs: dict[str, Any]) -> str:
    """The JSON text stored in ``Product.attributes``."""
    return json.dumps(attrs, ensure_ascii=False)


def make_description(
    rng: random.Random, kind: Kind, naming: Naming, attrs: dict[str, Any]
) -> str:
    """Two or three sentences from the kind's templates, fillers and specs."""
    fields = {key: rng.choice(values) for key, values in kind.text.items()}
    # A second, different feature so two sentences never repeat one phrase.
    fields["feature"], fields["feature2"] = rng.sample(kind.text["feature"], 2)
    if kind.material_attribute:
        fields["material"] = str(attrs[kind.material_attribute])
    fields.update(
        brand=naming.brand,
        brand_pos=_possessive(naming.brand),
        line=naming.line,
        product=naming.product,
        noun=_noun_phrase(naming.noun or kind.noun, keep_plural=kind.noun.endswith("s")),
    )
    opener, detail, closing = kind.templates[0], kind.templates[1], kind.templates[2]
    chosen = [rng.choice(opener), rng.choice(detail)]
    if rng.random() < 0.6:
        chosen.append(rng.choice(closing))
    sentences = [_fix_articles(t.format(**fields)) for t in chosen]
    return " ".join(s[0].upper() + s[1:] for s in sentences)


def _noun_phrase(noun: str, keep_plural: bool) -> str:
    # Lower-case for running text but keep acronyms such as "GPS"; templates
    # say "a {noun}", so "Boots" becomes "boot" unless the kind is plural.
    words = [w if len(w) > 1 and w.isupper() else w.lower() for w in noun.split()]
    if not keep_plural and words and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def _possessive(brand: str) -> str:
    # "Levi's" stays, "Adidas" -> "Adidas'", "Nike" -> "Nike's".
    if brand.endswith("'s"):
        return brand
    return brand + ("'" if brand.endswith("s") else "'s")


def _fix_articles(sentence: str) -> str:
    # "a iconic" -> "an iconic"; "the The North Face" -> "the North Face".
    sentence = re.sub(r"\b([Aa]) (?=[aeiouAEIOU])", lambda m: m.group(1) + "n ", sentence)
    return re.sub(r"\b([Tt])he The ", lambda m: m.group(1) + "he ", sentence)
