#!/usr/bin/env bash
# NLU quality: the held-out test set (never trained on) and 5-fold cross-validation.
# Usage: bash scripts/quality.sh [--no-cv]
source "$(dirname "$0")/lib.sh"

setup_envs
ensure_model
rm -rf results/holdout results/cv
log "held-out test set: tests/nlu/"
.venv-rasa/bin/rasa test nlu --nlu tests/nlu --model "$MODEL" --out results/holdout >var/quality.log 2>&1 \
  || { tail -n 30 var/quality.log >&2; die "rasa test nlu failed"; }
folders=(results/holdout)
if [ "${1:-}" != "--no-cv" ]; then
  log "5-fold cross-validation on data/ (trains 5 NLU models; several minutes)"
  .venv-rasa/bin/rasa test nlu --nlu data --config config.yml --cross-validation --folds 5 --out results/cv >>var/quality.log 2>&1 \
    || { tail -n 30 var/quality.log >&2; die "cross-validation failed"; }
  folders+=(results/cv)
fi
echo "NLU quality, $(date -u +%Y-%m-%d):"
.venv/bin/python scripts/nlu_quality.py "${folders[@]}"
