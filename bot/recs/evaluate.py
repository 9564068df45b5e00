"""Offline evaluation: hold out each customer's last basket, rank 10 items, score the hits.

Protocol (the same for every method):
- Customers with at least 2 baskets hold out their last one by date (ties: basket id).
  Everything else (their earlier baskets and every basket of everyone else) is training data.
- Items the customer bought before are never recommended, by any method; the targets are
  the held-out basket's items they had not bought before. A customer whose last basket
  only repeats earlier purchases has no target and is left out (the count is printed).
- Hit-rate@10: share of customers with at least one target in the top 10.
  NDCG@10: binary relevance, ideal DCG of min(targets, 10) hits.
- 95% confidence intervals: percentile bootstrap over customers (1,000 resamples), and
  a paired bootstrap of the difference model - popularity on the same resamples.
- Hyperparameters are chosen on a validation split carved from the training part (each
  customer's last training basket), never on the test holdout.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix

from bot.recs.baskets import Basket, Dataset
from bot.recs.model import Params, fit_factors, purchase_matrix

K = 10
BOOTSTRAP = 1000

GRID = [
    Params(factors=f, regularization=r, iterations=20, weighting=w, alpha=a)
    for f, r, (w, a) in itertools.product(
        (32, 64, 128), (0.01, 0.1), (("bm25", 1.0), ("alpha", 1.0), ("alpha", 10.0)))
]


@dataclass
class Split:
    """Training baskets and, per evaluated customer, the held-out basket's new items."""

    train: list[Basket]
    targets: dict[str, frozenset[str]]
    only_repeats: int = 0  # customers whose held-out basket had nothing new


def holdout_last(baskets: Sequence[Basket]) -> Split:
    """Hold out the last basket by date of each customer with two or more."""
    by_user: dict[str, list[Basket]] = defaultdict(list)
    for basket in baskets:
        by_user[basket.user].append(basket)
    train: list[Basket] = []
    targets: dict[str, frozenset[str]] = {}
    only_repeats = 0
    for user, own in by_user.items():
        own.sort(key=lambda b: (b.when, b.basket))
        if len(own) < 2:
            train.extend(own)
            continue
        *before, last = own
        train.extend(before)
        new = last.items - frozenset().union(*(b.items for b in before))
        if new:
            targets[user] = new
        else:
            only_repeats += 1
    return Split(train=train, targets=targets, only_repeats=only_repeats)


def hit_and_ndcg(ranked: Sequence[str], target: frozenset[str], k: int = K) -> tuple[float, float]:
    """(hit, NDCG) at ``k`` of one ranked list against the set of relevant items."""
    gains = [1.0 / np.log2(rank + 2) for rank, item in enumerate(ranked[:k]) if item in target]
    ideal = sum(1.0 / np.log2(rank + 2) for rank in range(min(len(target), k)))
    return (1.0 if gains else 0.0), (sum(gains) / ideal if ideal else 0.0)


@dataclass
class Frame:
    """Index of users and items, and the training matrix, shared by every method."""

    users: dict[str, int]
    items: dict[str, int]
    matrix: csr_matrix  # all training users x items
    eval_users: list[str]
    history: csr_matrix = field(init=False)  # eval users x items, 1 where bought before

    def __post_init__(self) -> None:
        rows = self.matrix[[self.users[u] for u in self.eval_users]]
        self.history = (rows > 0).astype(np.float32).tocsr()


def make_frame(split: Split, all_items: Sequence[str]) -> Frame:
    users = {u: i for i, u in enumerate(sorted({b.user for b in split.train}))}
    items = {t: i for i, t in enumerate(sorted(all_items))}
    eval_users = sorted(u for u in split.targets if u in users)
    return Frame(users, items, purchase_matrix(split.train, users, items), eval_users)


Scorer = Callable[[Frame], np.ndarray]  # -> eval users x items scores


def popularity(frame: Frame) -> np.ndarray:
    """Distinct customers who bought each item."""
    pop = np.asarray((frame.matrix > 0).sum(axis=0), dtype=np.float64).ravel()
    return np.broadcast_to(pop, (len(frame.eval_users), pop.size))


