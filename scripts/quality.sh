#!/usr/bin/env bash
# NLU quality: the held-out test sets (never trained on) and 5-fold cross-validation.
# tests/nlu/ guided earlier rounds of training data; tests/nlu_blind/ (2026-12-02), tests/nlu_blind2/,
# tests/nlu_blind3/ (2026-12-04), tests/nlu_blind4/ ... tests/nlu_blind7/ (2026-12-05) were written
# without seeing data/nlu/ or any model error, so they are the unbiased figures;
# tests/nlu_blind_de/ (2026-12-04) is the German one, written before any German model was tested.
# The fallback rates come from the whole model (rasa test nlu scores as if there
# were no fallback). Usage: bash scripts/quality.sh [--no-cv]
source "$(dirname "$0")/lib.sh"

setup_envs
ensure_model
rm -rf results/cv
: >var/quality.log
folders=()
while read -r name dir; do
  [ -n "$name" ] || continue
  rm -rf "results/$name"
  log "held-out test set: $dir/"
  .venv-rasa/bin/rasa test nlu --nlu "$dir" --model "$MODEL" --out "results/$name" </dev/null >>var/quality.log 2>&1 \
    || { tail -n 30 var/quality.log >&2; die "rasa test nlu on $dir failed"; }
  folders+=("results/$name")
done < <(grep -v '^#' tests/heldout_sets.txt)
log "fallback rates: held-out shop messages and tests/nlu_nonsense/"
fallbacks="$(.venv-rasa/bin/python scripts/fallback_rates.py "$MODEL" 2>>var/quality.log)" \
  || { tail -n 30 var/quality.log >&2; die "fallback rates failed"; }
if [ "${1:-}" != "--no-cv" ]; then
  log "5-fold cross-validation on data/ (trains 5 NLU models; about 5 minutes on 2 cores)"
  .venv-rasa/bin/rasa test nlu --nlu data --config config.yml --cross-validation --folds 5 --out results/cv >>var/quality.log 2>&1 \
    || { tail -n 30 var/quality.log >&2; die "cross-validation failed"; }
  folders+=(results/cv)
fi
echo "NLU quality, $(date -u +%Y-%m-%d):"
.venv/bin/python scripts/nlu_quality.py "${folders[@]}"
echo "$fallbacks"
