# Shared by the HTTP benchmarks: the work folder and its servers' clean-up, and one wrk run reduced to numbers.
# wrk prints "Requests/sec: N" and, with --latency, "99%  1.23ms"; both become numbers here (p99 in ms).
measure() { # name url [codes prefix suffix]
    local name=$1 url=$2 output
    if [ $# -gt 2 ]; then
        output=$(HTTP_BENCH_CODES=$3 HTTP_BENCH_PREFIX=$4 HTTP_BENCH_SUFFIX=$5 \
            wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency -s Benchmarks/http_codes.lua "$url")
    else
        output=$(wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency "$url")
    fi
    local rps p99 errors
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")
    p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/, "", v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v*=1000}; print v}' <<<"$output")
    errors=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$output")
    echo "$name $rps $p99 ${errors:-0}"
}

# The benchmark's work folder ($WORK, world-readable for nginx's workers) and the servers it starts ($PIDS, each
# appended as started): at exit the servers are stopped and the folder removed (kept with KEEP_WORK=1).
bench_work() { # name
    WORK=$(mktemp -d "/tmp/sprucelink-$1-bench.XXXXXX")
    chmod 755 "$WORK"
    PIDS=()
    trap bench_cleanup EXIT
}
bench_cleanup() {
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
