#!/usr/bin/env bash
# PostgreSQL benchmark (issue 7): resolve JSON (`GET /api/v1/links/{code}`, random existing codes) with wrk on
# loopback, 64 connections, 2 threads, the same 100 000 seeded links everywhere, in one run:
#   sqlite-1     one instance on the SQLite file (the baseline)
#   postgres-1   one instance on PostgreSQL
#   postgres-2   two instances on the same PostgreSQL behind nginx (round robin)
# each twice: as deployed (serve's default JSON request log to a file, nginx's access log to a file) and with logs
# off (serve --log-level warning, nginx access_log off). Prints req/s, p99 and each ratio to the SQLite baseline of
# the same logging, two tables; every request reads the database (no link directory). PostgreSQL runs in a
# throw-away cluster (scripts/with-postgres.sh). Expects `swift build -c release --product sprucelink` (make bench
# does it).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/wrk-lib.sh

if [ -z "${SPRUCELINK_TEST_POSTGRES_URL:-}" ]; then exec bash scripts/with-postgres.sh bash "$0" "$@"; fi

BIN=${HTTP_BENCH_BIN:-$(swift build -c release --show-bin-path)/sprucelink}
SECONDS_PER_RUN=${HTTP_BENCH_SECONDS:-10}
LINKS=${HTTP_BENCH_LINKS:-100000}
[ -x "$BIN" ] || { echo "missing $BIN: run swift build -c release --product sprucelink" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "wrk and nginx are needed: make deps" >&2; exit 1; }

bench_work pg
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

PG=$SPRUCELINK_TEST_POSTGRES_URL
export SPRUCELINK_SECRET="benchmark secret shared by every instance, not a real one"
echo "seeding $LINKS links into SQLite, then copying them to PostgreSQL with export/import ..."
SPRUCELINK_SEED_PASSWORD="bench password only" "$BIN" seed --database "$WORK/bench.sqlite" >/dev/null
"$BIN" link mint --database "$WORK/bench.sqlite" --org 1 --count "$LINKS" --label bench --json \
    | python3 -c 'import json, sys; print("\n".join(link["code"] for link in json.load(sys.stdin)))' > "$WORK/codes.txt"
"$BIN" export --database "$WORK/bench.sqlite" 2>/dev/null > "$WORK/dump.jsonl"
"$BIN" import --database "$PG" < "$WORK/dump.jsonl" | tail -1

# --cache-seconds 0: no link directory, so every request reads the database; this compares the engines, not
# memory (with the directory on, all three answer from memory; run-http.sh measures that).
start() { # database port log-file [serve options...]
    local database=$1 port=$2 log=$3
    shift 3
    "$BIN" serve --database "$database" --host 127.0.0.1 --port "$port" --public-url https://spruce.care \
        --cache-seconds 0 --metrics-port 0 "$@" 2>> "$log" &
    PIDS+=($!)
}
proxy() { # folder port access-log-directive upstream-port upstream-port
    local dir=$1
    mkdir -p "$dir/logs"
    cat > "$dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 1024; }
http {
    $3
    client_body_temp_path $dir/client_temp;
    proxy_temp_path $dir/proxy_temp;
    fastcgi_temp_path $dir/fastcgi_temp;
    uwsgi_temp_path $dir/uwsgi_temp;
    scgi_temp_path $dir/scgi_temp;
    upstream sprucelink { server 127.0.0.1:$4; server 127.0.0.1:$5; keepalive 64; }
    server {
        listen 127.0.0.1:$2;
        location / { proxy_pass http://sprucelink; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
}
CONF
    chmod -R a+rX "$dir"
    nginx -p "$dir" -c "$dir/nginx.conf" &
    PIDS+=($!)
}
declare -A SQLITE_PORT PG_PORT_A PG_PORT_B PROXY_PORT
for logs in on off; do
    SQLITE_PORT[$logs]=$(free_port) PG_PORT_A[$logs]=$(free_port) PG_PORT_B[$logs]=$(free_port)
    PROXY_PORT[$logs]=$(free_port)
    if [ "$logs" = on ]; then quiet=(); access="access_log $WORK/nginx-on/logs/access.log;"; else
        quiet=(--log-level warning); access="access_log off;"; fi
    start "$WORK/bench.sqlite" "${SQLITE_PORT[$logs]}" "$WORK/server-$logs.log" "${quiet[@]}"
    start "$PG" "${PG_PORT_A[$logs]}" "$WORK/server-$logs.log" "${quiet[@]}"
    start "$PG" "${PG_PORT_B[$logs]}" "$WORK/server-$logs.log" "${quiet[@]}"
    proxy "$WORK/nginx-$logs" "${PROXY_PORT[$logs]}" "$access" "${PG_PORT_A[$logs]}" "${PG_PORT_B[$logs]}"
done
for logs in on off; do
    for port in "${SQLITE_PORT[$logs]}" "${PG_PORT_A[$logs]}" "${PG_PORT_B[$logs]}" "${PROXY_PORT[$logs]}"; do
        for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    done
done

echo "warming up ..."
for logs in on off; do
    for port in "${SQLITE_PORT[$logs]}" "${PROXY_PORT[$logs]}"; do
        HTTP_BENCH_CODES=$WORK/codes.txt HTTP_BENCH_PREFIX=/api/v1/links/ HTTP_BENCH_SUFFIX="" \
            wrk -t2 -c64 -d3s -s Benchmarks/http_codes.lua "http://127.0.0.1:$port" >/dev/null
    done
done

table() { # logs title
    local logs=$1 results=() base
    results+=("$(measure sqlite-1 "http://127.0.0.1:${SQLITE_PORT[$logs]}" "$WORK/codes.txt" /api/v1/links/ "")")
    results+=("$(measure postgres-1 "http://127.0.0.1:${PG_PORT_A[$logs]}" "$WORK/codes.txt" /api/v1/links/ "")")
    results+=("$(measure postgres-2-nginx "http://127.0.0.1:${PROXY_PORT[$logs]}" "$WORK/codes.txt" /api/v1/links/ "")")
    base=$(awk '{print $2}' <<<"${results[0]}")
    printf '\n%s (load average %s)\n%-18s %12s %10s %12s %8s\n' "$2" "$(cut -d' ' -f1-3 /proc/loadavg)" \
        "resolve JSON on" "req/s" "p99 ms" "× sqlite-1" "non-2xx"
    for line in "${results[@]}"; do
        read -r name rps p99 errors <<<"$line"
        printf '%-18s %12.0f %10.2f %12s %8s\n' "$name" "$rps" "$p99" \
            "$(awk -v a="$rps" -v b="$base" 'BEGIN {printf "%.2f", a / b}')" "$errors"
    done
}
table on "logs on, as deployed (serve's JSON request log to a file; nginx access log to a file)"
table off "logs off (serve --log-level warning; nginx access_log off)"
echo "(2 cores: wrk, nginx, PostgreSQL and the instances share them, so two instances cannot double the rate here.)"
