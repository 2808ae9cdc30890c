#!/usr/bin/env bash
# First Atelier benchmark: /health/live and GET /api/v1/me under 100 concurrent connections (wrk),
# beside nginx serving a static file of the same size on the same machine. See docs/performance.md.
#
# Usage: bash bench/run.sh
#
# Environment knobs:
#   DURATION=15            seconds of each measured wrk run
#   WARMUP=15              seconds of the warm-up run before each measured run (not reported); Atelier's
#                          throughput on /api/v1/me keeps climbing for the first ~20 s after start, so a 3-5 s
#                          warm-up under-reports it
#   CONNECTIONS=100        wrk -c
#   THREADS=2              wrk -t
#   NGINX_WORKERS=auto     nginx worker_processes (auto = one per core)
#   BENCH_OUT=DIR          work folder (published app, data, nginx, results); default: a new mktemp -d folder
#   BENCH_SKIP_PUBLISH=1   reuse BENCH_OUT/app when it already holds atelier.dll
#   BENCH_KEEP=1           keep the work folder (a folder named by BENCH_OUT is always kept; only its
#                          per-run scratch data is removed)
#   BENCH_PORT, NGINX_PORT ports on 127.0.0.1; default: free ports picked at random
#
# Everything listens on 127.0.0.1 only, every run is bounded in time, and both servers are stopped on exit.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-15}"
CONNECTIONS="${CONNECTIONS:-100}"
THREADS="${THREADS:-2}"
NGINX_WORKERS="${NGINX_WORKERS:-auto}"

if [[ -n "${BENCH_OUT:-}" ]]; then
    OUT="$(mkdir -p "$BENCH_OUT" && cd "$BENCH_OUT" && pwd)"
    OUT_IS_OURS=0
else
    OUT="$(mktemp -d -t atelier-bench.XXXXXX)"
    OUT_IS_OURS=1
fi
# nginx's workers run as an unprivileged user when started as root: they must be able to reach the static file.
chmod 755 "$OUT"

ATELIER_PID=""
NGINX_PID=""

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

stop_process() { # pid, name
    local pid="$1" name="$2" i
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    log "$name (pid $pid) did not stop within 10 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    set +e
    stop_process "$ATELIER_PID" "Atelier"
    stop_process "$NGINX_PID" "nginx"
    if [[ "${BENCH_KEEP:-0}" == "1" ]]; then
        log "kept the work folder $OUT"
    elif [[ "$OUT_IS_OURS" == "1" ]]; then
        rm -rf "$OUT"
    else
        rm -rf "$OUT/data" "$OUT/nginx"
        log "kept $OUT (named by BENCH_OUT); removed its run data"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in dotnet nginx wrk curl; do
    command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install wrk nginx-light curl; .NET 10 SDK)"
done
if command -v python3 >/dev/null; then
    json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
elif command -v node >/dev/null; then
    json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }
else
    die "python3 or node is needed to read the login response"
fi

free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
    else
        node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
    fi
}
PORT="${BENCH_PORT:-$(free_port)}"
NGINX_PORT="${NGINX_PORT:-$(free_port)}"
[[ "$PORT" != "$NGINX_PORT" ]] || die "BENCH_PORT and NGINX_PORT must differ"
ATELIER_URL="http://127.0.0.1:$PORT"
NGINX_URL="http://127.0.0.1:$NGINX_PORT"

# ---------------------------------------------------------------------------------------------------------------
# 1. Publish (Release) into the work folder, away from anyone's bin/Debug output.
# ---------------------------------------------------------------------------------------------------------------
if [[ "${BENCH_SKIP_PUBLISH:-0}" == "1" && -f "$OUT/app/atelier.dll" ]]; then
    log "reusing the published server in $OUT/app"
    BUILT_FROM="$(cat "$OUT/app-commit.txt" 2>/dev/null || echo 'an unknown commit') (reused)"
