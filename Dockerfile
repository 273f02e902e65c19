# Switchboard's image: `switchboard serve` behind an entrypoint that upgrades the schema first.
# Build: docker build -t switchboard .    Run: see docs/deploy.md (and docs/deploy/compose.yaml).

# Stage 1: build the wheels (compilers live here only; asyncpg and uvloop ship wheels, but a platform
# without them must not leave gcc in the image that runs).
FROM python:3.11-slim-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cards ./cards
COPY inventory ./inventory
RUN python -m venv /opt/switchboard \
 && /opt/switchboard/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/switchboard/bin/pip install --no-cache-dir .

# Stage 2: what runs. Only the virtual environment and the entrypoint are copied over.
FROM python:3.11-slim-bookworm
ENV PATH=/opt/switchboard/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SWITCHBOARD_HOST=0.0.0.0 \
    PORT=3978 \
    SWITCHBOARD_LOG_FORMAT=json
RUN groupadd --system --gid 10001 switchboard \
 && useradd --system --uid 10001 --gid switchboard --home-dir /var/lib/switchboard --create-home switchboard
COPY --from=build /opt/switchboard /opt/switchboard
COPY docs/deploy/entrypoint.sh /usr/local/bin/switchboard-entrypoint
RUN chmod 0755 /usr/local/bin/switchboard-entrypoint
# SQLite (when no DATABASE_URL is given) writes here, never into the image's root.
WORKDIR /var/lib/switchboard
USER 10001:10001
EXPOSE 3978
# /healthz: alive and the database reachable. No curl in a slim image: Python's own urllib asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '3978')}/healthz\", timeout=4)"]
ENTRYPOINT ["/usr/local/bin/switchboard-entrypoint"]
CMD []
