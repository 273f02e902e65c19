#!/bin/sh
# The container's entrypoint: bring the schema to head, then become `switchboard serve`.
#
# `switchboard db upgrade` takes a PostgreSQL advisory lock (pg_advisory_xact_lock) around the migrations,
# so replicas that start together take turns: the first migrates, the others find the schema at head and
# go on. On SQLite it is a plain upgrade. `exec` makes serve PID 1's successor, so the engine's SIGTERM
# reaches it and it stops cleanly. Arguments are passed to serve (e.g. --port 8080).
set -eu

switchboard db upgrade
exec switchboard serve "$@"