def model_scorer(params: Params) -> Scorer:
    def score(frame: Frame) -> np.ndarray:
        user_f, item_f = fit_factors(frame.matrix, params)
        return user_f[[frame.users[u] for u in frame.eval_users]] @ item_f.T
    return score


def _one_hot(keys: list[object]) -> csr_matrix:
    codes = {k: i for i, k in enumerate(sorted(set(keys), key=repr))}
    return csr_matrix((np.ones(len(keys)), (np.arange(len(keys)), [codes[k] for k in keys])),
                      shape=(len(keys), len(codes)))


def shop_rules(traits: dict[str, tuple]) -> Scorer:
    """Today's ``for_customer``: affinity = the customer's purchases in the item's category
    plus purchases of its brand; ties by rating, then reviews; no affinity: best sellers."""
    def score(frame: Frame) -> np.ndarray:
        order = sorted(frame.items, key=frame.items.get)
        known = [traits.get(t, (None, None, 0.0, 0)) for t in order]
        cats, brands = _one_hot([k[0] for k in known]), _one_hot([k[1] for k in known])
        affinity = (frame.history @ cats) @ cats.T + (frame.history @ brands) @ brands.T
        affinity = np.asarray(affinity.todense())
        rating = np.array([k[2] for k in known]) * 10
        reviews = np.array([k[3] for k in known], dtype=np.float64)
        tie = rating + reviews / (reviews.max() + 1)
        pop = popularity(frame)
        return np.where(affinity > 0, affinity * 100 + tie, -1e6 + pop)
    return score


def word_rules(words: dict[str, frozenset[str]], *, max_share: float = 0.1) -> Scorer:
    """The retail data's stand-in for categories and brands: words of the description.

    Affinity = how many of the customer's earlier items share each word of the candidate's
    description, summed over its words; words in more than 10% of items are dropped; ties
    (and customers with no affinity) by popularity.
    """
    def score(frame: Frame) -> np.ndarray:
        order = sorted(frame.items, key=frame.items.get)
        counts: dict[str, int] = defaultdict(int)
        for t in order:
            for w in words.get(t, ()):
                counts[w] += 1
        vocab = {w: i for i, w in enumerate(sorted(w for w, c in counts.items() if c <= max_share * len(order)))}
        rows, cols = [], []
        for i, t in enumerate(order):
            for w in words.get(t, ()):
                if w in vocab:
                    rows.append(i)
                    cols.append(vocab[w])
        item_words = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(order), len(vocab)))
        affinity = np.asarray(((frame.history @ item_words) @ item_words.T).todense())
        pop = popularity(frame)
        return affinity + pop / (pop.max() + 1)
    return score


def rank(frame: Frame, scores: np.ndarray, k: int = K) -> list[list[str]]:
    """Top ``k`` item ids per eval user, never an item the user bought before."""
    names = np.array(sorted(frame.items, key=frame.items.get))
    scores = np.array(scores, dtype=np.float64)
    scores[frame.history.nonzero()] = -np.inf
    k = min(k, scores.shape[1])
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    ranked = []
    for row, cand in zip(scores, top, strict=True):
        cand = cand[np.argsort(-row[cand], kind="stable")]
        ranked.append([str(n) for n in names[cand[np.isfinite(row[cand])]]])
    return ranked


def per_user(frame: Frame, split: Split, scores: np.ndarray) -> np.ndarray:
    """Array (eval users x 2) of hit and NDCG."""
    lists = rank(frame, scores)
    return np.array([hit_and_ndcg(r, split.targets[u]) for u, r in zip(frame.eval_users, lists, strict=True)])


