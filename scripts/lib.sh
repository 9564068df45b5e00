# Shared helpers for the project's scripts; source it, don't run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export RASA_TELEMETRY_ENABLED=false
export PYTHONDONTWRITEBYTECODE=1
export TF_CPP_MIN_LOG_LEVEL=2
mkdir -p var

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Python 3.10 for Rasa, found without a hard-coded path: python3.10, then pyenv.
find_python310() {
  if command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
    command -v python3.10; return
  fi
  if command -v pyenv >/dev/null 2>&1; then
    local v
    v="$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -V | tail -n 1 || true)"
    if [ -n "$v" ] && [ -x "$(pyenv root)/versions/$v/bin/python3.10" ]; then
      echo "$(pyenv root)/versions/$v/bin/python3.10"; return
    fi
  fi
  die "Python 3.10 is needed for Rasa 3.6 (install it, e.g. 'pyenv install 3.10')"
}

# The gateway and the action server parse untrusted headers: their Python must
# carry the fix for CVE-2024-7592 (quadratic cookie parsing), i.e. 3.13, or a
# 3.12.6+ / 3.11.10+. Prefer 3.13 (python3.13, then pyenv), as find_python310 does.
PATCHED_PYTHON='import sys; v = sys.version_info; assert v >= (3, 13) or (3, 12, 6) <= v[:3] < (3, 13) or (3, 11, 10) <= v[:3] < (3, 12)'

python_path() {  # the real interpreter behind a name on PATH (pyenv shims included), if it runs and passes $2
  command -v "$1" >/dev/null 2>&1 && "$1" -c "$2" 2>/dev/null && "$1" -c 'import sys; print(sys.executable)'
}

find_python_app() {
  local py v
  python_path python3.13 "$PATCHED_PYTHON" && return
  if command -v pyenv >/dev/null 2>&1; then
    v="$(pyenv versions --bare 2>/dev/null | grep -E '^3\.13(\.[0-9]+)?$' | sort -V | tail -n 1 || true)"
    if [ -n "$v" ] && [ -x "$(pyenv root)/versions/$v/bin/python3.13" ]; then
      echo "$(pyenv root)/versions/$v/bin/python3.13"; return
    fi
  fi
  for py in python3.12 python3.11 python3; do
    python_path "$py" "$PATCHED_PYTHON" && return
  done
  # An unpatched interpreter stalls on one crafted Cookie; the gateway's 431 header
  # limit (api/header_limit.py) bounds that to a fraction of a second per request,
  # which a flood still turns into an outage. Refuse unless explicitly allowed.
  if [ "${SHOP_ALLOW_UNPATCHED_PYTHON:-}" = 1 ]; then
    for py in python3.12 python3.11 python3; do
      if python_path "$py" 'import sys; assert sys.version_info >= (3, 11)' >/dev/null; then
        printf '\033[1;31mWARNING:\033[0m %s has the quadratic cookie parsing of CVE-2024-7592; only the header size limit guards the gateway. Install Python 3.13 (pyenv install 3.13).\n' "$("$py" -V)" >&2
        python_path "$py" 'import sys; assert sys.version_info >= (3, 11)'; return
      fi
    done
  fi
  die "Python 3.13 (or 3.12.6+/3.11.10+) is needed for the service: install it, e.g. 'pyenv install 3.13' (SHOP_ALLOW_UNPATCHED_PYTHON=1 accepts an older 3.11/3.12 at your own risk)"
}

python_version() { "$1" -c 'import sys; print(".".join(map(str, sys.version_info[:3])))' 2>/dev/null || true; }

# Create or refresh a virtual environment from its lock file; a stamp of the
# lock's hash makes a second run free. A venv built by another interpreter than
# the one wanted (e.g. 3.11 before the move to 3.13) is rebuilt from scratch.
ensure_venv() {
  local dir="$1" python="$2" lock="$3"
  local want have="" built wanted
  want="$(sha256sum "$lock" | cut -d' ' -f1)"
  wanted="$(python_version "$python")"
  if [ -e "$dir" ]; then
    built="$(python_version "$dir/bin/python")"
    if [ "$built" != "$wanted" ]; then
      log "rebuilding $dir with Python $wanted (it was built with Python ${built:-unknown})"
      rm -rf "$dir"
    fi
  fi
  [ -f "$dir/.lock-sha256" ] && have="$(cat "$dir/.lock-sha256")"
  if [ -x "$dir/bin/python" ] && [ "$want" = "$have" ]; then
    return
  fi
  log "installing $dir from $lock with Python $wanted (first run only; Rasa takes a few minutes)"
  [ -x "$dir/bin/python" ] || "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.3.1"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$lock"
  echo "$want" > "$dir/.lock-sha256"
}

setup_envs() {
  ensure_venv .venv-rasa "$(find_python310)" requirements/rasa.lock
  ensure_venv .venv "$(find_python_app)" requirements/app.lock
}

# spaCy's English word list for the NLU's unfamiliar-words gate (config.yml);
# Rasa's environment lacks spacy-lookups-data, so .venv writes it.
LEXICON="var/nlu/known_words.txt"
ensure_lexicon() {  # rebuilt only when its script or spaCy's data (the lock) is newer
  if [ -s "$LEXICON" ] && [ "$LEXICON" -nt scripts/known_words.py ] && [ "$LEXICON" -nt requirements/app.lock ]; then
    return
  fi
  .venv/bin/python scripts/known_words.py "$LEXICON"
}

