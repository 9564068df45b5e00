#!/usr/bin/env bash
# Set everything up and run the service: Rasa, the action server and the API.
# Ctrl-C stops all three.
source "$(dirname "$0")/lib.sh"

API_HOST="${SHOP_API_HOST:-127.0.0.1}"
API_PORT="${SHOP_API_PORT:-8000}"
RASA_PORT="${SHOP_RASA_PORT:-5005}"
ACTION_PORT="${SHOP_ACTION_PORT:-5055}"

setup_envs
ensure_model

# Rasa's HTTP API needs a token; a fresh one per run unless one is configured.
export SHOP_RASA_TOKEN="${SHOP_RASA_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')}"
export SHOP_RASA_URL="http://127.0.0.1:${RASA_PORT}"
export SHOP_ACTION_SERVER_URL="http://127.0.0.1:${ACTION_PORT}"
export SHOP_ACTION_ENDPOINT_URL="${SHOP_ACTION_SERVER_URL}/webhook"
export SHOP_TRACKER_DB="${SHOP_TRACKER_DB:-$ROOT/var/tracker.db}"
export SHOP_BROKER_DB="${SHOP_BROKER_DB:-$ROOT/var/broker.db}"
export SHOP_SHOP_BASE_URL="${SHOP_SHOP_BASE_URL:-http://${API_HOST}:${API_PORT}}"
# Back-in-stock and order notices: the gateway sends them, so the bot offers them (0 turns both off).
export SHOP_PROACTIVE_ENABLED="${SHOP_PROACTIVE_ENABLED:-1}"

pids=()
stop_all() {
  trap - INT TERM EXIT
  if [ "${#pids[@]}" -gt 0 ]; then
    log "stopping"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

# Rasa takes longest to load, and needs neither the shop database nor the other two:
# it starts first and loads while the database is migrated.
log "starting Rasa, the action server and the API (logs in var/*.log)"
.venv-rasa/bin/python -m rasa_addons.serve run --model "$MODEL" --enable-api "--auth-token=$SHOP_RASA_TOKEN" \
  --interface 127.0.0.1 --port "$RASA_PORT" --endpoints endpoints.yml --credentials credentials.yml \
  >var/rasa.log 2>&1 &
pids+=($!)
log "migrating the shop database"
.venv/bin/python -m bot.migrate
.venv/bin/python -m bot.seed --if-empty
# The recommendation model is retrained when the orders changed since it was trained
# (a count/max-id stamp, bot/recs/baskets.py); a few seconds on the demo shop.
nice -n 5 .venv/bin/python -m bot.recs train --if-stale || log "recommendation model not trained; the rules serve"
# Best sellers and the catalog groups of personal picks are precomputed: rebuilt now and
# every 5 minutes (bot/aggregates/refresh.py says why a schedule; at most 6 minutes stale).
.venv/bin/python -m bot.aggregates --every 300 >var/aggregates.log 2>&1 &
pids+=($!)
# The console's conversation list and analytics read summary tables that this process keeps,
# fed by Rasa's event broker (bot/summaries); on first start it builds them from the tracker store.
.venv/bin/python -m bot.summaries follow >var/summaries.log 2>&1 &
pids+=($!)
SANIC_HOST=127.0.0.1 .venv/bin/python -m rasa_sdk --actions actions --port "$ACTION_PORT" >var/actions.log 2>&1 &
pids+=($!)
# Long polls (up to 25 s) and open WebSockets must not hold a shutdown: widgets reconnect.
# A WebSocket message over 16 KiB (the body limit, api/body_limit.py) is refused (1009) before
# it is buffered whole. Headers: httptools has no size option; api/header_limit.py answers 431.
.venv/bin/uvicorn --factory api.main:create_app --host "$API_HOST" --port "$API_PORT" --timeout-graceful-shutdown 3 \
  --ws-max-size 16384 >var/api.log 2>&1 &
pids+=($!)

for _ in $(seq 1 180); do
  if curl -fsS "http://127.0.0.1:${API_PORT}/health" >/dev/null 2>&1; then
    cat <<MSG

  The shop assistant is running.
    Demo shop  http://${API_HOST}:${API_PORT}/   (open it and click the chat bubble)
    Widget     http://${API_HOST}:${API_PORT}/widget.js   (embed it in your own pages: see README.md)
    Console    http://${API_HOST}:${API_PORT}/console   (first: make admin EMAIL=you@shop.example NAME="You")
    Chat API   http://${API_HOST}:${API_PORT}/api/chat   (try the curl example in README.md)
    Health     http://${API_HOST}:${API_PORT}/health
    API docs   http://${API_HOST}:${API_PORT}/docs
    Rasa       http://127.0.0.1:${RASA_PORT} (loopback only, token required)
    Actions    http://127.0.0.1:${ACTION_PORT} (loopback only)
  Logs are in var/. Press Ctrl-C to stop.

MSG
    break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 var/*.log >&2; die "a process exited during start-up (logs in var/)"; }
  done
  sleep 1
done
curl -fsS "http://127.0.0.1:${API_PORT}/health" >/dev/null 2>&1 || die "the service did not become healthy in 180 s (logs in var/)"
wait -n "${pids[@]}" || true
log "a process stopped; shutting the others down (logs in var/)"
