# Shared by the HTTP benchmarks: one wrk run, reduced to "name req/s p99-ms non-2xx".
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