# What the Rasa model is trained from, in parts, one "part hash" line each; the
# model is up to date when every part matches what it was trained from
# (models/.parts). Our NLU component's code and word list are a part too.
sha_of() { cat "$@" | sha256sum | cut -d' ' -f1; }
yml_under() { find "$@" -type f -name '*.yml' | LC_ALL=C sort; }
training_parts() {
  echo "config.yml $(sha_of config.yml)"
  echo "domain.yml $(sha_of domain.yml)"
  echo "data/knowledge $(sha_of $(yml_under data/knowledge))"
  echo "data/nlu $(sha_of $(yml_under data/nlu))"
  echo "data/stories+rules $(sha_of $(yml_under data/stories data/rules))"
  echo "rasa_addons(NLU) $(sha_of "$LEXICON" rasa_addons/familiarity.py rasa_addons/unfamiliar_words.py rasa_addons/linear_nlu.py \
    rasa_addons/sentence_encoder.py rasa_addons/language_detection.py)"
}

MODEL="models/shop.tar.gz"
PARTS="models/.parts"
# Rasa's training cache: a component whose inputs did not change is reused from here.
export RASA_CACHE_DIRECTORY="${RASA_CACHE_DIRECTORY:-$ROOT/.rasa/cache}"

# Why a retrain is needed, and what Rasa will retrain (it decides per component
# from its inputs; this says it in words).
retrain_reason() {
  local want="$1" changed
  if [ ! -f "$MODEL" ] || [ ! -f "$PARTS" ]; then
    echo "no trained model yet"; return
  fi
  changed="$(changed_parts "$want")"
  case ",$changed," in
    *,config.yml,*) echo "$changed changed: components whose settings changed are retrained" ;;
    *,domain.yml,*|*,data/stories+rules,*) echo "$changed changed: the dialogue policies are retrained (and the NLU if its intents, entities or responses changed)" ;;
    *) echo "$changed changed: only the NLU is retrained; the dialogue policies come from the cache" ;;
  esac
}

# The parts the model was trained from, and those that differ in the working tree.
trained_parts() { cut -d' ' -f1,2 "$PARTS"; }
changed_parts() {
  { diff <(trained_parts) <(echo "$1") || true; } | sed -n 's/^> \([^ ]*\) .*/\1/p' | paste -sd, - | sed 's/,/, /g'
}

# A full training takes well under a minute on 2 cores (no TensorFlow component),
# so the model is always trained, never fine-tuned. `make train FULL=1`
# (SHOP_TRAIN_FULL=1) trains every component again with an empty cache.
# One training at a time per checkout: a second caller (another test worker, a `make run`
# while `make train` runs) waits for the first, then finds the model up to date, instead
# of a second `rasa train` writing the same files at once.
ensure_model() {
  mkdir -p models
  if command -v flock >/dev/null 2>&1; then
    ( flock 9; ensure_model_unlocked ) 9>models/.train.lock
  else
    ensure_model_unlocked
  fi
}

ensure_model_unlocked() {
  local want reason started status=0 cache="$RASA_CACHE_DIRECTORY"
  ensure_lexicon
  want="$(training_parts)"
  if [ "${SHOP_TRAIN_FULL:-}" != 1 ] && [ -f "$MODEL" ] && [ -f "$PARTS" ] && [ "$(trained_parts)" = "$want" ]; then
    log "Rasa model is up to date ($MODEL)"
    return
  fi
  if [ "${SHOP_TRAIN_FULL:-}" = 1 ]; then
    reason="FULL=1: every component is trained again, without the cache"
    cache="$(mktemp -d)"
  else
    reason="$(retrain_reason "$want")"
    [ -d "$cache" ] || reason="$reason; no training cache yet ($cache): every component is trained"
  fi
  log "training the Rasa model: $reason"
  mkdir -p models var
  started=$SECONDS
  RASA_CACHE_DIRECTORY="$cache" .venv-rasa/bin/rasa train --quiet --fixed-model-name shop --out models >var/train.log 2>&1 \
    || status=$?
  [ "$cache" = "$RASA_CACHE_DIRECTORY" ] || rm -rf "$cache"  # FULL=1's throwaway cache, failed or not
  [ "$status" = 0 ] || { tail -n 40 var/train.log >&2; die "rasa train failed (full log: var/train.log)"; }
  echo "$want" > "$PARTS"
  log "trained $MODEL in $((SECONDS - started)) s (log: var/train.log)"
}

# Debian's Chromium for the browser tests (Playwright drives it; it cannot
# download browsers here). Installed where we may (root or passwordless sudo);
# otherwise the browser tests skip and say why.
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    sudo -n true 2>/dev/null && sudo="sudo -n" || { log "chromium is not installed and I may not install it: browser tests will skip"; return; }
  fi
  command -v apt-get >/dev/null 2>&1 || { log "no apt-get to install chromium: browser tests will skip"; return; }
  log "installing Debian's chromium for the browser tests (first run only)"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq chromium >var/apt.log 2>&1 \
    || { $sudo apt-get update -qq >>var/apt.log 2>&1 && $sudo apt-get install -y -qq chromium >>var/apt.log 2>&1; } \
    || log "installing chromium failed (var/apt.log): browser tests will skip"
}
