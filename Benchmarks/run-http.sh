#!/usr/bin/env bash
# HTTP benchmark as deployed, and with logs off: in one run, `sprucelink serve` (release build, SQLite with 100 000
# seeded links) against nginx serving a static 1 KiB JSON file, both on loopback, measured with wrk (64
# connections, 2 threads), in two pairs:
#   logs on:  serve with its defaults (request log on, JSON, standard error to a file) against nginx with its
#             access log on (to a file): how both run in production;
#   logs off: serve --log-level warning against nginx with access_log off.
# Endpoints:
#   GET /api/v1/links/{code}  random existing codes (profile JSON)
#   GET /{code}               random existing codes (HTML profile page)
#   GET /{code}/qr.png        1 000 codes, rendered once beforehand: served from the image cache
# A third server, as deployed but with `--no-analytics`, is measured in the same rounds, each endpoint right beside
# the deployed server's: the funnel's cost is the median of the rounds' ratios of the deployed server (counting) to
# it on the same endpoints (issue 15's target: ≥ 0.95×), and the ratio
# of their CPU per request over the whole run, every flush included. Each measurement starts once every server's
# funnel has flushed what it counted and every server is quiet, so one server's leftover flush does not land on
# another's figures.
# Prints req/s, p99 and the ratio to the nginx of the same pair (medians of alternating rounds) against the targets
# of issue 17, and the machine's load average with each round. Expects `swift build -c release --product
# sprucelink` to have run (make bench does it).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/wrk-lib.sh

BIN=${HTTP_BENCH_BIN:-$(swift build -c release --show-bin-path)/sprucelink}
SECONDS_PER_RUN=${HTTP_BENCH_SECONDS:-10}
LINKS=${HTTP_BENCH_LINKS:-100000}
PORT=${HTTP_BENCH_PORT:-18080}
NGINX_PORT=${HTTP_BENCH_NGINX_PORT:-18081}
METRICS_PORT=${HTTP_BENCH_METRICS_PORT:-18082}
QUIET_PORT=$((PORT + 10))
QUIET_NGINX_PORT=$((NGINX_PORT + 10))
QUIET_METRICS_PORT=$((METRICS_PORT + 10))
UNCOUNTED_PORT=$((PORT + 20))
UNCOUNTED_METRICS_PORT=$((METRICS_PORT + 20))
[ -x "$BIN" ] || { echo "missing $BIN: run swift build -c release --product sprucelink" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "wrk and nginx are needed: make deps" >&2; exit 1; }

bench_work http

echo "seeding $LINKS links into $WORK/bench.sqlite ..."
seed_links "$BIN" "$WORK/bench.sqlite" "$LINKS" "$WORK/codes.txt"
head -1000 "$WORK/codes.txt" > "$WORK/qr-codes.txt"
echo "minted $(wc -l < "$WORK/codes.txt") codes"

# nginx: the reference, serving a 1 KiB JSON file (RECIPES.md: prefix folder, everything under it, world-readable).
start_nginx() { # folder port access-log-directive
    local dir=$1 port=$2 access=$3
    mkdir -p "$dir/html" "$dir/logs"
    python3 -c 'import json; body = json.dumps({"code": "4827163", "padding": "x" * 980}); print(body[:1023])' \
        > "$dir/html/profile.json"
    cat > "$dir/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 1024; }
http {
    $access
    client_body_temp_path $dir/client_temp;
    proxy_temp_path $dir/proxy_temp;
    fastcgi_temp_path $dir/fastcgi_temp;
    uwsgi_temp_path $dir/uwsgi_temp;
    scgi_temp_path $dir/scgi_temp;
    types { application/json json; }
    server { listen 127.0.0.1:$port; root $dir/html; }
}
CONF
    chmod -R a+rX "$dir"
    nginx -p "$dir" -c "$dir/nginx.conf" &
    PIDS+=($!)
}
start_nginx "$WORK/nginx-logs" "$NGINX_PORT" "access_log $WORK/nginx-logs/logs/access.log;"
start_nginx "$WORK/nginx-quiet" "$QUIET_NGINX_PORT" "access_log off;"

# serve with its defaults (request log on, JSON) and its standard error to a file; and with logs off.
"$BIN" serve --database "$WORK/bench.sqlite" --host 127.0.0.1 --port "$PORT" \
    --public-url https://spruce.care --metrics-port "$METRICS_PORT" 2> "$WORK/server.log" &
COUNTED_PID=$!
PIDS+=($!)
"$BIN" serve --database "$WORK/bench.sqlite" --host 127.0.0.1 --port "$QUIET_PORT" --log-level warning \
    --public-url https://spruce.care --metrics-port "$QUIET_METRICS_PORT" 2> "$WORK/server-quiet.log" &
