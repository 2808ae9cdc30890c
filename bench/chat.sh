#!/usr/bin/env bash
# Messenger load: N SignalR connections to /hubs/chat (the real @microsoft/signalr client in Node, bench/chat/load.mjs),
# one per user, in group conversations of 10, and M messages/s in total sent through the hub's Send from random
# members; every member's connection (the sender's own included) must get MessageCreated. Measures end-to-end
# delivery latency (send call to MessageCreated on each receiver, p50/p95/p99/max), errors, and the server's CPU and
# memory per connection. Target (messenger issue): 5,000 connections and 500 messages/s with p99 < 100 ms and no
# errors on this 2-core machine. Prints a table; see docs/performance.md.
#
# Usage: bash bench/chat.sh
#
# Knobs:
#   CHAT_CONNECTIONS ("1000 2500 5000")  N of each server run (multiples of 10); the fixture has as many users as the largest
#   CHAT_RATES ("100 200 300 500")       M, messages/s in total, each measured for DURATION seconds on the same connections
#   DURATION (15)                        seconds of sending per row
#   CHAT_WARMUP (10)                     seconds at the first rate after connecting, not reported (JIT, pools)
#   CHAT_DRAIN (5)                       seconds at most to wait for a row's last deliveries after sending stops
#   CHAT_WORKERS (2)                     Node processes of the load client (connections are split between them)
#   CHAT_RAMP (200)                      new connections per second in total
#   CHAT_QUIET_WAIT (180)                seconds at most to wait before each row until processes other than ours (server,
#                                        PostgreSQL, client) use under 0.25 of a core and the server is idle (the last
#                                        row's queue done); what other processes used during a row is
#                                        in its CPU table ("everything else"), and a row where it was over 0.25 is marked
#   CHAT_SEND_LIMIT                      Atelier:Chat:SendsPer10Seconds for the server; unset: the default (30), which
#                                        the send pattern stays under (every user sends M/N messages/s, at most 0.5)
#   CHAT_PG_STATS=1                      load pg_stat_statements and print what PostgreSQL ran per message sent
#   BENCH_OUT, BENCH_KEEP, BENCH_SKIP_PUBLISH (lib.sh)
#
# Every N gets a freshly started server (the same database; fixture made once), so "RSS before" is an idle server.
# Needs: the .NET 10 SDK, Node 20 and npm (front-end build, the load client: npm ci in bench/chat), python3, curl,
# the PostgreSQL server binaries and psql. Everything listens on 127.0.0.1; every run is bounded (a fixed number of
# messages, a timeout on every connect and send, a hard deadline on the client, `timeout` around it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CHAT_CONNECTIONS="${CHAT_CONNECTIONS:-1000 2500 5000}"
CHAT_RATES="${CHAT_RATES:-100 200 300 500}"
CHAT_WARMUP="${CHAT_WARMUP:-10}"
CHAT_QUIET_WAIT="${CHAT_QUIET_WAIT:-180}"
CHAT_DRAIN="${CHAT_DRAIN:-5}"
CHAT_WORKERS="${CHAT_WORKERS:-$(nproc)}"
CHAT_RAMP="${CHAT_RAMP:-200}"
bench_init
need node npm psql

MAX_N=0
for n in $CHAT_CONNECTIONS; do
    ((n % 10 == 0 && n > 0)) || die "CHAT_CONNECTIONS must be positive multiples of 10 (got $n)"
    ((n > MAX_N)) && MAX_N=$n
done

# Each connection is a socket in the server and one in the client: raise the open-files limit of this shell (and so
# of everything it starts) to what the largest run needs.
want_files=$((MAX_N * 2 + 4096))
if (($(ulimit -n) < want_files)); then
    ulimit -n "$want_files" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    (($(ulimit -n) >= MAX_N + 1024)) || die "ulimit -n is $(ulimit -n); $MAX_N connections need more (raise the hard limit)"
fi

