#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmarks VT Relay against nginx proxy_cache on this machine, loopback only.
#
#   bench/run.sh [--build-dir DIR] [--no-build] [--duration SECONDS] [--rounds N]
#                [--connections N] [--threads N] [--requests N] [--seed N] [--out DIR]
#
# The script builds vtrelay (Release, no GUI, no tests) into --build-dir (default
# build-bench/) unless --no-build is given. It then starts the VirusTotal emulator, the relay
# and a private nginx, whose config, pid file, logs and cache live in a temporary folder.
# Part 1 replays bench/workload.py against each (upstream calls, client latency).
# Part 2 measures cache hits of one v3 file report with wrk against each, in --rounds rounds
# (default 3) that alternate relay and nginx, and reports the median round.
# Everything the script started is stopped on exit. --out DIR keeps the logs and raw results.
# It needs nginx (Debian nginx-light), wrk, python3 and curl.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=$ROOT/build-bench
BUILD=1
DURATION=10
ROUNDS=3
CONNECTIONS=64
THREADS=2
REQUESTS=2000
SEED=1
OUT=

usage() { awk 'NR >= 3 && /^#/ { sub(/^# ?/, ""); print; next } NR >= 3 { exit }' "$0"; }

while [ $# -gt 0 ]; do
    case $1 in
        --build-dir) BUILD_DIR=$(realpath -m "$2"); shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --duration) DURATION=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --requests) REQUESTS=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --out) OUT=$(realpath -m "$2"); shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done
for n in "$DURATION" "$ROUNDS" "$CONNECTIONS" "$THREADS" "$REQUESTS" "$SEED"; do
    case $n in ''|*[!0-9]*) echo "run.sh: expected a non-negative integer, got '$n'" >&2; exit 2 ;; esac
done
if [ "$DURATION" -lt 1 ] || [ "$DURATION" -gt 60 ]; then
    echo "run.sh: --duration must be 1 to 60 seconds" >&2; exit 2
fi
if [ "$ROUNDS" -lt 1 ] || [ "$ROUNDS" -gt 5 ]; then
    echo "run.sh: --rounds must be 1 to 5" >&2; exit 2
fi

for tool in nginx wrk python3 curl; do
    command -v "$tool" >/dev/null || {
        echo "run.sh: $tool is missing; install it with: apt-get install nginx-light wrk python3 curl" >&2
        exit 1
    }
done
NGINX=$(command -v nginx)

VTRELAY=$BUILD_DIR/app/vtrelay
if [ "$BUILD" = 1 ]; then
    echo "== building vtrelay into $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DVTRELAY_BUILD_GUI=OFF -DVTRELAY_BUILD_TESTS=OFF >/dev/null
    cmake --build "$BUILD_DIR" -j2 >/dev/null
fi
[ -x "$VTRELAY" ] || { echo "run.sh: $VTRELAY does not exist; build it or drop --no-build" >&2; exit 1; }

