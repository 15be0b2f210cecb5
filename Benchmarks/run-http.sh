#!/usr/bin/env bash
# HTTP benchmark: `sprucelink serve` (release build, SQLite with 100 000 seeded links) against nginx serving a
# static 1 KiB JSON file, both on loopback, measured with wrk in the same run: 64 connections, 2 threads.
#   GET /api/v1/links/{code}  random existing codes (profile JSON; resolve cache 5 s, so mostly the database)
#   GET /{code}               random existing codes (HTML profile page)
#   GET /{code}/qr.png        1 000 codes, rendered once beforehand: served from the image cache
# Prints req/s, p99 and the ratio to nginx for each (medians of alternating rounds), against the targets of issue 5.
# Expects `swift build -c release --product sprucelink` to have run (make bench does it).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/wrk-lib.sh

BIN=${HTTP_BENCH_BIN:-$(swift build -c release --show-bin-path)/sprucelink}
SECONDS_PER_RUN=${HTTP_BENCH_SECONDS:-10}
LINKS=${HTTP_BENCH_LINKS:-100000}
PORT=${HTTP_BENCH_PORT:-18080}
NGINX_PORT=${HTTP_BENCH_NGINX_PORT:-18081}
METRICS_PORT=${HTTP_BENCH_METRICS_PORT:-18082}
[ -x "$BIN" ] || { echo "missing $BIN: run swift build -c release --product sprucelink" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "wrk and nginx are needed: make deps" >&2; exit 1; }

WORK=$(mktemp -d /tmp/sprucelink-http-bench.XXXXXX)
chmod 755 "$WORK"
SERVER_PID="" NGINX_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    [ -n "$NGINX_PID" ] && kill -QUIT "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "seeding $LINKS links into $WORK/bench.sqlite ..."
SPRUCELINK_SEED_PASSWORD="bench password only" "$BIN" seed --database "$WORK/bench.sqlite" >/dev/null
"$BIN" link mint --database "$WORK/bench.sqlite" --org 1 --count "$LINKS" --label "bench" --json \
    | python3 -c 'import json, sys; print("\n".join(link["code"] for link in json.load(sys.stdin)))' > "$WORK/codes.txt"
head -1000 "$WORK/codes.txt" > "$WORK/qr-codes.txt"
echo "minted $(wc -l < "$WORK/codes.txt") codes"

# nginx: the reference, serving a 1 KiB JSON file (RECIPES.md: prefix folder, everything under it, world-readable).
mkdir -p "$WORK/nginx/html" "$WORK/nginx/logs"
python3 -c 'import json; body = json.dumps({"code": "4827163", "padding": "x" * 980}); print(body[:1023])' \
    > "$WORK/nginx/html/profile.json"
cat > "$WORK/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/client_temp;
    proxy_temp_path $WORK/nginx/proxy_temp;
    fastcgi_temp_path $WORK/nginx/fastcgi_temp;
    uwsgi_temp_path $WORK/nginx/uwsgi_temp;
    scgi_temp_path $WORK/nginx/scgi_temp;
    types { application/json json; }
    server { listen 127.0.0.1:$NGINX_PORT; root $WORK/nginx/html; }
}
CONF
chmod -R a+rX "$WORK/nginx"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!

"$BIN" serve --database "$WORK/bench.sqlite" --host 127.0.0.1 --port "$PORT" --log-level warning \
    --public-url https://spruce.care --metrics-port "$METRICS_PORT" 2> "$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && curl -sf "http://127.0.0.1:$NGINX_PORT/profile.json" >/dev/null && break
    sleep 0.1
done

# Render the QR images once, so the QR run measures serving from the cache.
python3 - "$PORT" "$WORK/qr-codes.txt" <<'PY'
import sys, requests
session = requests.Session()
for code in open(sys.argv[2]).read().split():
    assert session.get(f"http://127.0.0.1:{sys.argv[1]}/{code}/qr.png").status_code == 200
PY

BASE="http://127.0.0.1:$PORT"
# The link directory loads in the background at start; measure the service as it runs, with it loaded.
for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$METRICS_PORT/healthz" | grep -q '"linkDirectory":"current"' && break
    sleep 0.1
done
curl -sf "http://127.0.0.1:$METRICS_PORT/healthz"; echo
echo "warming up ..."
HTTP_BENCH_CODES=$WORK/codes.txt HTTP_BENCH_PREFIX=/api/v1/links/ HTTP_BENCH_SUFFIX="" \
    wrk -t2 -c64 -d3s -s Benchmarks/http_codes.lua "$BASE" >/dev/null
wrk -t2 -c64 -d3s "http://127.0.0.1:$NGINX_PORT/profile.json" >/dev/null

# Rounds alternate the four measurements, so that the machine's slow and fast spells fall on all of them; the
# table gives each one's median req/s and median p99 over the rounds, and the ratio of the medians.
ROUNDS=${HTTP_BENCH_ROUNDS:-3}
: > "$WORK/results.txt"
for round in $(seq "$ROUNDS"); do
    {
        measure nginx-static-1KiB "http://127.0.0.1:$NGINX_PORT/profile.json"
        measure resolve-json "$BASE" "$WORK/codes.txt" /api/v1/links/ ""
        measure profile-page "$BASE" "$WORK/codes.txt" / ""
        measure qr-png-cached "$BASE" "$WORK/qr-codes.txt" / /qr.png
    } | tee -a "$WORK/results.txt" | sed "s/^/round $round: /"
done

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
nginx_rps=$(awk '$1 == "nginx-static-1KiB" {print $2}' "$WORK/results.txt" | median)
printf '\nmedians of %s rounds of %s s\n%-20s %12s %10s %8s %8s  %s\n' "$ROUNDS" "$SECONDS_PER_RUN" "endpoint" "req/s" "p99 ms" "× nginx" "non-2xx" "target"
for name in nginx-static-1KiB resolve-json profile-page qr-png-cached; do
    rps=$(awk -v n="$name" '$1 == n {print $2}' "$WORK/results.txt" | median)
    p99=$(awk -v n="$name" '$1 == n {print $3}' "$WORK/results.txt" | median)
    errors=$(awk -v n="$name" '$1 == n {sum += $4} END {print sum + 0}' "$WORK/results.txt")
    ratio=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}')
    case $name in
        resolve-json) target=$(awk -v r="$ratio" -v p="$p99" 'BEGIN {print (r >= 0.5 && p < 5) ? "≥ 0.5× and p99 < 5 ms: met" : "≥ 0.5× and p99 < 5 ms: MISSED"}') ;;
        profile-page|qr-png-cached) target=$(awk -v r="$ratio" 'BEGIN {print (r >= 0.3) ? "≥ 0.3×: met" : "≥ 0.3×: MISSED"}') ;;
        *) target="reference" ;;
    esac
    printf '%-20s %12.0f %10.2f %8s %8s  %s\n' "$name" "$rps" "$p99" "$ratio" "$errors" "$target"
done
