# syntax=docker/dockerfile:1
# The gateway (FastAPI under uvicorn). The same image runs the summaries feed
# (`python -m bot.summaries follow`), the aggregates job (`python -m bot.aggregates`)
# and the migrations (`python -m bot.migrate`) with another command.
# Build from the repository root: docker build -f deploy/docker/gateway.Dockerfile .

# Python 3.13: the gateway parses untrusted headers, and older Pythons parse a crafted
# Cookie in quadratic time (CVE-2024-7592, scripts/lib.sh). The minor tag takes patch
# releases on rebuild; pin a digest (python:3.13-slim-trixie@sha256:...) for bit-for-bit builds.
FROM python:3.13-slim-trixie AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements/app.in requirements/app.lock /tmp/requirements/
# app.in's packages at app.lock's versions, less the test tools (pytest, playwright's browser
# driver, schemathesis), which nothing in api/, bot/ or actions/ imports.
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
# Read at run time: migrations (bot.migrate), domain.yml and the knowledge file (the console's
# intent and entity lists, bot/assistant_domain.py). Owned by root: the service cannot change its code.
COPY alembic.ini domain.yml ./
COPY migrations/ migrations/
COPY data/knowledge/ data/knowledge/
COPY bot/ bot/
COPY api/ api/
RUN python -m compileall -q /app
USER 10001:10001
EXPOSE 8000
# /livez checks no dependency: Docker restarts (or reports) a gateway that stopped answering,
# not one whose Rasa is down. Orchestrators use /readyz for traffic (deploy/k8s).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/livez', timeout=4)"]
# The flags of scripts/run.sh: long polls and WebSockets must not hold a shutdown, and a
# WebSocket message over 16 KiB is refused before it is buffered. Workers: one per container
# (scale with replicas), or WEB_CONCURRENCY=N, which uvicorn reads (deploy/docker-compose.yml).
CMD ["uvicorn", "--factory", "api.main:create_app", "--host", "0.0.0.0", "--port", "8000", \
     "--timeout-graceful-shutdown", "3", "--ws-max-size", "16384"]