CHAT_DIR="$BENCH_DIR/chat"
if [[ ! -f "$CHAT_DIR/node_modules/@microsoft/signalr/package.json" || "$CHAT_DIR/package-lock.json" -nt "$CHAT_DIR/node_modules/.package-lock.json" ]]; then
    log "installing the SignalR client into $CHAT_DIR/node_modules (npm ci)"
    (cd "$CHAT_DIR" && npm ci --no-fund --no-audit --loglevel=error) >&2 || die "npm ci failed in $CHAT_DIR"
fi

publish_atelier

# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL, configuration shared by the fixture and the server, and the fixture (users, tokens, groups of 10).
# ---------------------------------------------------------------------------------------------------------------
[[ "${CHAT_PG_STATS:-0}" == 1 ]] && PG_OPTIONS="${PG_OPTIONS:-} -c shared_preload_libraries=pg_stat_statements"
start_postgres
rm -rf "$OUT/data"; BENCH_SCRATCH+=("$OUT/data" "$OUT/chat-fixture.json")
export Atelier__Database__Provider=Postgres
ConnectionStrings__Atelier="$(pg_database atelier_chat)"
export ConnectionStrings__Atelier
export Atelier__DataPath="$OUT/data"
export Atelier__Auth__AccessTokenLifetime=02:00:00 # the fixture's tokens must outlive the whole matrix
[[ -n "${CHAT_SEND_LIMIT:-}" ]] && export Atelier__Chat__SendsPer10Seconds="$CHAT_SEND_LIMIT"
log "creating $MAX_N users and $((MAX_N / 10)) group conversations (chat-fixture)"
start=$(date +%s.%N)
Logging__LogLevel__Default=Warning atelier chat-fixture --users "$MAX_N" --group-size 10 --out "$OUT/chat-fixture.json" \
    >"$OUT/chat-fixture.log" 2>&1 || { tail -n 30 "$OUT/chat-fixture.log" >&2; die "chat-fixture failed"; }
FIXTURE_S="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')"
python3 - "$OUT/chat-fixture.json" "$MAX_N" <<'EOF' || die "the fixture file is not what bench/chat/load.mjs expects"
import json, sys
f = json.load(open(sys.argv[1])); n = int(sys.argv[2])
assert len(f["users"]) >= n and all(u["id"] and u["token"] for u in f["users"]), "users"
assert len(f["conversations"]) >= n // 10 and all(len(c["memberIds"]) == 10 for c in f["conversations"]), "conversations"
EOF
psql_exec atelier_chat "VACUUM ANALYZE" >/dev/null
PG_PID="$(head -n 1 "$OUT/pg/data/postmaster.pid")"
if [[ "${CHAT_PG_STATS:-0}" == 1 ]]; then
    psql_exec atelier_chat "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
    psql_exec atelier_chat "SELECT pg_stat_statements_reset()" >/dev/null
fi

quiet_check

# ---------------------------------------------------------------------------------------------------------------
# One server per N; the client connects N users, then sends each rate in turn on the same connections.
# ---------------------------------------------------------------------------------------------------------------
RESULTS=()
for n in $CHAT_CONNECTIONS; do
    port="$(free_port)"
    start_atelier "$port"
    sleep 2 # the server's start-up work (jobs, caches) out of the "before" memory
    result="$OUT/chat-$n.json"; BENCH_SCRATCH+=("$result")
    # The client's own deadline is computed from the plan; `timeout` is the backstop.
    budget=$(( n / CHAT_RAMP + 60 + 120 + CHAT_WARMUP + CHAT_DRAIN + $(wc -w <<<"$CHAT_RATES") * (DURATION + CHAT_DRAIN + 10 + CHAT_QUIET_WAIT) + 60 ))
    log "N=$n: connections and rates $CHAT_RATES (at most ${budget} s)"
    timeout -k 10 "$((budget * 2))" node "$CHAT_DIR/load.mjs" --url "http://127.0.0.1:$port" --fixture "$OUT/chat-fixture.json" \
        --connections "$n" --rates "${CHAT_RATES// /,}" --duration "$DURATION" --warmup "$CHAT_WARMUP" --drain "$CHAT_DRAIN" \
        --workers "$CHAT_WORKERS" --ramp "$CHAT_RAMP" --server-pid "$ATELIER_PID" --pg-pid "$PG_PID" \
        --quiet-wait "$CHAT_QUIET_WAIT" --clk-tck "$(getconf CLK_TCK)" --deadline "$budget" --out "$result" 2> >(tee "$OUT/chat-$n.log" >&2) \
        || die "the load client failed for N=$n (its log: $OUT/chat-$n.log; BENCH_KEEP=1 keeps it)"
    kill -0 "$ATELIER_PID" 2>/dev/null || die "Atelier exited during the N=$n run; see $OUT/atelier-$port.log"
    stop_process "$ATELIER_PID" atelier
    # The server logs JSON lines at Warning and above: counted by message (the exceptions are in the log itself).
    if [[ -s "$OUT/atelier-$port.log" ]]; then
        log "the server logged during N=$n, shutdown included (in $OUT/atelier-$port.log; BENCH_KEEP=1 keeps it):"
        python3 - "$OUT/atelier-$port.log" <<'EOF' >&2
