# syntax=docker/dockerfile:1
# The Rasa server with our add-ons (rasa_addons/) and a model trained from this checkout.
# Build from the repository root: docker build -f deploy/docker/rasa.Dockerfile .
#
# The model is trained in a build stage, so an image tag names one model and one code
# version: rolling out a model is rolling out an image (deploy/README.md). To serve a model
# trained elsewhere instead, mount it and append `--model /path/to/model.tar.gz` to the
# container's arguments (the last --model wins).

# The official image: Rasa 3.6.21 (as requirements/rasa.in) on Python 3.10, in /opt/venv,
# running as uid 1001 (group 0) in /app. Its other packages are the image's, from Rasa's own
# release lock; requirements/rasa.lock pins the same Rasa for .venv-rasa.
FROM rasa/rasa:3.6.21 AS rasa-base
WORKDIR /app
USER root
COPY requirements/rasa.in requirements/rasa.lock /tmp/requirements/
# Only what requirements/rasa.in adds on top of Rasa (wheel, which Rasa requires, at the
# version SECURITY.md reviewed), at rasa.lock's pins.
RUN grep -v '^rasa==' /tmp/requirements/rasa.in > /tmp/requirements/extra.in \
    && python -m pip install --no-cache-dir --disable-pip-version-check \
       -r /tmp/requirements/extra.in -c /tmp/requirements/rasa.lock \
    && rm -rf /tmp/requirements
COPY rasa_addons/ /app/rasa_addons/
# Rasa imports the add-ons by dotted path (config.yml, endpoints.scaled.yml, credentials.yml).
ENV PYTHONPATH=/app RASA_TELEMETRY_ENABLED=false
USER 1001

# The NLU's unfamiliar-words gate reads spaCy's word lists at training time (config.yml:
# lexicon); Rasa's environment lacks spacy-lookups-data, so the app's Python writes the file,
# as `make train` does. The words end up inside the model.
FROM python:3.13-slim-trixie AS lexicon
WORKDIR /build
COPY requirements/app.lock requirements/
RUN pip install --no-cache-dir --disable-pip-version-check -c requirements/app.lock spacy-lookups-data
COPY scripts/known_words.py scripts/
RUN python scripts/known_words.py var/nlu/known_words.txt

FROM rasa-base AS train
COPY config.yml domain.yml ./
COPY data/ data/
COPY --from=lexicon /build/var/nlu/known_words.txt var/nlu/known_words.txt
RUN rasa train --fixed-model-name shop --out models

FROM rasa-base
COPY endpoints.scaled.yml credentials.yml ./
COPY --from=train /app/models/shop.tar.gz models/shop.tar.gz
EXPOSE 5005
# /status answers 200 only with a model loaded, and only with the token.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/status?token=' + os.environ['SHOP_RASA_TOKEN'], timeout=4)"]
# Every store's address comes from the environment (endpoints.scaled.yml names each variable;
# TICKET_LOCK_LIFETIME too). The HTTP API is on for the gateway, behind SHOP_RASA_TOKEN; an
# unset or empty token is refused with a clear message rather than answered with 401s later.
# `python -m rasa_addons.serve` is `rasa`, without TensorFlow when the model has no component
# that needs it (about 480 MB less memory).
ENTRYPOINT ["/bin/sh", "-c", "if [ -z \"$SHOP_RASA_TOKEN\" ]; then echo 'SHOP_RASA_TOKEN is not set: the HTTP API needs the token the gateway sends' >&2; exit 64; fi; exec python -m rasa_addons.serve run --model models/shop.tar.gz --enable-api --auth-token \"$SHOP_RASA_TOKEN\" --port 5005 --endpoints endpoints.scaled.yml --credentials credentials.yml \"$@\"", "rasa-run"]
CMD []
