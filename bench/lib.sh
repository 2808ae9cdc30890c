# Shared by the benchmarks in bench/ (sourced, not run): the work folder, a Release publish of Atelier, starting and
# stopping Atelier, nginx and a throwaway PostgreSQL on 127.0.0.1, and `measure`, a wrk run whose percentiles
# (p50/p90/p95/p99) come from a Lua `done` hook (wrk's own --latency table has no p95).
#
# Knobs every script understands:
#   DURATION (15) WARMUP (10) CONNECTIONS (100) THREADS (2)  wrk settings of each measured run and its warm-up
#   BENCH_OUT=DIR          work folder (published app, data, logs, results.md); default: a new mktemp -d folder,
#                          removed at the end unless BENCH_KEEP=1. A folder named by BENCH_OUT is kept, minus run data.
#   BENCH_SKIP_PUBLISH=1   reuse BENCH_OUT/app when it already holds atelier.dll
#
# Everything listens on 127.0.0.1 only, every load run is bounded in time, and whatever a script started is stopped
# on exit, also on failure or Ctrl-C.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-10}"
CONNECTIONS="${CONNECTIONS:-100}"
THREADS="${THREADS:-2}"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

# need TOOL... : fails clearly when a tool is missing (the scripts name the packages in their header).
need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || die "$tool is not installed (see the comment at the top of $(basename "$0"))"
    done
}

# bench_init: the work folder ($OUT) and the exit trap. Call once, before anything is started.
BENCH_PIDS=()          # processes to stop on exit (Atelier instances, nginx)
BENCH_ON_EXIT=()       # functions to call on exit (stop_postgres)
BENCH_SCRATCH=()       # folders under a kept BENCH_OUT that hold one run's data
bench_init() {
    need dotnet curl python3
    if [[ -n "${BENCH_OUT:-}" ]]; then
        OUT="$(mkdir -p "$BENCH_OUT" && cd "$BENCH_OUT" && pwd)"
        OUT_IS_OURS=0
    else
        OUT="$(mktemp -d -t atelier-bench.XXXXXX)"
        OUT_IS_OURS=1
    fi
    # nginx's workers (and PostgreSQL) run as unprivileged users when started as root: they must reach their files.
    chmod 755 "$OUT"
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

stop_process() { # pid, name
    local pid="$1" name="$2" _
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    log "$name (pid $pid) did not stop within 10 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

bench_cleanup() {
    local rc=$? pid cmd
    set +e
    for pid in "${BENCH_PIDS[@]}"; do stop_process "$pid" "process"; done
    for cmd in "${BENCH_ON_EXIT[@]}"; do "$cmd"; done
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
        log "kept the work folder $OUT"
    elif [[ "$OUT_IS_OURS" == 1 ]]; then
        rm -rf "$OUT"
    else
        for cmd in "${BENCH_SCRATCH[@]}"; do rm -rf "$cmd"; done
        log "kept $OUT (named by BENCH_OUT); removed its run data"
    fi
    exit "$rc"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for_200 URL PID SECONDS: true once URL answers 200, false when PID exits or time runs out.
wait_for_200() {
    local url="$1" pid="$2" deadline=$((SECONDS + $3))
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || return 1
        [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" || true)" == 200 ]] && return 0
        sleep 0.25
    done
    return 1
}

# publish_atelier: Release build (front end included) in $OUT/app, away from anyone's bin/Debug; sets BUILT_FROM.
publish_atelier() {
    if [[ "${BENCH_SKIP_PUBLISH:-0}" == 1 && -f "$OUT/app/atelier.dll" ]]; then
        log "reusing the published server in $OUT/app"
        BUILT_FROM="$(cat "$OUT/app-commit.txt" 2>/dev/null || echo 'an unknown commit') (reused)"
        return
    fi
    BUILT_FROM="commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    if git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null | grep -q .; then
        BUILT_FROM+=" with uncommitted changes"
    fi
    log "publishing Atelier (Release) to $OUT/app; log in $OUT/publish.log"
    if ! (cd "$REPO" && dotnet publish src/Atelier/Atelier.csproj -c Release -o "$OUT/app" -nologo) >"$OUT/publish.log" 2>&1; then
        tail -n 40 "$OUT/publish.log" >&2
        die "dotnet publish failed (log above; BENCH_KEEP=1 keeps $OUT/publish.log)"
    fi
    echo "$BUILT_FROM" >"$OUT/app-commit.txt"
}

# atelier VERB ARGS...: runs a command-line verb of the published server (Production; its folder is the content root).
atelier() {
    (cd "$OUT/app" && ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production exec dotnet atelier.dll "$@")
}

# start_atelier PORT ARGS...: serves on 127.0.0.1:PORT (rate limits off, logging at Warning), waits for /health/live;
# sets ATELIER_PID. The ARGS are configuration (data folder, database, ...).
start_atelier() {
    local port="$1"; shift
    local logfile="$OUT/atelier-$port.log"
    log "starting Atelier on 127.0.0.1:$port"
    # Not through atelier(): the pid must be dotnet's own (stopped on exit, its CPU counted by run.sh).
    (cd "$OUT/app" && ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production exec dotnet atelier.dll \
        --urls "http://127.0.0.1:$port" --Atelier:PublicUrl "http://127.0.0.1:$port" \
        --Atelier:RateLimits:GlobalPerMinute 0 --Atelier:RateLimits:AuthPerMinute 0 \
        --Logging:LogLevel:Default Warning "$@") >"$logfile" 2>&1 &
    ATELIER_PID=$!
    BENCH_PIDS+=("$ATELIER_PID")
    if ! wait_for_200 "http://127.0.0.1:$port/health/live" "$ATELIER_PID" 60; then
        tail -n 40 "$logfile" >&2
        die "Atelier did not answer 200 on /health/live within 60 s (its log is above)"
    fi
}

# start_nginx DIR: serves the files in DIR on a free port; sets NGINX_PORT and NGINX_PID. worker_processes auto (one per
# core), access_log off, sendfile, and keepalive_requests 1000000 because Kestrel never closes a keep-alive connection
# after a number of requests while nginx's default is 1000.
start_nginx() {
    local html="$1" conf="$OUT/nginx"
    need nginx
    NGINX_PORT="$(free_port)"
    mkdir -p "$conf/tmp"
    chmod -R a+rX "$html"
    cat >"$conf/nginx.conf" <<EOF
worker_processes ${NGINX_WORKERS:-auto};
daemon off;
pid nginx.pid;
error_log error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    client_body_temp_path tmp/client_body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    types { text/html html; application/json json; }
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root "$html";
    }
}
EOF
    nginx -t -q -c "$conf/nginx.conf" -p "$conf" -e "$conf/error.log" >/dev/null 2>"$conf/test.log" \
        || { cat "$conf/test.log" >&2; die "the nginx configuration is not valid"; }
    log "starting nginx on 127.0.0.1:$NGINX_PORT"
    nginx -c "$conf/nginx.conf" -p "$conf" -e "$conf/error.log" &
    NGINX_PID=$!
    BENCH_PIDS+=("$NGINX_PID")
    BENCH_SCRATCH+=("$conf")
    local first; first="$(cd "$html" && ls | head -n 1)"
    wait_for_200 "http://127.0.0.1:$NGINX_PORT/$first" "$NGINX_PID" 10 \
        || { cat "$conf/error.log" >&2; die "nginx did not answer on 127.0.0.1:$NGINX_PORT"; }
}