import collections, json, sys
seen = collections.Counter()
for line in open(sys.argv[1], errors="replace"):
    try:
        e = json.loads(line); key = f"{e.get('LogLevel')}: {e.get('Message', '')[:160]}"
        if e.get("Exception"): key += f" ({e['Exception'].splitlines()[0][:160]})"
    except ValueError:
        key = line.strip()[:200]
    seen[key] += 1
for key, count in seen.most_common(8): print(f"    {count} × {key}")
EOF
    fi
    RESULTS+=("$result")
done

if [[ "${CHAT_PG_STATS:-0}" == 1 ]]; then
    # Everything since the fixture: connecting, warm-ups, rows, disconnecting; per message sent (warm-ups included).
    sent="$(python3 -c 'import json,sys; print(sum(r.get("warmupSent", 0) + sum(p["attempted"] for p in r["phases"]) for r in map(lambda f: json.load(open(f)), sys.argv[1:])))' "${RESULTS[@]}")"
    psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d atelier_chat -P pager=off -c "
        SELECT calls, round((calls::numeric / $sent), 2) AS per_message, round(total_exec_time::numeric / calls, 3) AS ms_each,
               round(total_exec_time::numeric) AS ms_total, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query
        FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 20" >"$OUT/pg-statements.txt"
fi