else
    BUILT_FROM="commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    if git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null | grep -q .; then
        BUILT_FROM+=" with uncommitted changes"
    fi
    log "publishing Atelier (Release) to $OUT/app; log in $OUT/publish.log"
    if ! (cd "$REPO" && dotnet publish "$REPO/src/Atelier/Atelier.csproj" -c Release -o "$OUT/app" -nologo) >"$OUT/publish.log" 2>&1; then
        tail -n 40 "$OUT/publish.log" >&2
        die "dotnet publish failed (full log above/in $OUT/publish.log; set BENCH_KEEP=1 to keep it)"
    fi
    echo "$BUILT_FROM" >"$OUT/app-commit.txt"
fi

# The server runs in Production with its own data folder; the publish folder is its content root.
export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
ATELIER_ARGS=(
    --Atelier:DataPath "$OUT/data"
    --Atelier:PublicUrl "$ATELIER_URL"
    --Atelier:RateLimits:GlobalPerMinute 0
    --Atelier:RateLimits:AuthPerMinute 0
    --Logging:LogLevel:Default Warning
)

# ---------------------------------------------------------------------------------------------------------------
# 2. A fresh database with one user, then the server.
# ---------------------------------------------------------------------------------------------------------------
rm -rf "$OUT/data"
log "creating the benchmark user"
(cd "$OUT/app" && dotnet atelier.dll create-owner --email bench@example.org --password 'bench password 1' \
    --name Bench "${ATELIER_ARGS[@]}") >"$OUT/create-owner.log" 2>&1 \
    || { cat "$OUT/create-owner.log" >&2; die "create-owner failed"; }

log "starting Atelier on $ATELIER_URL"
(cd "$OUT/app" && exec dotnet atelier.dll --urls "$ATELIER_URL" "${ATELIER_ARGS[@]}") >"$OUT/atelier.log" 2>&1 &
ATELIER_PID=$!

wait_for_200() { # url, name, pid, seconds
    local url="$1" name="$2" pid="$3" deadline=$((SECONDS + $4)) code
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || return 1
        code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" || true)"
        [[ "$code" == "200" ]] && return 0
        sleep 0.25
    done
    return 1
}
if ! wait_for_200 "$ATELIER_URL/health/live" Atelier "$ATELIER_PID" 60; then
    tail -n 40 "$OUT/atelier.log" >&2
    kill -0 "$ATELIER_PID" 2>/dev/null || die "Atelier exited before it answered on /health/live (its log is above)"
    die "Atelier did not answer 200 on /health/live within 60 s (its log is above)"
fi
HEALTH_BODY="$(curl -s -m 5 "$ATELIER_URL/health/live")"
[[ "$HEALTH_BODY" == *'"Healthy"'* ]] || die "unexpected /health/live body: $HEALTH_BODY"

# ---------------------------------------------------------------------------------------------------------------
# 3. Sign in and check GET /api/v1/me.
# ---------------------------------------------------------------------------------------------------------------
LOGIN="$(curl -s -m 10 -X POST "$ATELIER_URL/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"bench@example.org","password":"bench password 1"}')"
TOKEN="$(printf '%s' "$LOGIN" | json_field accessToken 2>/dev/null)" || die "login failed: $LOGIN"
[[ -n "$TOKEN" ]] || die "login returned no access token: $LOGIN"
ME_CODE="$(curl -s -o "$OUT/me.json" -m 5 -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$ATELIER_URL/api/v1/me")"
[[ "$ME_CODE" == "200" ]] || die "GET /api/v1/me answered $ME_CODE: $(cat "$OUT/me.json")"

