# syntax=docker/dockerfile:1
# The action server: `python -m rasa_sdk --actions actions`, from the same environment as the
# gateway (requirements/app.lock), as `make run` runs it.
# Build from the repository root: docker build -f deploy/docker/actions.Dockerfile .
#
# Why not rasa/rasa-sdk:3.6.x: the actions are thin adapters over bot/, which needs Python 3.11+
# (SQLAlchemy 2, spaCy 3.8) and, on untrusted input, a Python with the CVE-2024-7592 fix;
# that image is Python 3.10 with rasa-sdk 3.6. We run rasa-sdk 3.21.1, app.lock's pin: Rasa 3.6
# calls it over the same webhook protocol (POST /webhook, the same JSON), and the end-to-end
# tests run exactly this pair (Rasa 3.6.21 with rasa-sdk 3.21.1).

FROM python:3.13-slim-trixie AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements/app.in requirements/app.lock /tmp/requirements/
# As in gateway.Dockerfile: app.in at app.lock's versions, less the test tools.
RUN grep -vE '^(pytest|playwright|schemathesis)\b' /tmp/requirements/app.in > /tmp/requirements/runtime.in \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install -r /tmp/requirements/runtime.in -c /tmp/requirements/app.lock

FROM python:3.13-slim-trixie
RUN groupadd --system --gid 10001 shopbot \
    && useradd --system --uid 10001 --gid shopbot --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin shopbot
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY bot/ bot/
COPY actions/ actions/
RUN python -m compileall -q /app
USER 10001:10001
EXPOSE 5055
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=4)"]
# rasa_sdk listens on 0.0.0.0 unless SANIC_HOST says otherwise; more Sanic workers per
# container with ACTION_SERVER_SANIC_WORKERS (and PROMETHEUS_MULTIPROC_DIR, actions/metrics_plugin.py).
CMD ["python", "-m", "rasa_sdk", "--actions", "actions", "--port", "5055"]
