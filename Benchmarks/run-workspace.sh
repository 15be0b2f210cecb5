#!/usr/bin/env bash
# The practice workspace's cost to the public side, and a large CSV upload end to end. In one run of `sprucelink
# serve` as deployed (release build, seeded SQLite with extra links, JSON request log on, to a file):
#   (a) the HTTP benchmark's resolve JSON and profile page (wrk, 64 connections, random codes) alone, and while 20
#       staff sessions (logged in at the start) browse the workspace in parallel: a second wrk, one connection per
#       session, cycling the links, invite, invitations and link pages with a think time between two requests of a
#       connection (WORKSPACE_BENCH_THINK_MS, 500 ms: 40 pages/s in all). Rounds alternate alone/with, medians;
#       prints the ratio (target ≥ 0.90×);
#   (b) a 10 000-row CSV (generated, one new patient a row, by email: QR PNG inline) uploaded through
#       POST /workspace/invite/csv with an admin's session cookie and CSRF token, then the job's page polled until
#       its results; invitations/s from the upload's start to the results, against `sprucelink invite batch` of
#       the same rows into an outbox (a copy of the same database) measured in the same run (target ≥ 500/s).
# Expects `swift build -c release --product sprucelink` to have run (make bench does it).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/wrk-lib.sh

BIN=${HTTP_BENCH_BIN:-$(swift build -c release --show-bin-path)/sprucelink}
SECONDS_PER_RUN=${WORKSPACE_BENCH_SECONDS:-8}
ROUNDS=${WORKSPACE_BENCH_ROUNDS:-3}
LINKS=${WORKSPACE_BENCH_LINKS:-20000}
ROWS=${WORKSPACE_BENCH_ROWS:-10000}
SESSIONS=${WORKSPACE_BENCH_SESSIONS:-20}
export WORKSPACE_THINK_MS=${WORKSPACE_BENCH_THINK_MS:-500}
PORT=${WORKSPACE_BENCH_PORT:-18280}
METRICS_PORT=$((PORT + 1))
[ -x "$BIN" ] || { echo "missing $BIN: run swift build -c release --product sprucelink" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed: make deps" >&2; exit 1; }

bench_work workspace
now() { date +%s.%N; }

PASSWORD="bench password only"
echo "seeding, and $LINKS links into $WORK/bench.sqlite ..."
SPRUCELINK_SEED_PASSWORD="$PASSWORD" "$BIN" seed --database "$WORK/bench.sqlite" >/dev/null
"$BIN" link mint --database "$WORK/bench.sqlite" --org 1 --count "$LINKS" --label "bench" --json \
    | python3 -c 'import json, sys; print("\n".join(link["code"] for link in json.load(sys.stdin)))' > "$WORK/codes.txt"
cp "$WORK/bench.sqlite" "$WORK/cli.sqlite"
python3 - "$ROWS" "$WORK/patients.csv" <<'PY'
import sys
rows, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as out:
    out.write("name,email,phone\n")
    for index in range(1, rows + 1):
        out.write(f"Patient {index},patient-{index}@example.com,\n")
PY

"$BIN" serve --database "$WORK/bench.sqlite" --host 127.0.0.1 --port "$PORT" --public-url https://spruce.care \
    --metrics-port "$METRICS_PORT" --outbox "$WORK/outbox" \
    --login-limit 1000000 --login-account-limit 1000000 --login-account-budget 1000000 2> "$WORK/server.log" &
PIDS+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$METRICS_PORT/healthz" | grep -q '"linkDirectory":"current"' && break
    sleep 0.1
done

log_in() { # login → the spruce_session cookie's value
    local jar form token visitor
    jar=$(mktemp "$WORK/jar.XXXXXX")
    form=$(curl -s -c "$jar" "http://127.0.0.1:$PORT/login")
    token=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' <<<"$form" | head -1)
    visitor=$(awk '$6 == "spruce_visitor" {print $7}' "$jar")
    curl -s -o /dev/null -D - -H "Cookie: spruce_visitor=$visitor" \
        -H "Content-Type: application/x-www-form-urlencoded" \
        --data "login=${1//@/%40}&password=${PASSWORD// /%20}&csrf_token=$token" "http://127.0.0.1:$PORT/login" \
        | sed -n 's/^[Ss]et-[Cc]ookie: spruce_session=\([^;]*\).*/\1/p'
}
: > "$WORK/sessions.txt"
for _ in $(seq "$SESSIONS"); do log_in front.desk@oakstreetpeds.example >> "$WORK/sessions.txt"; done
[ "$(grep -c . "$WORK/sessions.txt")" -eq "$SESSIONS" ] || { echo "staff login failed" >&2; exit 1; }
export WORKSPACE_SESSIONS=$WORK/sessions.txt
probe=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: spruce_session=$(head -1 "$WORK/sessions.txt")" \
    "http://127.0.0.1:$PORT/workspace/invitations")
[ "$probe" = 200 ] || { echo "a staff session cannot open the workspace ($probe)" >&2; exit 1; }

# (a) the public side alone and with the workspace browsed.
echo "warming up ..."
BASE="http://127.0.0.1:$PORT"
HTTP_BENCH_CODES=$WORK/codes.txt HTTP_BENCH_PREFIX=/api/v1/links/ HTTP_BENCH_SUFFIX="" \
    wrk -t2 -c64 -d3s -s Benchmarks/http_codes.lua "$BASE" >/dev/null
wrk -t1 -c"$SESSIONS" -d3s -s Benchmarks/workspace_browse.lua "$BASE" >/dev/null
public() { # label
    measure "$1/resolve-json" "$BASE" "$WORK/codes.txt" /api/v1/links/ ""
    measure "$1/profile-page" "$BASE" "$WORK/codes.txt" / ""
}
browsed() {
    wrk -t1 -c"$SESSIONS" -d$((2 * SECONDS_PER_RUN + 2))s --latency -s Benchmarks/workspace_browse.lua "$BASE" \
        > "$WORK/browse.txt" &
    local browser=$!
    sleep 1
    public browsed
    wait "$browser"
    awk '/^Requests\/sec:/ {rps = $2} $1 == "99%" {p99 = $2} /Non-2xx or 3xx responses:/ {bad = $NF}
        END {print "workspace-pages", rps, p99, bad + 0}' "$WORK/browse.txt"
}
: > "$WORK/results.txt"
for round in $(seq "$ROUNDS"); do
    echo "round $round: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    {
        if (( round % 2 )); then public alone; browsed; else browsed; public alone; fi
    } | tee -a "$WORK/results.txt" | sed "s/^/round $round: /"