# ---------------------------------------------------------------------------------------------------------------
# 4. nginx serving a static file: the same bytes as Atelier's /health/live body.
# ---------------------------------------------------------------------------------------------------------------
mkdir -p "$OUT/nginx/html" "$OUT/nginx/tmp"
chmod 755 "$OUT/nginx" "$OUT/nginx/html"
printf '%s' "$HEALTH_BODY" >"$OUT/nginx/html/health.json"
chmod 644 "$OUT/nginx/html/health.json"
cat >"$OUT/nginx/nginx.conf" <<EOF
# Private nginx for bench/run.sh; started with -p $OUT/nginx.
worker_processes $NGINX_WORKERS;
daemon off;
pid nginx.pid;
error_log error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    # Kestrel keeps a keep-alive connection for any number of requests; nginx's default is 1000 per connection.
    keepalive_requests 1000000;
    client_body_temp_path tmp/client_body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    types { application/json json; }
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root "$OUT/nginx/html";
    }
}
EOF
nginx -t -q -c "$OUT/nginx/nginx.conf" -p "$OUT/nginx" -e "$OUT/nginx/error.log" >/dev/null 2>"$OUT/nginx/test.log" \
    || { cat "$OUT/nginx/test.log" >&2; die "the nginx configuration is not valid"; }
log "starting nginx on $NGINX_URL (worker_processes $NGINX_WORKERS)"
nginx -c "$OUT/nginx/nginx.conf" -p "$OUT/nginx" -e "$OUT/nginx/error.log" &
NGINX_PID=$!
if ! wait_for_200 "$NGINX_URL/health.json" nginx "$NGINX_PID" 10; then
    cat "$OUT/nginx/error.log" >&2 || true
    die "nginx did not answer 200 on $NGINX_URL/health.json within 10 s"
fi

# ---------------------------------------------------------------------------------------------------------------
# 5. wrk, the same settings for every target, each after a warm-up run.
# ---------------------------------------------------------------------------------------------------------------
CLK_TCK="$(getconf CLK_TCK)"
NPROC="$(nproc)"
cpu_ticks() { # total user+system ticks of a process and its direct children (nginx workers)
    local pid total=0 stat rest f
    for pid in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
        stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
        rest="${stat##*) }"                      # fields from 3 (state) on
        read -r -a f <<<"$rest"
        total=$((total + f[11] + f[12]))         # utime (14), stime (15)
    done
    echo "$total"
}
machine_ticks() { # ticks summed over all CPUs: "busy steal total"; busy = user+nice+system+irq+softirq
    local _cpu user nice system idle iowait irq softirq steal _rest
    read -r _cpu user nice system idle iowait irq softirq steal _rest </proc/stat
    echo "$((user + nice + system + irq + softirq)) $steal $((user + nice + system + idle + iowait + irq + softirq + steal))"
}
children_seconds() { # file written by the times builtin: user+system CPU seconds of this shell's finished children
    awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } printf "%.3f", t }' "$1"
}
cores() { # tick delta, total-tick delta (all CPUs): average cores
    awk -v d="$1" -v t="$2" -v n="$NPROC" 'BEGIN { printf "%.2f", (t > 0 ? n * d / t : 0) }'
}
clamp0() { awk -v x="$1" 'BEGIN { printf "%.2f", (x < 0 ? 0 : x) }'; }

# How busy is the machine before we load it (the servers' own CPU left out)? Another build or test run on the
# same machine skews every number.
s0="$(($(cpu_ticks "$ATELIER_PID") + $(cpu_ticks "$NGINX_PID")))"; read -r u0 st0 t0 <<<"$(machine_ticks)"
sleep 3
s1="$(($(cpu_ticks "$ATELIER_PID") + $(cpu_ticks "$NGINX_PID")))"; read -r u1 st1 t1 <<<"$(machine_ticks)"
SERVERS_IDLE="$(awk -v d="$((s1 - s0))" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", d / hz / 3 }')"
OTHER_IDLE="$(clamp0 "$(awk -v m="$(cores "$((u1 - u0))" "$((t1 - t0))")" -v s="$SERVERS_IDLE" 'BEGIN { print m - s }')")"
if awk -v c="$OTHER_IDLE" 'BEGIN { exit !(c > 0.2) }'; then
    log "WARNING: other processes were using $OTHER_IDLE of $NPROC CPUs before the benchmark; results will be low and noisy"