QUIET_PID=$!
PIDS+=($!)
"$BIN" serve --database "$WORK/bench.sqlite" --host 127.0.0.1 --port "$UNCOUNTED_PORT" --no-analytics \
    --public-url https://spruce.care --metrics-port "$UNCOUNTED_METRICS_PORT" 2> "$WORK/server-uncounted.log" &
UNCOUNTED_PID=$!
PIDS+=($!)
for port in "$NGINX_PORT" "$QUIET_NGINX_PORT"; do
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/profile.json" >/dev/null && break; sleep 0.1; done
done

wait_ready "$PORT" "$METRICS_PORT"
wait_ready "$QUIET_PORT" "$QUIET_METRICS_PORT"
wait_ready "$UNCOUNTED_PORT" "$UNCOUNTED_METRICS_PORT"
for port in "$PORT" "$QUIET_PORT" "$UNCOUNTED_PORT"; do fill_qr_cache "$port" "$WORK/qr-codes.txt"; done
echo "warming up ..."
for port in "$PORT" "$QUIET_PORT" "$UNCOUNTED_PORT"; do
    HTTP_BENCH_CODES=$WORK/codes.txt HTTP_BENCH_PREFIX=/api/v1/links/ HTTP_BENCH_SUFFIX="" \
        wrk -t2 -c64 -d3s -s Benchmarks/http_codes.lua "http://127.0.0.1:$port" >/dev/null
done
for port in "$NGINX_PORT" "$QUIET_NGINX_PORT"; do wrk -t2 -c64 -d3s "http://127.0.0.1:$port/profile.json" >/dev/null; done

# Rounds alternate the eight measurements (four per pair, the pairs taking turns to go first), so that the
# machine's slow and fast spells fall on all of them; the tables give each one's median req/s and median p99 over
# the rounds, and the ratio of the medians to the nginx of the same pair.
ROUNDS=${HTTP_BENCH_ROUNDS:-3}
: > "$WORK/results.txt"
# Before each measurement every server is left to finish what the last one gave it (a funnel flush, which comes up
# to 30 s after a burst), so that it lands on no other server's figures.
settled() { # measure's arguments
    wait_flushed "$METRICS_PORT" "$QUIET_METRICS_PORT"
    wait_quiet "$COUNTED_PID" "$QUIET_PID" "$UNCOUNTED_PID"
    measure "$@"
}
pair() { # label serve-port nginx-port
    local label=$1 base="http://127.0.0.1:$2"
    settled "$label/nginx-static-1KiB" "http://127.0.0.1:$3/profile.json"
    endpoint "$label" "$base" resolve-json "$WORK/codes.txt" /api/v1/links/ ""
    endpoint "$label" "$base" profile-page "$WORK/codes.txt" / ""
    endpoint "$label" "$base" qr-png-cached "$WORK/qr-codes.txt" / /qr.png
}
# The deployed server's figure for an endpoint, and with logs on the funnel's baseline (serve --no-analytics, logs
# on) right beside it, first and second in turn: the two then see the same spell of the machine, which the
# funnel's 5 % needs (a whole pair apart, figures of the same server moved by ±7 %).
endpoint() { # label base name codes prefix suffix
    local label=$1 base=$2 name=$3
    shift 3
    if [ "$label" != logs-on ]; then
        settled "$label/$name" "$base" "$@"
    elif (( round % 2 )); then
        settled "logs-on/$name" "$base" "$@"
        settled "uncounted/$name" "http://127.0.0.1:$UNCOUNTED_PORT" "$@"
    else
        settled "uncounted/$name" "http://127.0.0.1:$UNCOUNTED_PORT" "$@"
        settled "logs-on/$name" "$base" "$@"
    fi
}
counted_before=$(cpu_ticks "$COUNTED_PID")
uncounted_before=$(cpu_ticks "$UNCOUNTED_PID")
for round in $(seq "$ROUNDS"); do
    echo "round $round: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    {
        if (( round % 2 )); then
            pair logs-on "$PORT" "$NGINX_PORT"; pair logs-off "$QUIET_PORT" "$QUIET_NGINX_PORT"
        else
            pair logs-off "$QUIET_PORT" "$QUIET_NGINX_PORT"; pair logs-on "$PORT" "$NGINX_PORT"
        fi
    } | tee -a "$WORK/results.txt" | sed "s/^/round $round: /"