WORK=$(mktemp -d /tmp/vtrelay-bench.XXXXXX)
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [ -n "$OUT" ]; then
        mkdir -p "$OUT"
        cp "$WORK"/*.json "$WORK"/*.txt "$WORK"/*.log "$OUT"/ 2>/dev/null || true
        cp "$WORK/nginx/error.log" "$OUT/nginx-error.log" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Drops a stopped process from the list that cleanup stops.
forget_pid() {
    local kept=() pid
    for pid in "${PIDS[@]}"; do
        [ "$pid" = "$1" ] || kept+=("$pid")
    done
    PIDS=("${kept[@]}")
}

# A throwaway key for the emulator, the relay and nginx. It is used only in this run.
KEY=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_for FILE PATTERN waits up to 10 s for PATTERN to appear in FILE.
wait_for() {
    for _ in $(seq 1 100); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "run.sh: timed out waiting for '$2' in $1:" >&2
    tail -n 20 "$1" >&2 || true
    return 1
}

echo "== starting the emulator, the relay and nginx in $WORK"
VT_EMULATOR_KEY=$KEY python3 "$ROOT/tests/emulator/vt_emulator.py" --port 0 \
    >"$WORK/emulator.out" 2>"$WORK/emulator.log" &
PIDS+=($!)
EMU_PID=$!
wait_for "$WORK/emulator.out" '^LISTENING '
EMU_PORT=$(awk '/^LISTENING /{print $2; exit}' "$WORK/emulator.out")
EMU=http://127.0.0.1:$EMU_PORT

RELAY_RUN=0
start_relay() {
    RELAY_RUN=$((RELAY_RUN + 1))
    mkdir -p "$WORK/relay-cache-$RELAY_RUN"
    VTRELAY_API_KEY=$KEY "$VTRELAY" --headless --listen 127.0.0.1:0 --upstream "$EMU" \
        --cache-dir "$WORK/relay-cache-$RELAY_RUN" --quota-per-minute 1000000 --quota-per-day 100000000 \
        --quota-per-month 1000000000 2>"$WORK/relay-$RELAY_RUN.log" &
    PIDS+=($!)
    RELAY_PID=$!
    wait_for "$WORK/relay-$RELAY_RUN.log" 'listening on http://127.0.0.1:'
    RELAY_PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$WORK/relay-$RELAY_RUN.log" | head -n 1)
    RELAY=http://127.0.0.1:$RELAY_PORT
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "$RELAY/" && return 0
        sleep 0.1
    done
    echo "run.sh: the relay did not respond on $RELAY; the end of its log:" >&2
    tail -n 20 "$WORK/relay-$RELAY_RUN.log" >&2
    return 1
}
# A new relay with an empty cache folder.
restart_relay() {
    kill "$RELAY_PID"
    for _ in $(seq 1 50); do
        kill -0 "$RELAY_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$RELAY_PID" 2>/dev/null || true
    wait "$RELAY_PID" 2>/dev/null || true
    forget_pid "$RELAY_PID"
    start_relay
}
start_relay

NGINX_PORT=$(free_port)
NGINX_URL=http://127.0.0.1:$NGINX_PORT
mkdir -p "$WORK/nginx/cache" "$WORK/nginx/temp"
NGINX_USER=
if [ "$(id -u)" = 0 ]; then
    # As root, nginx runs its workers as the user nobody, who must be able to write the cache.
    chmod 755 "$WORK" "$WORK/nginx"
    chown -R nobody:nogroup "$WORK/nginx/cache" "$WORK/nginx/temp"
    NGINX_USER="user nobody nogroup;"
fi
cat >"$WORK/nginx/nginx.conf" <<EOF
$NGINX_USER
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log $WORK/nginx/access.log;
    client_body_temp_path $WORK/nginx/temp/body;
    proxy_temp_path $WORK/nginx/temp/proxy;
    fastcgi_temp_path $WORK/nginx/temp/fastcgi;
    uwsgi_temp_path $WORK/nginx/temp/uwsgi;
    scgi_temp_path $WORK/nginx/temp/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    proxy_cache_path $WORK/nginx/cache levels=1:2 keys_zone=vt:10m max_size=1g inactive=1d use_temp_path=off;
    upstream emulator {
        server 127.0.0.1:$EMU_PORT;
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://emulator;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header x-apikey "$KEY";
            # Cache one plain variant, keyed on the URI alone.
            proxy_set_header Accept-Encoding "";
            proxy_cache vt;
            proxy_cache_key \$request_uri;
            proxy_cache_valid 200 404 1d;
            proxy_ignore_headers Cache-Control Expires Set-Cookie Vary X-Accel-Expires;
            proxy_cache_lock on;
            add_header X-Cache \$upstream_cache_status;
        }
    }
}
EOF
"$NGINX" -t -q -e "$WORK/nginx/error.log" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
start_nginx() {
    "$NGINX" -e "$WORK/nginx/error.log" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' \
        2>>"$WORK/nginx/error.log" &
    PIDS+=($!)
    NGINX_PID=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "$NGINX_URL/" && return 0
        sleep 0.1
    done
    echo "run.sh: nginx did not respond on $NGINX_URL; the end of its error log:" >&2
    tail -n 20 "$WORK/nginx/error.log" >&2
    return 1
}
# A new nginx with an empty cache (a reload would keep the keys in shared memory).
restart_nginx() {
    kill -QUIT "$NGINX_PID"
    for _ in $(seq 1 50); do
        kill -0 "$NGINX_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
    forget_pid "$NGINX_PID"
    find "$WORK/nginx/cache" -mindepth 1 -delete
    start_nginx
}
start_nginx

# Fails the run when a server has stopped, for example because another process signalled it.
# The message shows the end of that server's log.
check_servers() {
    local name pid log
    for name in relay nginx emulator; do
        case $name in
            relay) pid=$RELAY_PID log=$WORK/relay-$RELAY_RUN.log ;;
            nginx) pid=$NGINX_PID log=$WORK/nginx/error.log ;;
            emulator) pid=$EMU_PID log=$WORK/emulator.log ;;
        esac
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "run.sh: the $name (pid $pid) stopped during the benchmark; the end of its log:" >&2
            tail -n 5 "$log" >&2
            exit 1
        fi
    done
}

load() { cut -d' ' -f1-3 /proc/loadavg; }

# CPU seconds (user + system) used so far by the given processes.
cpu_seconds() {
    local total=0 pid ticks
    for pid in "$@"; do
        ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
        total=$((total + ticks))
    done
    awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

upstream_calls() {
    curl -s "$EMU/_emulator/stats" | python3 -c 'import json, sys; print(json.load(sys.stdin)["api_calls"])'
}

# ---- part 1: the analyst workload ---------------------------------------------------------
echo "== part 1: analyst workload, $REQUESTS lookups (load $(load))"
# Each pass starts cold: the second one (a client that accepts gzip) gets a new relay and a
# new nginx, both with empty caches.
workload() {  # NAME URL [--gzip]
    python3 "$ROOT/bench/workload.py" --base "$2" --emulator "$EMU" --requests "$REQUESTS" \
        --seed "$SEED" --label "$1" --json "$WORK/workload-$1.json" ${3:-} || { check_servers; exit 1; }
    check_servers
}
workload relay "$RELAY"
workload nginx "$NGINX_URL"
restart_relay
restart_nginx
workload relay-gzip "$RELAY" --gzip
workload nginx-gzip "$NGINX_URL" --gzip

# ---- part 2: cache-hit throughput -------------------------------------------------------
SHA256=$(python3 -c 'import hashlib; print(hashlib.sha256(b"vtrelay-sample-0").hexdigest())')
REPORT_PATH=/api/v3/files/$SHA256
for base in "$RELAY" "$NGINX_URL"; do
    curl -s -o /dev/null "$base$REPORT_PATH"
    outcome=$(curl -s -o /dev/null -D - "$base$REPORT_PATH" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache"{print $2}')
    if [ "$outcome" != HIT ]; then
        echo "run.sh: $base$REPORT_PATH is not a cache hit (X-Cache: ${outcome:-none})" >&2
        exit 1
    fi
done
BYTES_PLAIN=$(curl -s "$RELAY$REPORT_PATH" | wc -c)
BYTES_NGINX=$(curl -s "$NGINX_URL$REPORT_PATH" | wc -c)
BYTES_GZIP=$(curl -s -H 'Accept-Encoding: gzip' "$RELAY$REPORT_PATH" | wc -c)
echo "== part 2: cache hits of $REPORT_PATH ($BYTES_PLAIN B plain from the relay, $BYTES_NGINX B from nginx, $BYTES_GZIP B gzip from the relay)"

nginx_pids() { echo "$NGINX_PID" $(pgrep -P "$NGINX_PID" || true); }

# run_wrk NAME URL PIDS [HEADER]
run_wrk() {
    local name=$1 url=$2 pids=$3 header=${4:-} before_calls after_calls cpu0 cpu1 load0
    local -a extra=()
    [ -n "$header" ] && extra=(-H "$header")
    before_calls=$(upstream_calls)
    load0=$(load)
    cpu0=$(cpu_seconds $pids)
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "${extra[@]}" "$url" \
        >"$WORK/wrk-$name.txt" 2>&1
    check_servers
    cpu1=$(cpu_seconds $pids)
    after_calls=$(upstream_calls)
    python3 - "$WORK/wrk-$name.txt" "$name" "$load0" "$cpu0" "$cpu1" "$((after_calls - before_calls))" \
        "$DURATION" >"$WORK/wrk-$name.json" <<'PY'
import json, re, sys
path, name, load, cpu0, cpu1, calls, duration = sys.argv[1:]
text = open(path).read()

def ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

def find(pattern):
    match = re.search(pattern, text, re.M)
    return match.group(1) if match else None

rps = float(find(r"^Requests/sec:\s+([\d.]+)") or 0)
requests = int(find(r"^\s*(\d+) requests in") or 0)
cpu = float(cpu1) - float(cpu0)
print(json.dumps({
    "name": name,
    "requests_per_s": rps,
    "requests": requests,
    "p50_ms": ms(find(r"^\s+50%\s+(\S+)")),
    "p99_ms": ms(find(r"^\s+99%\s+(\S+)")),
    "non_2xx": int(find(r"Non-2xx or 3xx responses:\s+(\d+)") or 0),
    "socket_errors": find(r"Socket errors: (.*)$") or "none",
    "server_cpu_s": round(cpu, 2),
    "server_cpu_us_per_request": round(cpu * 1e6 / requests, 1) if requests else None,
    "upstream_calls": int(calls),
    "load_before": load,
}))
PY
    echo "   $name: $(cat "$WORK/wrk-$name.json")"
}

for round in $(seq 1 "$ROUNDS"); do
    run_wrk "relay-plain-$round" "$RELAY$REPORT_PATH" "$RELAY_PID"
    run_wrk "nginx-plain-$round" "$NGINX_URL$REPORT_PATH" "$(nginx_pids)"
    run_wrk "relay-gzip-$round" "$RELAY$REPORT_PATH" "$RELAY_PID" 'Accept-Encoding: gzip'
    run_wrk "nginx-gzip-$round" "$NGINX_URL$REPORT_PATH" "$(nginx_pids)" 'Accept-Encoding: gzip'
done

# ---- results -------------------------------------------------------------------------------
python3 - "$WORK" "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS" <<'PY'
import json, os, sys
work, threads, connections, duration, rounds = sys.argv[1:]
load = lambda name: json.load(open(os.path.join(work, name)))
passes = [load("workload-%s.json" % name) for name in ("relay", "nginx", "relay-gzip", "nginx-gzip")]
first = passes[0]
print()
print("Upstream calls, %d lookups of %d distinct files (%d spellings, %d in bursts), each pass from a cold cache"
      % (first["requests_planned"], first["distinct_files"], first["distinct_spellings"], first["burst_requests"]))
print("| target | client | upstream calls | distinct files | distinct spellings | status 200 | client p50 ms "
      "| client p99 ms | wall s |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for r in passes:
    client = "Accept-Encoding: gzip" if r["accept_gzip"] else "no Accept-Encoding"
    print("| %s | %s | %d | %d | %d | %d | %.2f | %.2f | %.2f |"
          % (r["label"].split("-")[0], client, r["upstream_calls"], r["distinct_files"], r["distinct_spellings"],
             r["statuses"].get("200", 0), r["latency_ms"]["p50"], r["latency_ms"]["p99"], r["wall_s"]))
print()
print("Cache hits, one v3 file report, wrk -t%s -c%s -d%ss, median of %s rounds by req/s (range in brackets)"
      % (threads, connections, duration, rounds))
print("| target | client | req/s | p50 ms | p99 ms | server CPU us/req | upstream calls | errors | load before |")
print("|---|---|---:|---:|---:|---:|---:|---|---|")
for name in ("relay-plain", "nginx-plain", "relay-gzip", "nginx-gzip"):
    runs = sorted((load("wrk-%s-%d.json" % (name, i)) for i in range(1, int(rounds) + 1)),
                  key=lambda w: w["requests_per_s"])
    w = runs[(len(runs) - 1) // 2]
    target, client = name.split("-")
    client = "Accept-Encoding: gzip" if client == "gzip" else "no Accept-Encoding"
    non_2xx = sum(r["non_2xx"] for r in runs)
    socket_errors = [r["socket_errors"] for r in runs if r["socket_errors"] != "none"]
    errors = "none" if non_2xx == 0 and not socket_errors else "%d non-2xx; %s" % (non_2xx, "; ".join(socket_errors))
    print("| %s | %s | %.0f (%.0f-%.0f) | %.2f | %.2f | %s | %d | %s | %s |"
          % (target, client, w["requests_per_s"], runs[0]["requests_per_s"], runs[-1]["requests_per_s"],
             w["p50_ms"], w["p99_ms"], w["server_cpu_us_per_request"], sum(r["upstream_calls"] for r in runs),
             errors, w["load_before"]))
PY
echo
echo "load average at the end: $(load); nproc $(nproc)"
