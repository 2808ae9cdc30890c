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
#   BENCH_PORT             Atelier's port on 127.0.0.1; default: a free port
#
# Needs: the .NET 10 SDK, Node/npm (front-end build), python3, apt-get install wrk nginx-light curl.
# Everything listens on 127.0.0.1 only, every run is bounded in time, and both servers are stopped on exit
# (helpers in bench/lib.sh).
set -euo pipefail
WARMUP="${WARMUP:-15}"
source "$(dirname "$0")/lib.sh"
bench_init
need wrk nginx

# ---------------------------------------------------------------------------------------------------------------
# 1. Publish (Release) into the work folder, away from anyone's bin/Debug output.
# ---------------------------------------------------------------------------------------------------------------
publish_atelier

# ---------------------------------------------------------------------------------------------------------------
# 2. A fresh database with one user, then the server.
# ---------------------------------------------------------------------------------------------------------------
rm -rf "$OUT/data"; BENCH_SCRATCH+=("$OUT/data" "$OUT/html")
ATELIER_ARGS=(--Atelier:DataPath "$OUT/data" --Logging:LogLevel:Default Warning)
log "creating the benchmark user"
atelier create-owner --email bench@example.org --password 'bench password 1' --name Bench "${ATELIER_ARGS[@]}" \
    >"$OUT/create-owner.log" 2>&1 || { cat "$OUT/create-owner.log" >&2; die "create-owner failed"; }
PORT="${BENCH_PORT:-$(free_port)}"
ATELIER_URL="http://127.0.0.1:$PORT"
start_atelier "$PORT" "${ATELIER_ARGS[@]}"
HEALTH_BODY="$(curl -s -m 5 "$ATELIER_URL/health/live")"
[[ "$HEALTH_BODY" == *'"Healthy"'* ]] || die "unexpected /health/live body: $HEALTH_BODY"

# ---------------------------------------------------------------------------------------------------------------
# 3. Sign in and check GET /api/v1/me.
# ---------------------------------------------------------------------------------------------------------------
LOGIN="$(curl -s -m 10 -X POST "$ATELIER_URL/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"bench@example.org","password":"bench password 1"}')"
TOKEN="$(printf '%s' "$LOGIN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])' 2>/dev/null)" \
    || die "login failed: $LOGIN"
ME_CODE="$(curl -s -o "$OUT/me.json" -m 5 -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$ATELIER_URL/api/v1/me")"
[[ "$ME_CODE" == "200" ]] || die "GET /api/v1/me answered $ME_CODE: $(cat "$OUT/me.json")"

# ---------------------------------------------------------------------------------------------------------------
# 4. nginx serving a static file: the same bytes as Atelier's /health/live body.
# ---------------------------------------------------------------------------------------------------------------
mkdir -p "$OUT/html"
printf '%s' "$HEALTH_BODY" >"$OUT/html/health.json"
start_nginx "$OUT/html"
NGINX_URL="http://127.0.0.1:$NGINX_PORT"

# ---------------------------------------------------------------------------------------------------------------
# 5. wrk, the same settings for every target, each after a warm-up run (lib.sh's measure), with where the CPU went
#    during each measured run.
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

declare -a SERVER_CPU=() WRK_CPU=() OTHER_CPU=() STEAL_CPU=() BUSY_CPU=()
CPU_PID=""  # the server being measured
measure_before() {
    times >"$OUT/times0.txt"; s0="$(cpu_ticks "$CPU_PID")"; read -r u0 st0 t0 <<<"$(machine_ticks)"; c0="$(date +%s.%N)"
}
measure_after() {
    local s1 u1 st1 t1 c1 w0 w1 wall
    c1="$(date +%s.%N)"; read -r u1 st1 t1 <<<"$(machine_ticks)"; s1="$(cpu_ticks "$CPU_PID")"; times >"$OUT/times1.txt"
    # wrk's CPU time: the times builtin (run in this shell, not a subshell) counts finished children.
    w0="$(children_seconds "$OUT/times0.txt")"; w1="$(children_seconds "$OUT/times1.txt")"
    wall="$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.3f", b - a }')"
    SERVER_CPU+=("$(awk -v d="$((s1 - s0))" -v hz="$CLK_TCK" -v s="$wall" 'BEGIN { printf "%.2f", d / hz / s }')")
    WRK_CPU+=("$(awk -v a="$w0" -v b="$w1" -v s="$wall" 'BEGIN { printf "%.2f", (b - a) / s }')")
    BUSY_CPU+=("$(cores "$((u1 - u0))" "$((t1 - t0))")")
    STEAL_CPU+=("$(cores "$((st1 - st0))" "$((t1 - t0))")")
    # A process's system time includes the interrupt work done while it ran (loopback TCP), so what is left
    # is other processes plus kernel work charged to no process.
    OTHER_CPU+=("$(clamp0 "$(awk -v m="${BUSY_CPU[-1]}" -v a="${SERVER_CPU[-1]}" -v b="${WRK_CPU[-1]}" 'BEGIN { print m - a - b }')")")
}

quiet_check
CPU_PID="$NGINX_PID"; measure "nginx, static file (${#HEALTH_BODY} bytes)" "$NGINX_URL/health.json"
CPU_PID="$ATELIER_PID"; measure "Atelier GET /health/live" "$ATELIER_URL/health/live"
measure "Atelier GET /api/v1/me (JWT)" "$ATELIER_URL/api/v1/me" "" -H "Authorization: Bearer $TOKEN"

# The servers must still be the ones we started.
kill -0 "$ATELIER_PID" 2>/dev/null || die "Atelier exited during the benchmark; see $OUT/atelier-$PORT.log"
kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited during the benchmark"

# ---------------------------------------------------------------------------------------------------------------
# 6. Results.
# ---------------------------------------------------------------------------------------------------------------
{
    echo "## Atelier benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    machine_summary
    echo "- /api/v1/me with \`-H \"Authorization: Bearer <token>\"\`"
    echo
    print_table
    echo
    echo "Where the CPU went during each measured run (average cores busy, of $NPROC), from /proc:"
    echo
    echo "| target | server | wrk | everything else | machine busy | steal |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    for i in "${!ROWS[@]}"; do
        printf '| %s | %s | %s | %s | %s | %s |\n' "${ROWS[$i]%%|*}" "${SERVER_CPU[$i]}" "${WRK_CPU[$i]}" \
            "${OTHER_CPU[$i]}" "${BUSY_CPU[$i]}" "${STEAL_CPU[$i]}"
    done
    echo
    echo "server and wrk include the kernel's TCP work done on their behalf; \"everything else\" is other processes"
    echo "and kernel time charged to none, and should be near 0 on a quiet machine."
    echo
    echo "<details><summary>Raw wrk output</summary>"
    echo
    for i in "${!ROWS[@]}"; do
        echo "${ROWS[$i]%%|*}:"
        echo '```'
        grep -v '^BENCH-RESULT' "${ROW_FILES[$i]}"
        echo '```'
    done
    echo "</details>"
} >"$OUT/results.md"

cat "$OUT/results.md"
log "results written to $OUT/results.md"
