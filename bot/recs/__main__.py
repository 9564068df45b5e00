"""CLI: ``python -m bot.recs train [--if-stale]`` and ``python -m bot.recs evaluate --source demo|online-retail``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bot.db import session_scope
from bot.recs.baskets import ONLINE_RETAIL, orders_stamp, retail_dataset, shop_baskets, shop_dataset
from bot.recs.evaluate import GRID, as_markdown, evaluate, holdout_last, tune
from bot.recs.model import CFModel, Params
from bot.recs.serving import evaluation_path
from bot.settings import get_settings


def _say(text: str) -> None:
    print(text, flush=True)


def _stale(path: Path, stamp: str) -> bool:
    if not path.exists():
        return True
    try:
        return CFModel.load(path).meta.get("orders_stamp") != stamp
    except (OSError, ValueError, KeyError):
        return True


def train(*, if_stale: bool, grid: list[Params]) -> int:
    """Tune on a validation split of the shop's orders, fit on all of them, save the model."""
    path = get_settings().recs_model_path
    with session_scope() as session:
        stamp = orders_stamp(session)
        if if_stale and not _stale(path, stamp):
            _say(f"recommendation model up to date ({path}, orders {stamp})")
            return 0
        baskets = shop_baskets(session)
        dataset = shop_dataset(session)
    if not baskets:
        _say("no orders yet: no model; the rules serve every recommendation")
        return 0
    started = time.monotonic()
    split = holdout_last(baskets)
    params, results = (tune(dataset, split, grid, log=_say) if split.targets and len(grid) > 1
                       else (grid[0], [(grid[0], float("nan"))]))
    model = CFModel.train(baskets, params, meta={
        "orders_stamp": stamp, "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "baskets": len(baskets), "validation_ndcg10": max(r[1] for r in results),
    })
    model.save(path)
    _say(f"trained on {len(baskets):,} orders of {len(model.user_ids):,} customers, {len(model.item_ids):,} products "
         f"in {time.monotonic() - started:.1f} s; {params.label()} -> {path}")
    return 0


def run_evaluation(source: str, *, grid: list[Params]) -> int:
    """Print the evaluation tables of ``source`` and keep them for the console."""
    started = time.monotonic()
    if source == "online-retail":
        if not ONLINE_RETAIL.exists():
            print(f"error: {ONLINE_RETAIL} is missing (the UCI Online Retail data, CC BY 4.0)", file=sys.stderr)
            return 1
        dataset = retail_dataset()
    else:
        with session_scope() as session:
            dataset = shop_dataset(session)
    _say(f"tuning on validation ({len(grid)} settings; the test holdout is not used)")
    split = holdout_last(dataset.baskets)
    params = grid[0] if len(grid) == 1 else tune(dataset, split, grid, log=_say)[0]
    report = evaluate(dataset, params=params)
    seconds = time.monotonic() - started
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    _say("")
    _say(as_markdown(report))
    _say(f"{when}, {seconds:.0f} s")
    out = evaluation_path(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**asdict(report), "when": when, "seconds": round(seconds)}, indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.recs", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train the model from the shop's orders")
    t.add_argument("--if-stale", action="store_true", help="only when orders changed since the last model")
    t.add_argument("--no-tune", action="store_true", help="skip the validation grid (default hyperparameters)")
    e = sub.add_parser("evaluate", help="offline evaluation: last basket held out")
    e.add_argument("--source", choices=("demo", "online-retail"), default="demo")
    e.add_argument("--no-tune", action="store_true", help="skip the validation grid (default hyperparameters)")
    args = parser.parse_args(argv)
    grid = [Params()] if args.no_tune else GRID
    if args.command == "train":
        return train(if_stale=args.if_stale, grid=grid)
    return run_evaluation(args.source, grid=grid)


if __name__ == "__main__":
    raise SystemExit(main())