fi

WRK_BASE=(wrk "-t$THREADS" "-c$CONNECTIONS" "-d${DURATION}s" --latency)
declare -a NAMES=() FILES=() SERVER_CPU=() WRK_CPU=() OTHER_CPU=() STEAL_CPU=() BUSY_CPU=()
run_target() { # name, server pid, url, [header]
    local name="$1" pid="$2" url="$3" header="${4:-}" file="$OUT/wrk-${#NAMES[@]}.txt"
    local args=() s0 s1 w0 w1 u0 u1 st0 st1 t0 t1 c0 c1 wall
    [[ -n "$header" ]] && args=(-H "$header")
    log "warm-up ${WARMUP}s: $name"
    wrk "-t$THREADS" "-c$CONNECTIONS" "-d${WARMUP}s" "${args[@]}" "$url" >/dev/null
    log "measuring ${DURATION}s: $name"
    times >"$OUT/times0.txt"; s0="$(cpu_ticks "$pid")"; read -r u0 st0 t0 <<<"$(machine_ticks)"; c0="$(date +%s.%N)"
    "${WRK_BASE[@]}" "${args[@]}" "$url" >"$file"
    c1="$(date +%s.%N)"; read -r u1 st1 t1 <<<"$(machine_ticks)"; s1="$(cpu_ticks "$pid")"; times >"$OUT/times1.txt"
    # wrk's CPU time: the times builtin (run in this shell, not a subshell) counts finished children.
    w0="$(children_seconds "$OUT/times0.txt")"; w1="$(children_seconds "$OUT/times1.txt")"
    wall="$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.3f", b - a }')"
    NAMES+=("$name"); FILES+=("$file")
    SERVER_CPU+=("$(awk -v d="$((s1 - s0))" -v hz="$CLK_TCK" -v s="$wall" 'BEGIN { printf "%.2f", d / hz / s }')")
    WRK_CPU+=("$(awk -v a="$w0" -v b="$w1" -v s="$wall" 'BEGIN { printf "%.2f", (b - a) / s }')")
    BUSY_CPU+=("$(cores "$((u1 - u0))" "$((t1 - t0))")")
    STEAL_CPU+=("$(cores "$((st1 - st0))" "$((t1 - t0))")")
    # A process's system time includes the interrupt work done while it ran (loopback TCP), so what is left
    # is other processes plus kernel work charged to no process.
    OTHER_CPU+=("$(clamp0 "$(awk -v m="${BUSY_CPU[-1]}" -v a="${SERVER_CPU[-1]}" -v b="${WRK_CPU[-1]}" 'BEGIN { print m - a - b }')")")
}

run_target "nginx, static file (${#HEALTH_BODY} bytes)" "$NGINX_PID" "$NGINX_URL/health.json"
run_target "Atelier GET /health/live" "$ATELIER_PID" "$ATELIER_URL/health/live"
run_target "Atelier GET /api/v1/me (JWT)" "$ATELIER_PID" "$ATELIER_URL/api/v1/me" "Authorization: Bearer $TOKEN"

# The servers must still be the ones we started.
kill -0 "$ATELIER_PID" 2>/dev/null || die "Atelier exited during the benchmark; see $OUT/atelier.log"
kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited during the benchmark"

# ---------------------------------------------------------------------------------------------------------------
# 6. Results.
# ---------------------------------------------------------------------------------------------------------------
wrk_field() { # file, what
    local file="$1"
    case "$2" in
        rps) awk '/^Requests\/sec:/ { print $2 }' "$file" ;;
        requests) awk '/requests in/ { print $1 }' "$file" ;;
        p50 | p90 | p99) awk -v p="${2#p}%" '$1 == p { print $2 }' "$file" ;;
        non2xx) awk '/Non-2xx or 3xx responses:/ { n = $NF } END { print n + 0 }' "$file" ;;
        socket) awk '/Socket errors:/ { gsub(",", ""); n = $4 + $6 + $8 + $10 } END { print n + 0 }' "$file" ;;
    esac
}

