#!/usr/bin/env bash
# Run the whole test suite: environments, model, then pytest (which also runs
# `rasa data validate` and the end-to-end conversations).
source "$(dirname "$0")/lib.sh"

setup_envs
ensure_model
ensure_chromium
# One pytest worker per core (pytest-xdist; SHOP_TEST_WORKERS=1 runs in one process).
# worksteal: each worker starts on its own half of the tests, in order, so module and
# session fixtures (seeded databases, the e2e stacks) are mostly built once per worker,
# and a worker that finishes early takes over tests the other has not started.
workers="${SHOP_TEST_WORKERS:-auto}"
log "running pytest ($workers workers)"
if [ "$workers" = 1 ]; then
  exec .venv/bin/python -m pytest "$@"
fi
exec .venv/bin/python -m pytest -n "$workers" --dist worksteal "$@"
