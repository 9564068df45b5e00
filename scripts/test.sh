#!/usr/bin/env bash
# Run the whole test suite: environments, model, then pytest (which also runs
# `rasa data validate` and the end-to-end conversations).
source "$(dirname "$0")/lib.sh"

setup_envs
ensure_model
ensure_chromium
log "running pytest"
exec .venv/bin/python -m pytest "$@"