# start_postgres: a throwaway PostgreSQL 15 cluster in $OUT/pg (default settings, but on a free 127.0.0.1 port and a
# private socket folder), run as the postgres user when we are root, stopped on exit. Sets PG_ADMIN (a connection
# string for the postgres superuser), PG_PORT and PG_VERSION.
PG_AS=()
start_postgres() {
    local bin port
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [[ -x "$bin/initdb" ]] || die "PostgreSQL server binaries are missing (apt-get install postgresql)"
    PG_BIN="$bin"
    # PostgreSQL refuses to run as root; the Debian package's postgres user runs it.
    [[ "$(id -u)" == 0 ]] && PG_AS=(runuser -u postgres --)
    port="$(free_port)"
    rm -rf "$OUT/pg"; mkdir -p "$OUT/pg"
    [[ "$(id -u)" == 0 ]] && chown postgres:postgres "$OUT/pg"
    log "starting PostgreSQL on 127.0.0.1:$port (data in $OUT/pg)"
    "${PG_AS[@]}" "$bin/initdb" -D "$OUT/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$OUT/pg-initdb.log" 2>&1 \
        || { cat "$OUT/pg-initdb.log" >&2; die "initdb failed"; }
    BENCH_ON_EXIT+=(stop_postgres)
    BENCH_SCRATCH+=("$OUT/pg")
    "${PG_AS[@]}" "$bin/pg_ctl" -D "$OUT/pg/data" -l "$OUT/pg/server.log" -w -t 60 \
        -o "-p $port -k $OUT/pg -c listen_addresses=127.0.0.1 -c max_connections=200 ${PG_OPTIONS:-}" start >/dev/null \
        || { cat "$OUT/pg/server.log" >&2; die "PostgreSQL did not start"; }
    PG_PORT="$port"
    PG_ADMIN="Host=127.0.0.1;Port=$port;Username=postgres"
    PG_VERSION="$("$bin/postgres" --version)"
}

stop_postgres() {
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$OUT/pg/data" -m fast stop >/dev/null 2>&1 || true
}

# psql_exec DATABASE SQL: runs SQL through psql (-X, stop on error) against the throwaway server.
psql_exec() {
    psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -c "$2"
}

# pg_database NAME: creates the database on the throwaway server; prints its connection string.
pg_database() {
    psql_exec postgres "CREATE DATABASE \"$1\"" >&2
    echo "$PG_ADMIN;Database=$1"
}