NGINX_RPS="$(wrk_field "${FILES[0]}" rps)"
CPU_MODEL="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
WRK_VERSION="$(wrk -v 2>&1 | head -n 1 | awk '{ print $1, $2 }' || true)"
NGINX_VERSION="$(nginx -v 2>&1)"
DOTNET_SDK="$(cd "$REPO" && dotnet --version)"
ASPNET_RUNTIME="$(dotnet --list-runtimes | awk '/^Microsoft.AspNetCore.App 10\./ { v = $2 } END { print v }')"

{
    echo "## Atelier benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- Machine: $(nproc) CPU(s), ${CPU_MODEL:-unknown CPU}, $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r)"
    echo "- .NET SDK $DOTNET_SDK, ASP.NET Core runtime $ASPNET_RUNTIME, Release build of $BUILT_FROM"
    echo "- $NGINX_VERSION, worker_processes $NGINX_WORKERS, access_log off, keepalive_requests 1000000"
    echo "- $WRK_VERSION, on the same machine as the servers; all traffic over 127.0.0.1"
    echo "- Command for each target (after a ${WARMUP} s warm-up run with the same -t/-c):"
    echo "  \`${WRK_BASE[*]} URL\`, with \`-H \"Authorization: Bearer <token>\"\` for /api/v1/me"
    echo "- Other processes' CPU just before the runs (3 s sample, servers idle): $OTHER_IDLE of $NPROC cores"
    echo
    echo "| target | req/s | p50 | p90 | p99 | errors | ratio to nginx |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for i in "${!NAMES[@]}"; do
        f="${FILES[$i]}"
        rps="$(wrk_field "$f" rps)"
        non2xx="$(wrk_field "$f" non2xx)"
        socket="$(wrk_field "$f" socket)"
        if [[ "$non2xx" == "0" && "$socket" == "0" ]]; then
            errors="0"
        else
            errors="$non2xx non-2xx/3xx, $socket socket"
        fi
        ratio="$(awk -v a="$rps" -v b="$NGINX_RPS" 'BEGIN { printf "%.2f×", (b > 0 ? a / b : 0) }')"
        printf '| %s | %s | %s | %s | %s | %s | %s |\n' "${NAMES[$i]}" "$rps" \
            "$(wrk_field "$f" p50)" "$(wrk_field "$f" p90)" "$(wrk_field "$f" p99)" "$errors" "$ratio"
    done
    echo
    echo "Where the CPU went during each measured run (average cores busy, of $NPROC), from /proc:"
    echo
    echo "| target | server | wrk | everything else | machine busy | steal |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    for i in "${!NAMES[@]}"; do
        printf '| %s | %s | %s | %s | %s | %s |\n' "${NAMES[$i]}" "${SERVER_CPU[$i]}" "${WRK_CPU[$i]}" \
            "${OTHER_CPU[$i]}" "${BUSY_CPU[$i]}" "${STEAL_CPU[$i]}"
    done
    echo
    echo "server and wrk include the kernel's TCP work done on their behalf; \"everything else\" is other processes"
    echo "and kernel time charged to none, and should be near 0 on a quiet machine."
    echo
    echo "<details><summary>Raw wrk output</summary>"
    echo
    for i in "${!NAMES[@]}"; do
        echo "${NAMES[$i]}:"
        echo '```'
        cat "${FILES[$i]}"
        echo '```'
    done
    echo "</details>"
} >"$OUT/results.md"

cat "$OUT/results.md"
log "results written to $OUT/results.md"