# ---------------------------------------------------------------------------------------------------------------
# Results.
# ---------------------------------------------------------------------------------------------------------------
{
    echo "## Messenger benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    machine_summary | grep -v -e '^- nginx' -e '^- wrk'
    echo "- $PG_VERSION (default settings, throwaway cluster); fixture of $MAX_N users in $((MAX_N / 10)) groups of 10 made in ${FIXTURE_S} s"
    echo "- Load client: Node $(node --version), @microsoft/signalr $(node -p 'require(process.argv[1]).version' "$CHAT_DIR/node_modules/@microsoft/signalr/package.json")," \
        "JSON protocol over WebSockets (skipNegotiation), $CHAT_WORKERS worker processes, connections opened at $CHAT_RAMP/s;" \
        "each row sends M messages/s for ${DURATION} s after a ${CHAT_WARMUP} s warm-up at the first rate, then waits up to ${CHAT_DRAIN} s for deliveries"
    echo "- Send limit: ${CHAT_SEND_LIMIT:-the default (30 per user per 10 s)}"
    echo
    NPROC="$(nproc)" python3 - "${RESULTS[@]}" <<'EOF'
import json, os, sys
ncpu = int(os.environ["NPROC"])
runs = [json.load(open(p)) for p in sys.argv[1:]]
fmt = lambda v: "–" if v is None else f"{v:g}"
print(f"| N | M (msg/s) | connected | delivered / expected | p50 | p95 | p99 | max | errors | server CPU (% of {ncpu} cores) | server RSS (MB) | KB per connection | p99 < 100 ms, no errors |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for r in runs:
    c = r["connect"]
    for p in r["phases"]:
        l = p["latency"]
        errs = []
        if p["sendErrors"]: errs.append(f"{p['sendErrors']} hub")
        if p["timeouts"]: errs.append(f"{p['timeouts']} timeout")
        if p["dropped"]: errs.append(f"{p['dropped']} dropped")
        if p["skipped"]: errs.append(f"{p['skipped']} not sent (sender offline)")
        if p["extra"]: errs.append(f"{p['extra']} extra deliveries")
        if p.get("late"): errs.append(f"{p['late']} deliveries of timed-out sends")
        cpu = "–" if p["cpu"]["serverCores"] is None else f"{p['cpu']['serverCores'] / ncpu * 100:.0f} %"
        connected = f"{c['ok']}" + (f" ({c['failed']} failed)" if c["failed"] else "")
        rate = f"{p['rate']}" + ("" if abs(p["achievedRate"] - p["rate"]) <= 0.02 * p["rate"] else f" (sent {p['achievedRate']:g}/s)")
        mark = "**yes**" if p["meetsTarget"] else "no"
        if p["cpu"]["othersCores"] > 0.25: mark += f" (noisy: other processes used {p['cpu']['othersCores']:g} cores)"
        print(f"| {r['connections']} | {rate} | {connected} | {p['deliveries']} / {p['attempted'] * r['groupSize']} | {fmt(l['p50'])} ms | {fmt(l['p95'])} ms"
              f" | {fmt(l['p99'])} ms | {fmt(l['max'])} ms | {', '.join(errs) or 0} | {cpu} | {fmt(p['serverRssPeakMb'])} | {fmt(r.get('kbPerConnection'))} | {mark} |")
print()
print(f"Where the CPU went while sending (average cores busy, of {ncpu}, from /proc), the Send round trip and the client's own lag:")
print()
print("| N | M | server | PostgreSQL | load client (busiest worker) | everything else | machine busy | Send answered p50 / p99 | client event-loop delay p99 / max |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for r in runs:
    for p in r["phases"]:
        u = p["cpu"]; a = p["ack"]; d = p["clientLoopDelayMs"]
        print(f"| {r['connections']} | {p['rate']} | {fmt(u['serverCores'])} | {fmt(u['pgCores'])} | {fmt(u['clientCores'])} ({fmt(u['busiestWorkerCores'])})"
              f" | {u['othersCores']:.2f} | {fmt(u['machineCores'])} | {fmt(a['p50'])} / {fmt(a['p99'])} ms | {fmt(d['p99'])} / {fmt(d['max'])} ms |")
print()
print("Connecting (all N at the ramp rate; the server's work per connection, presence included, until it is idle again) and memory:")
print()
print("| N | connected | failed | seconds to connect | server busy until (s after the last) | server CPU per connection | server RSS before (MB) | after connecting (MB) | KB per connection |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for r in runs:
    c = r["connect"]
    per = "–" if not c.get("serverCpuSeconds") or not c["ok"] else f"{c['serverCpuSeconds'] * 1000 / c['ok']:.1f} ms"
    print(f"| {r['connections']} | {c['ok']} | {c['failed']} | {c['seconds']:.1f} | {fmt(c.get('settleSeconds'))} | {per} | {fmt(round(r['serverRssBeforeMb'] or 0))}"
          f" | {fmt(round(r['serverRssConnectedMb'] or 0))} | {fmt(r.get('kbPerConnection'))} |")
errors = {}
for r in runs:
    for k, v in r["connect"]["errors"]: errors[f"N={r['connections']} connect: {k}"] = v
    for p in r["phases"]:
        for k, v in p["errors"]: errors[f"N={r['connections']} M={p['rate']}: {k}"] = v
if errors:
    print()
    print("Errors:")
    print()
    for k, v in errors.items(): print(f"- {v} × {k}")
EOF
    if [[ -s "$OUT/pg-statements.txt" ]]; then
        echo
        echo "PostgreSQL statements by total time over the whole script (connecting $CHAT_CONNECTIONS users, then $sent messages, warm-ups included; per_message = calls / messages):"
        echo
        echo '```'
        cat "$OUT/pg-statements.txt"
        echo '```'
    fi
} >"$OUT/results.md"

cat "$OUT/results.md"
log "results written to $OUT/results.md"