# machine_busy SECONDS: average cores busy over the next SECONDS (all processes; our servers idle by then).
machine_busy() {
    local a b
    read -r _ a </proc/stat; a=($a)
    sleep "$1"
    read -r _ b </proc/stat; b=($b)
    awk -v n="$(nproc)" -v u="$(( (b[0]+b[1]+b[2]+b[5]+b[6]) - (a[0]+a[1]+a[2]+a[5]+a[6]) ))" \
        -v t="$(( (b[0]+b[1]+b[2]+b[3]+b[4]+b[5]+b[6]+b[7]) - (a[0]+a[1]+a[2]+a[3]+a[4]+a[5]+a[6]+a[7]) ))" \
        'BEGIN { printf "%.2f", (t > 0 ? n * u / t : 0) }'
}

# quiet_check: a 3-second sample before the load; another build or test run on the machine skews every number.
quiet_check() {
    IDLE_BUSY="$(machine_busy 3)"
    if awk -v c="$IDLE_BUSY" 'BEGIN { exit !(c > 0.2) }'; then
        log "WARNING: the machine was $IDLE_BUSY of $(nproc) cores busy before the benchmark; results will be low and noisy"
    fi
}

# measure LABEL URL [LUA_SCRIPT] [WRK_ARGS...]: a warm-up run, then the measured run, both wrk -t$THREADS
# -c$CONNECTIONS; appends "label|req/s|p50|p90|p95|p99|requests|non-2xx/3xx|socket errors" to ROWS and the raw wrk
# output's file to ROW_FILES. LUA_SCRIPT ("" for none) may define request() etc.; wrk/report.lua's done() is appended.
# Functions measure_before and measure_after, when a script defines them, run around the measured run only.
ROWS=(); ROW_FILES=()
measure() {
    local label="$1" url="$2" script="${3:-}" n="${#ROWS[@]}" lua file line
    shift 2; (($# > 0)) && shift
    need wrk
    lua="$OUT/wrk-$n.lua"; file="$OUT/wrk-$n.txt"
    { [[ -n "$script" ]] && cat "$script"; cat "$BENCH_DIR/wrk/report.lua"; } >"$lua"
    if ((WARMUP > 0)); then
        log "warm-up ${WARMUP}s: $label"
        wrk "-t$THREADS" "-c$CONNECTIONS" "-d${WARMUP}s" -s "$lua" "$@" "$url" >/dev/null
    fi
    log "measuring ${DURATION}s: $label"
    declare -F measure_before >/dev/null && measure_before
    wrk "-t$THREADS" "-c$CONNECTIONS" "-d${DURATION}s" --latency -s "$lua" "$@" "$url" >"$file"
    declare -F measure_after >/dev/null && measure_after
    line="$(awk '$1 == "BENCH-RESULT" { $1 = ""; print substr($0, 2) }' "$file")"
    [[ -n "$line" ]] || { cat "$file" >&2; die "wrk printed no result for $label"; }
    read -r rps p50 p90 p95 p99 requests non2xx socket <<<"$line"
    ROWS+=("$label|$rps|${p50}ms|${p90}ms|${p95}ms|${p99}ms|$requests|$non2xx|$socket")
    ROW_FILES+=("$file")
}

# print_table [BASELINE_ROW]: the Markdown table of ROWS, with each rate as a ratio of the baseline row's (default 0).
print_table() {
    local base_rps label rps p50 p90 p95 p99 requests non2xx socket errors ratio row
    base_rps="$(cut -d'|' -f2 <<<"${ROWS[${1:-0}]}")"
    echo "| target | req/s | p50 | p90 | p95 | p99 | errors | ratio to nginx |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for row in "${ROWS[@]}"; do
        IFS='|' read -r label rps p50 p90 p95 p99 requests non2xx socket <<<"$row"
        errors=0
        [[ "$non2xx" == 0 && "$socket" == 0 ]] || errors="$non2xx non-2xx/3xx, $socket socket"
        ratio="$(awk -v a="$rps" -v b="$base_rps" 'BEGIN { printf "%.2f×", (b > 0 ? a / b : 0) }')"
        echo "| $label | $rps | $p50 | $p90 | $p95 | $p99 | $errors | $ratio |"
    done
}

# machine_summary: one line each for the machine, the software and the load settings.
machine_summary() {
    local cpu
    cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "- Machine: $(nproc) CPU(s), ${cpu:-unknown CPU}, $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r)"
    echo "- .NET SDK $(cd "$REPO" && dotnet --version), ASP.NET Core runtime $(dotnet --list-runtimes | awk '/^Microsoft.AspNetCore.App 10\./ { v = $2 } END { print v }'), Release build of ${BUILT_FROM:-?}"
    command -v nginx >/dev/null && echo "- $(nginx -v 2>&1), worker_processes ${NGINX_WORKERS:-auto}, access_log off, keepalive_requests 1000000"
    command -v wrk >/dev/null && echo "- $(wrk -v 2>&1 | head -n 1 | awk '{ print $1, $2 }') on the same machine, all traffic over 127.0.0.1:" \
        "\`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency -s <script> URL\` after a ${WARMUP} s warm-up with the same settings"
    [[ -n "${IDLE_BUSY:-}" ]] && echo "- Machine busy just before the runs (3 s sample, servers idle): $IDLE_BUSY of $(nproc) cores"
    return 0
}