def bootstrap_ci(values: np.ndarray, *, seed: int = 0, n: int = BOOTSTRAP) -> tuple[float, float, float]:
    """(mean, low, high): the 95% percentile bootstrap over rows (customers)."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(values), size=(n, len(values)))
    means = values[idx].mean(axis=1)
    return float(values.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def tune(dataset: Dataset, split: Split, grid: Sequence[Params] = GRID,
         log: Callable[[str], None] = lambda _: None) -> tuple[Params, list[tuple[Params, float]]]:
    """The grid point with the best validation NDCG@10, the validation being each customer's
    last *training* basket: the test holdout is never looked at."""
    val_split = holdout_last(split.train)
    frame = make_frame(val_split, _all_items(dataset))
    results = []
    for params in grid:
        ndcg = float(per_user(frame, val_split, model_scorer(params)(frame))[:, 1].mean())
        results.append((params, ndcg))
        log(f"  validation NDCG@10 {ndcg:.4f}  {params.label()}")
    return max(results, key=lambda r: r[1])[0], results


def _all_items(dataset: Dataset) -> list[str]:
    return sorted({t for b in dataset.baskets for t in b.items})


@dataclass
class Report:
    dataset: str
    customers: int
    evaluated: int
    only_repeats: int
    items: int
    baskets: int
    params: str
    rows: dict[str, dict[str, list[float]]]  # method -> metric -> [mean, low, high]
    diff: dict[str, list[float]]  # metric -> [mean, low, high] of model - popularity
    rules_baseline: str
    notes: list[str]


def evaluate(dataset: Dataset, *, params: Params | None = None,
             log: Callable[[str], None] = lambda _: None) -> Report:
    """Tune on validation (unless ``params`` is given), then score the three methods on the test holdout."""
    split = holdout_last(dataset.baskets)
    if params is None:
        params, _ = tune(dataset, split, log=log)
    frame = make_frame(split, _all_items(dataset))
    if dataset.name == "demo":
        rules, rules_text = shop_rules(dataset.item_traits), (
            "today's for_customer rules: category + brand affinity of past purchases, ties by rating, "
            "then best sellers (stock is ignored: it is today's, not the order's)")
    else:
        rules, rules_text = word_rules(dataset.item_traits), (
            "no categories or brands in this data: affinity by shared description words with past "
            "purchases (words in >10% of items dropped), ties and the rest by popularity")
    results = {
        "ALS model": per_user(frame, split, model_scorer(params)(frame)),
        "popularity": per_user(frame, split, popularity(frame)),
        "rules": per_user(frame, split, rules(frame)),
    }
    rows = {name: {"hit@10": list(bootstrap_ci(r[:, 0])), "ndcg@10": list(bootstrap_ci(r[:, 1]))}
            for name, r in results.items()}
    delta = results["ALS model"] - results["popularity"]
    diff = {"hit@10": list(bootstrap_ci(delta[:, 0])), "ndcg@10": list(bootstrap_ci(delta[:, 1]))}
    return Report(
        dataset=dataset.name, customers=len({b.user for b in dataset.baskets}), evaluated=len(frame.eval_users),
        only_repeats=split.only_repeats, items=len(frame.items), baskets=len(dataset.baskets),
        params=params.label(), rows=rows, diff=diff, rules_baseline=rules_text, notes=list(dataset.notes),
    )


def beats_popularity(report: Report) -> bool:
    """True when the model's NDCG@10 exceeds popularity's with the paired 95% CI above zero."""
    return report.diff["ndcg@10"][1] > 0


def as_markdown(report: Report) -> str:
    def cell(v: list[float]) -> str:
        return f"{v[0]:.3f} [{v[1]:.3f}, {v[2]:.3f}]"
    lines = [
        f"{report.dataset}: {report.baskets:,} baskets, {report.customers:,} customers, {report.items:,} items; "
        f"{report.evaluated:,} customers evaluated ({report.only_repeats:,} more had only repeat purchases in "
        f"their last basket)",
        f"model: {report.params} (chosen on validation: each customer's last training basket)",
        "",
        "| method | hit-rate@10 [95% CI] | NDCG@10 [95% CI] |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {name} | {cell(m['hit@10'])} | {cell(m['ndcg@10'])} |" for name, m in report.rows.items()]
    lines += [f"| model - popularity (paired) | {cell(report.diff['hit@10'])} | {cell(report.diff['ndcg@10'])} |",
              "", f"rules baseline: {report.rules_baseline}",
              "CIs: percentile bootstrap over customers, 1,000 resamples; already-bought items excluded for all methods.",
              f"model beats popularity (NDCG@10, paired CI above 0): {'yes' if beats_popularity(report) else 'no'}"]
    lines += report.notes
    return "\n".join(lines)
