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
    local rps p99 errors requests
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")
    p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/, "", v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v*=1000}; print v}' <<<"$output")
    errors=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$output")
    requests=$(awk '/ requests in / {print $1}' <<<"$output")
    echo "$name $rps $p99 ${errors:-0} ${requests:-0}"
}

# CPU time a process has used, user and system, in clock ticks.
cpu_ticks() { # pid
    awk '{print $14 + $15}' "/proc/$1/stat"
}

# Waits (at most 45 s) until the funnel of every server whose metrics port is given holds no counts for its next
# flush (`sprucelink_funnel_pending_link_days` at 0): after a burst the flusher waits up to 30 s before it writes
# (FunnelPacing), and its flush must land on no other measurement.
wait_flushed() { # metrics-port...
    local port value waiting
    for _ in $(seq 45); do
        waiting=0
        for port in "$@"; do
            value=$(curl -sf "http://127.0.0.1:$port/metrics" |
                awk '$1 == "sprucelink_funnel_pending_link_days" {print $2}')
            if [ -n "$value" ] && awk -v v="$value" 'BEGIN {exit !(v > 0)}'; then waiting=1; fi
        done
        [ "$waiting" = 0 ] && return
        sleep 1
    done
}

# Waits (at most a minute) until every process given used under 5 % of a core over one second: what a run left
# behind (a funnel flush, queued password hashes) then lands on no other measurement.
wait_quiet() { # pid...
    local pid after busy limit
    local -A before
    limit=$(($(getconf CLK_TCK) / 20))
    for _ in $(seq 60); do
        busy=0
        before=()
        for pid in "$@"; do before[$pid]=$(cpu_ticks "$pid"); done
        sleep 1
        for pid in "$@"; do
            after=$(cpu_ticks "$pid")
            [ $((after - before[$pid])) -lt "$limit" ] || busy=1
        done
        [ "$busy" = 0 ] && return
    done
}

# Seeds the fixture clinics into a new SQLite file and mints `count` numeric links of organization 1; their codes
# go to `codes`, one a line.
seed_links() { # bin database count codes
    SPRUCELINK_SEED_PASSWORD="bench password only" "$1" seed --database "$2" >/dev/null
    "$1" link mint --database "$2" --org 1 --count "$3" --label "bench" --json \
        | python3 -c 'import json, sys; print("\n".join(link["code"] for link in json.load(sys.stdin)))' > "$4"
}

# Waits until a server answers its health check and its link directory has loaded (it loads in the background at
# start): the service is measured as it runs, with the directory loaded.
wait_ready() { # port metrics-port
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && break; sleep 0.1; done
    for _ in $(seq 300); do
        curl -sf "http://127.0.0.1:$2/healthz" | grep -q '"linkDirectory":"current"' && break
        sleep 0.1
    done
    curl -sf "http://127.0.0.1:$2/healthz"; echo
}

# Renders the QR image of every code in `codes` once, so that the QR runs measure serving from the image cache.
fill_qr_cache() { # port codes
    python3 - "$1" "$2" <<'PY'
import sys, requests
session = requests.Session()
for code in open(sys.argv[2]).read().split():
    assert session.get(f"http://127.0.0.1:{sys.argv[1]}/{code}/qr.png").status_code == 200
PY
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