done
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
printf '\n(a) the public side alone and with %s staff sessions browsing the workspace (%s ms think time), medians of %s rounds of %s s\n' \
    "$SESSIONS" "$WORKSPACE_THINK_MS" "$ROUNDS" "$SECONDS_PER_RUN"
printf '%-16s %12s %12s %10s %10s %8s  %s\n' "endpoint" "alone req/s" "with req/s" "alone p99" "with p99" "ratio" "target"
for name in resolve-json profile-page; do
    a=$(awk -v n="alone/$name" '$1 == n {print $2}' "$WORK/results.txt" | median)
    b=$(awk -v n="browsed/$name" '$1 == n {print $2}' "$WORK/results.txt" | median)
    ap=$(awk -v n="alone/$name" '$1 == n {print $3}' "$WORK/results.txt" | median)
    bp=$(awk -v n="browsed/$name" '$1 == n {print $3}' "$WORK/results.txt" | median)
    ratio=$(awk -v a="$b" -v b="$a" 'BEGIN {printf "%.2f", a / b}')
    target=$(awk -v r="$ratio" 'BEGIN {print (r >= 0.90) ? "≥ 0.90×: met" : "≥ 0.90×: MISSED"}')
    printf '%-16s %12.0f %12.0f %10.2f %10.2f %8s  %s\n' "$name" "$a" "$b" "$ap" "$bp" "$ratio" "$target"