done
# The funnel's whole cost, flushes included: the deployed server's CPU per request over every round against the
# uncounted one's, read once the last counts are flushed and the servers are quiet.
wait_flushed "$METRICS_PORT" "$QUIET_METRICS_PORT"
wait_quiet "$COUNTED_PID" "$QUIET_PID" "$UNCOUNTED_PID"
counted_after=$(cpu_ticks "$COUNTED_PID")
uncounted_after=$(cpu_ticks "$UNCOUNTED_PID")

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
table() { # label title
    local label=$1 nginx_rps
    nginx_rps=$(awk -v n="$label/nginx-static-1KiB" '$1 == n {print $2}' "$WORK/results.txt" | median)
    printf '\n%s: medians of %s rounds of %s s\n%-20s %12s %10s %8s %8s  %s\n' "$2" "$ROUNDS" "$SECONDS_PER_RUN" \
        "endpoint" "req/s" "p99 ms" "× nginx" "non-2xx" "target"
    for name in nginx-static-1KiB resolve-json profile-page qr-png-cached; do
        local rps p99 errors ratio target
        rps=$(awk -v n="$label/$name" '$1 == n {print $2}' "$WORK/results.txt" | median)
        p99=$(awk -v n="$label/$name" '$1 == n {print $3}' "$WORK/results.txt" | median)
        errors=$(awk -v n="$label/$name" '$1 == n {sum += $4} END {print sum + 0}' "$WORK/results.txt")
        ratio=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}')
        case $name in
            resolve-json) target=$(awk -v r="$ratio" -v p="$p99" 'BEGIN {print (r >= 0.6 && p < 5) ? "≥ 0.6× and p99 < 5 ms: met" : "≥ 0.6× and p99 < 5 ms: MISSED"}') ;;
            profile-page) target=$(awk -v r="$ratio" 'BEGIN {print (r >= 0.45) ? "≥ 0.45×: met" : "≥ 0.45×: MISSED"}') ;;
            qr-png-cached) target=$(awk -v r="$ratio" 'BEGIN {print (r >= 0.5) ? "≥ 0.5×: met" : "≥ 0.5×: MISSED"}') ;;
            *) target="reference" ;;
        esac
        printf '%-20s %12.0f %10.2f %8s %8s  %s\n' "$name" "$rps" "$p99" "$ratio" "$errors" "$target"
    done
}
table logs-on "logs on, as deployed (serve's JSON request log to a file; nginx access_log to a file)"
table logs-off "logs off (serve --log-level warning; nginx access_log off)"
printf '\nthe funnel: counting (logs on, as deployed) against serve --no-analytics (logs on), measured side by side\n'
printf '%-20s %12s %12s %8s  %s\n' "endpoint" "counting" "uncounted" "ratio" "target"
for name in resolve-json profile-page qr-png-cached; do
    on=$(awk -v n="logs-on/$name" '$1 == n {print $2}' "$WORK/results.txt" | median)
    off=$(awk -v n="uncounted/$name" '$1 == n {print $2}' "$WORK/results.txt" | median)
    # The median of each round's ratio of the two side-by-side figures.
    ratio=$(awk -v a="logs-on/$name" -v b="uncounted/$name" \
        '$1 == a {on[++i] = $2} $1 == b {off[++j] = $2} END {for (k = 1; k <= i; k++) print on[k] / off[k]}' \
        "$WORK/results.txt" | median | awk '{printf "%.2f", $1}')
    target=$(awk -v r="$ratio" 'BEGIN {print (r >= 0.95) ? "≥ 0.95×: met" : "≥ 0.95×: MISSED"}')
    printf '%-20s %12.0f %12.0f %8s  %s\n' "$name" "$on" "$off" "$ratio" "$target"
done
echo "(req/s: medians over the rounds; ratio: the median of the rounds' ratios of the two side-by-side figures)"
served() { # label: requests the server answered over all rounds
    awk -v p="$1/" 'index($1, p) == 1 && $1 !~ /nginx/ {sum += $5} END {print sum + 0}' "$WORK/results.txt"
}
ticks=$(getconf CLK_TCK)
counted_cpu=$(awk -v a="$counted_after" -v b="$counted_before" -v r="$(served logs-on)" -v t="$ticks" \
    'BEGIN {printf "%.1f", (a - b) / t * 1e6 / r}')
uncounted_cpu=$(awk -v a="$uncounted_after" -v b="$uncounted_before" -v r="$(served uncounted)" -v t="$ticks" \
    'BEGIN {printf "%.1f", (a - b) / t * 1e6 / r}')
printf '%-20s %12s %12s %8s\n' "CPU µs per request" "$counted_cpu" "$uncounted_cpu" \
    "$(awk -v a="$counted_cpu" -v b="$uncounted_cpu" 'BEGIN {printf "%.2f", b / a}')"
echo "(all rounds and endpoints, every flush included; the ratio is uncounted/counting, as the throughputs')"
lines=$(grep -c '"message":"request"' "$WORK/server.log" || true)
dropped=$(grep -c '"message":"request log dropped lines' "$WORK/server.log" || true)
echo
echo "serve's request log: $lines lines written, $dropped drop warnings; nginx access log: $(wc -l < "$WORK/nginx-logs/logs/access.log") lines"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
