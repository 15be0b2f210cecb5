#!/usr/bin/env bash
# The funnel's cost with both servers under load at the same time (issue 15): `sprucelink serve` as deployed
# (counting, JSON request log to a file) and `serve --no-analytics` (request log to a file), each with its own wrk
# (32 connections, one thread) started together on the same endpoint, so the machine's slow and fast spells fall on
# both alike. `run-http.sh` measures them one after the other; there a control that does the same work on both
# servers (the cached QR image) moved by up to ±25 % from one 8-second pair to the next.
# No pause between measurements: flushes land where they fall, as under steady traffic, and every one is counted.
# Prints per endpoint the median, lowest and highest of the rounds' ratios (counting ÷ uncounted req/s), and both
# servers' CPU per request over the whole run once the last counts are flushed.
# Expects `swift build -c release --product sprucelink` to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/wrk-lib.sh

BIN=${HTTP_BENCH_BIN:-$(swift build -c release --show-bin-path)/sprucelink}
SECONDS_PER_RUN=${FUNNEL_AB_SECONDS:-10}
ROUNDS=${FUNNEL_AB_ROUNDS:-10}
LINKS=${HTTP_BENCH_LINKS:-100000}
COUNTED_PORT=${FUNNEL_AB_PORT:-18180}
UNCOUNTED_PORT=$((COUNTED_PORT + 1))
COUNTED_METRICS=$((COUNTED_PORT + 2))
UNCOUNTED_METRICS=$((COUNTED_PORT + 3))
[ -x "$BIN" ] || { echo "missing $BIN: run swift build -c release --product sprucelink" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed: make deps" >&2; exit 1; }

bench_work funnel-ab
echo "seeding $LINKS links into $WORK/bench.sqlite ..."
seed_links "$BIN" "$WORK/bench.sqlite" "$LINKS" "$WORK/codes.txt"
head -1000 "$WORK/codes.txt" > "$WORK/qr-codes.txt"

"$BIN" serve --database "$WORK/bench.sqlite" --host 127.0.0.1 --port "$COUNTED_PORT" \
    --public-url https://spruce.care --metrics-port "$COUNTED_METRICS" 2> "$WORK/counted.log" &
COUNTED_PID=$!
PIDS+=($!)
"$BIN" serve --database "$WORK/bench.sqlite" --host 127.0.0.1 --port "$UNCOUNTED_PORT" --no-analytics \
    --public-url https://spruce.care --metrics-port "$UNCOUNTED_METRICS" 2> "$WORK/uncounted.log" &
UNCOUNTED_PID=$!
PIDS+=($!)
wait_ready "$COUNTED_PORT" "$COUNTED_METRICS"
wait_ready "$UNCOUNTED_PORT" "$UNCOUNTED_METRICS"
for port in "$COUNTED_PORT" "$UNCOUNTED_PORT"; do fill_qr_cache "$port" "$WORK/qr-codes.txt"; done

# Both wrk runs of one endpoint at once; prints "name counted-req/s uncounted-req/s counted-requests
# uncounted-requests".
wrk_totals() { # wrk-output-file: "requests/s requests"
    awk '/^Requests\/sec:/ {rps = $2} / requests in / {n = $1} END {print rps, n}' "$1"
}
both() { # name seconds codes prefix suffix
    local name=$1 seconds=$2 codes=$3 prefix=$4 suffix=$5 port clients=()
    for port in "$COUNTED_PORT" "$UNCOUNTED_PORT"; do
        HTTP_BENCH_CODES=$codes HTTP_BENCH_PREFIX=$prefix HTTP_BENCH_SUFFIX=$suffix \
            wrk -t1 -c32 -d"${seconds}s" -s Benchmarks/http_codes.lua "http://127.0.0.1:$port" > "$WORK/wrk-$port.txt" &
        clients+=($!)
    done
    wait "${clients[@]}"
    local counted uncounted
    counted=$(wrk_totals "$WORK/wrk-$COUNTED_PORT.txt")
    uncounted=$(wrk_totals "$WORK/wrk-$UNCOUNTED_PORT.txt")
    echo "$name ${counted% *} ${uncounted% *} ${counted#* } ${uncounted#* }"
}
endpoints() { # seconds
    both resolve-json "$1" "$WORK/codes.txt" /api/v1/links/ ""
    both profile-page "$1" "$WORK/codes.txt" / ""
    both qr-png-cached "$1" "$WORK/qr-codes.txt" / /qr.png
}
echo "warming up ..."
endpoints 3 >/dev/null

: > "$WORK/results.txt"
counted_before=$(cpu_ticks "$COUNTED_PID")
uncounted_before=$(cpu_ticks "$UNCOUNTED_PID")
for round in $(seq "$ROUNDS"); do
    echo "round $round: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    endpoints "$SECONDS_PER_RUN" | tee -a "$WORK/results.txt" | sed "s/^/round $round: /"
done
wait_flushed "$COUNTED_METRICS"
wait_quiet "$COUNTED_PID" "$UNCOUNTED_PID"
counted_after=$(cpu_ticks "$COUNTED_PID")
uncounted_after=$(cpu_ticks "$UNCOUNTED_PID")

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
printf '\nthe funnel, both servers under load at once: %s rounds of %s s\n' "$ROUNDS" "$SECONDS_PER_RUN"
printf '%-16s %10s %10s %8s %8s %8s  %s\n' endpoint counting uncounted ratio lowest highest target
for name in resolve-json profile-page qr-png-cached; do
    awk -v n="$name" '$1 == n {print $2 / $3}' "$WORK/results.txt" > "$WORK/ratios-$name.txt"
    on=$(awk -v n="$name" '$1 == n {print $2}' "$WORK/results.txt" | median)
    off=$(awk -v n="$name" '$1 == n {print $3}' "$WORK/results.txt" | median)
    ratio=$(median < "$WORK/ratios-$name.txt")
    printf '%-16s %10.0f %10.0f %8.3f %8.3f %8.3f  %s\n' "$name" "$on" "$off" "$ratio" \
        "$(sort -g "$WORK/ratios-$name.txt" | head -1)" "$(sort -g "$WORK/ratios-$name.txt" | tail -1)" \
        "$(awk -v r="$ratio" 'BEGIN {print (r >= 0.95) ? "≥ 0.95×: met" : "≥ 0.95×: MISSED"}')"
done
echo "(req/s: medians over the rounds; ratio: the median of the rounds' ratios, counting ÷ uncounted)"
ticks=$(getconf CLK_TCK)
requests_of() { awk -v c="$1" '{sum += $c} END {print sum}' "$WORK/results.txt"; }
counted_cpu=$(awk -v a="$counted_after" -v b="$counted_before" -v r="$(requests_of 4)" -v t="$ticks" \
    'BEGIN {printf "%.2f", (a - b) / t * 1e6 / r}')
uncounted_cpu=$(awk -v a="$uncounted_after" -v b="$uncounted_before" -v r="$(requests_of 5)" -v t="$ticks" \
    'BEGIN {printf "%.2f", (a - b) / t * 1e6 / r}')
printf '%-16s %10s %10s %8s\n' "CPU µs/request" "$counted_cpu" "$uncounted_cpu" \
    "$(awk -v a="$counted_cpu" -v b="$uncounted_cpu" 'BEGIN {printf "%.3f", b / a}')"
echo "(every round and endpoint, every flush included; uncounted ÷ counting, as the throughputs)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