done
errors=$(awk '$1 ~ /\/(resolve-json|profile-page)$/ {sum += $4} END {print sum + 0}' "$WORK/results.txt")
pages=$(awk '$1 == "workspace-pages" {print $2}' "$WORK/results.txt" | median)
bad=$(awk '$1 == "workspace-pages" {sum += $4} END {print sum + 0}' "$WORK/results.txt")
echo "workspace pages served meanwhile: $pages/s (median), non-2xx: $bad; public non-2xx: $errors"

# (b) the CSV upload through HTTP, against the CLI on the same rows.
echo
echo "(b) $ROWS-row CSV; load average $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(now)
"$BIN" invite batch --database "$WORK/cli.sqlite" --link 4827163 --csv "$WORK/patients.csv" \
    --outbox "$WORK/cli-outbox" --public-url https://spruce.care > "$WORK/cli.txt" 2>/dev/null
cli_seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN {print b - a}')
cli_sent=$(sed -n 's/^sent \([0-9]*\),.*/\1/p' "$WORK/cli.txt")
admin=$(log_in maya.chen@oakstreetpeds.example)
[ -n "$admin" ] || { echo "admin login failed" >&2; exit 1; }
token=$(curl -s -H "Cookie: spruce_session=$admin" "$BASE/workspace/invite" \
    | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
start=$(now)
job=$(curl -s -o /dev/null -w '%{redirect_url}' -H "Cookie: spruce_session=$admin" \
    -F "csrf_token=$token" -F link=4827163 -F "csv=@$WORK/patients.csv;type=text/csv" "$BASE/workspace/invite/csv")
upload_seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN {print b - a}')
[[ "$job" == */workspace/invite/jobs/* ]] || { echo "the upload was not answered with a job: '$job'" >&2; exit 1; }
polls=0
while :; do
    curl -s -H "Cookie: spruce_session=$admin" "$job" > "$WORK/job.html"
    polls=$((polls + 1))
    grep -q 'id="summary"' "$WORK/job.html" && break
    sleep 0.2
done
http_seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN {print b - a}')
summary=$(sed -n 's/.*id="summary">\([^<]*\)<.*/\1/p' "$WORK/job.html")
http_sent=$(sed -n 's/^\([0-9]*\) sent.*/\1/p' <<<"$summary")
report_lines=$(curl -s -H "Cookie: spruce_session=$admin" "$job/report.csv" | grep -c ',sent,' || true)
printf '%-44s %8s %10s %14s\n' "path" "sent" "seconds" "invitations/s"
printf '%-44s %8s %10.2f %14.0f\n' "sprucelink invite batch (CLI, outbox)" "$cli_sent" "$cli_seconds" \
    "$(awk -v n="$cli_sent" -v s="$cli_seconds" 'BEGIN {print n / s}')"
printf '%-44s %8s %10.2f %14.0f\n' "HTTP upload, job, results (end to end)" "$http_sent" "$http_seconds" \
    "$(awk -v n="$http_sent" -v s="$http_seconds" 'BEGIN {print n / s}')"
rate=$(awk -v n="$http_sent" -v s="$http_seconds" 'BEGIN {print n / s}')
echo "upload answered (parse, check, 303) in $(printf '%.2f' "$upload_seconds") s; $polls polls of the job page;" \
    "summary: $summary; report: $report_lines sent lines; outbox: $(ls "$WORK/outbox/new" | wc -l) emails"
printf 'HTTP against CLI: %.2f×; target ≥ 500 invitations/s end to end: %s\n' \
    "$(awk -v a="$http_seconds" -v b="$cli_seconds" 'BEGIN {print b / a}')" \
    "$(awk -v r="$rate" 'BEGIN {print (r >= 500) ? "met" : "MISSED"}')"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
