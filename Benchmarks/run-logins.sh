#!/usr/bin/env bash
# Logins against page latency: password hashing (scrypt, N = 2^15) runs on its own pool, so 20 concurrent logins
# must not slow pages down. In one run of `sprucelink serve` (release build, seeded SQLite):
#   idle:   the profile page's p99 with nothing else going on (wrk, 4 connections);
#   loaded: the same while 20 connections log in as fast as they can (wrk with Benchmarks/http_login.lua);
# for the logged-out page (answered from memory) and for the page as a logged-in member sees it (through the
# router, the session read from the database). The server runs as deployed: its JSON request log on (to a file).
# A p99 from one short run on two shared cores swings by 2× on its own, so idle and loaded runs alternate for
# LOGIN_BENCH_ROUNDS rounds (3 by default) and the medians are compared. Prints every round's p99s, the medians,
# their ratio (target ≤ 2×) and the logins/s.
# Expects `swift build -c release --product sprucelink` to have run (make bench does it).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/wrk-lib.sh

BIN=${HTTP_BENCH_BIN:-$(swift build -c release --show-bin-path)/sprucelink}
SECONDS_PER_RUN=${LOGIN_BENCH_SECONDS:-8}
PORT=${LOGIN_BENCH_PORT:-18180}
METRICS_PORT=$((PORT + 1))
[ -x "$BIN" ] || { echo "missing $BIN: run swift build -c release --product sprucelink" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed: make deps" >&2; exit 1; }

bench_work login


PASSWORD="bench password only"
SPRUCELINK_SEED_PASSWORD="$PASSWORD" "$BIN" seed --database "$WORK/bench.sqlite" >/dev/null
"$BIN" serve --database "$WORK/bench.sqlite" --host 127.0.0.1 --port "$PORT" --public-url http://127.0.0.1 \
    --metrics-port "$METRICS_PORT" --outbox "$WORK/outbox" \
    --login-limit 1000000 --login-account-limit 1000000 --login-account-budget 1000000 2> "$WORK/server.log" &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

# A visitor cookie and its CSRF token for the login form, and a member's session for the router's page.
form=$(curl -s -c "$WORK/jar" "http://127.0.0.1:$PORT/login")
token=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' <<<"$form" | head -1)
visitor=$(awk '$6 == "spruce_visitor" {print $7}' "$WORK/jar")
export LOGIN_COOKIE="spruce_visitor=$visitor"
export LOGIN_BODY="login=sam%40riverbendpt.example&password=${PASSWORD// /%20}&csrf_token=$token"
session=$(curl -s -o /dev/null -D - -H "Cookie: $LOGIN_COOKIE" -H "Content-Type: application/x-www-form-urlencoded" \
    --data "$LOGIN_BODY" "http://127.0.0.1:$PORT/login" | sed -n 's/^[Ss]et-[Cc]ookie: spruce_session=\([^;]*\).*/\1/p')
[ -n "$session" ] || { echo "login failed: no session cookie" >&2; exit 1; }

page_p99() { # url [cookie]
    local output
    if [ $# -gt 1 ]; then
        output=$(wrk -t1 -c4 -d"${SECONDS_PER_RUN}s" --latency -H "Cookie: spruce_session=$2" "$1")
    else
        output=$(wrk -t1 -c4 -d"${SECONDS_PER_RUN}s" --latency "$1")
    fi
    awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/, "", v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v*=1000}; print v}' <<<"$output"
}
logins() { # seconds → logins/s
    wrk -t2 -c20 -d"$1s" -s Benchmarks/http_login.lua "http://127.0.0.1:$PORT/login" \
        | awk '/^Requests\/sec:/ {print $2}'
}

PAGE="http://127.0.0.1:$PORT/4827163"
ROUNDS=${LOGIN_BENCH_ROUNDS:-3}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
wrk -t1 -c4 -d2s "$PAGE" >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %14s %14s %14s %14s %10s\n' round "out idle" "out loaded" "in idle" "in loaded" "logins/s"
for round in $(seq "$ROUNDS"); do
    idle_memory=$(page_p99 "$PAGE")
    idle_router=$(page_p99 "$PAGE" "$session")
    logins $((2 * SECONDS_PER_RUN + 4)) > "$WORK/logins.txt" &
    LOGIN_PID=$!
    sleep 2
    loaded_memory=$(page_p99 "$PAGE")
    loaded_router=$(page_p99 "$PAGE" "$session")
    wait "$LOGIN_PID"
    wait_quiet "$SERVER_PID"  # wrk stops with 20 logins still queued for the hashing pool
    rate=$(cat "$WORK/logins.txt")
    printf '%-6s %14.2f %14.2f %14.2f %14.2f %10s\n' "$round" "$idle_memory" "$loaded_memory" "$idle_router" \
        "$loaded_router" "$rate"
    echo "$idle_memory $loaded_memory $idle_router $loaded_router $rate" >> "$WORK/rounds.txt"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
column_median() { awk -v c="$1" '{print $c}' "$WORK/rounds.txt" | median; }
printf '\n%-34s %12s %14s %8s  %s\n' "profile page (median of $ROUNDS)" "idle p99 ms" "20 logins p99" "ratio" \
    "target"
for row in "logged out (from memory)|1|2" "logged in (router, session)|3|4"; do
    IFS='|' read -r label idle_column loaded_column <<<"$row"
    idle=$(column_median "$idle_column")
    loaded=$(column_median "$loaded_column")
    ratio=$(awk -v a="$loaded" -v b="$idle" 'BEGIN {printf "%.2f", a / b}')
    target=$(awk -v r="$ratio" 'BEGIN {print (r <= 2) ? "≤ 2×: met" : "≤ 2×: MISSED"}')
    printf '%-34s %12.2f %14.2f %8s  %s\n' "$label" "$idle" "$loaded" "$ratio" "$target"
done
echo "logins/s during the loaded runs (scrypt N = 2^15, 20 connections, median): $(column_median 5)"
