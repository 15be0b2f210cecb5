#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL cluster: initdb in a temp folder, pg_ctl start on a free port as the
# unprivileged `postgres` user (the server refuses to run as root), the command with SPRUCELINK_TEST_POSTGRES_URL
# pointing at it, then stop and remove the cluster — also when the command fails or is interrupted.
set -euo pipefail

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PG_BIN" ] || { echo "with-postgres: PostgreSQL is not installed (make deps installs it)" >&2; exit 1; }

DIR=$(mktemp -d /tmp/sprucelink-pg.XXXXXX)
chmod 777 "$DIR"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
    as_postgres "$PG_BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_postgres "$PG_BIN/initdb" -D "$DIR/data" -A trust -U postgres >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
as_postgres "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null \
    || { cat "$DIR/server.log" >&2; exit 1; }

export SPRUCELINK_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PORT/postgres?sslmode=disable"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
"$@"
