#!/usr/bin/env bash
# Studio patches API: save and load latency of one 500-node patch (the studio issue's target: p95 < 20 ms for both).
# Starts Atelier (Release) on a throwaway PostgreSQL, makes the owner account, signs in, then bench/studio-api/load.py
# creates a valid patch of STUDIO_NODES nodes and times STUDIO_N sequential GETs and PUTs (PUT = a checkpoint save,
# validated and versioned), then STUDIO_N of each from STUDIO_CONCURRENCY keep-alive connections at once (autosaves).
# Prints a table (p50/p95/p99/max in ms, as the client sees them, JSON encoding included); see docs/performance.md.
#
# Usage: bash bench/studio-api.sh
#
# Knobs:
#   STUDIO_NODES (500)        nodes in the patch
#   STUDIO_N (200)            requests of each kind per phase
#   STUDIO_CONCURRENCY (8)    connections of the concurrent phase
#   BENCH_OUT, BENCH_KEEP, BENCH_SKIP_PUBLISH (lib.sh)
#
# Needs: the .NET 10 SDK, Node 20 and npm (front-end build), python3, curl, the PostgreSQL server binaries and psql.
# Everything listens on 127.0.0.1; every request has a 30 s timeout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
STUDIO_NODES="${STUDIO_NODES:-500}"
STUDIO_N="${STUDIO_N:-200}"
STUDIO_CONCURRENCY="${STUDIO_CONCURRENCY:-8}"
bench_init
need psql

publish_atelier
start_postgres
rm -rf "$OUT/data"; BENCH_SCRATCH+=("$OUT/data")
export Atelier__Database__Provider=Postgres
ConnectionStrings__Atelier="$(pg_database atelier_studio)"
export ConnectionStrings__Atelier
export Atelier__DataPath="$OUT/data"
export Atelier__Auth__AccessTokenLifetime=01:00:00
password="bench password $RANDOM$RANDOM"
Logging__LogLevel__Default=Warning atelier create-owner --email bench@studio.test --password "$password" --name Bench \
    >"$OUT/create-owner.log" 2>&1 || { cat "$OUT/create-owner.log" >&2; die "create-owner failed"; }

port="$(free_port)"
start_atelier "$port"
base="http://127.0.0.1:$port"
token="$(curl -sf -H 'Content-Type: application/json' -d "{\"email\":\"bench@studio.test\",\"password\":\"$password\"}" \
    "$base/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')" || die "signing in failed"
quiet_check

log "timing $STUDIO_N loads and saves of a $STUDIO_NODES-node patch, then the same from $STUDIO_CONCURRENCY connections"
timeout 900 python3 "$BENCH_DIR/studio-api/load.py" "$base" "$token" "$STUDIO_NODES" "$STUDIO_N" "$STUDIO_CONCURRENCY" >"$OUT/studio-api.json"

python3 - "$OUT/studio-api.json" "$STUDIO_CONCURRENCY" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); c = sys.argv[2]
def pct(values, p):
    v = sorted(values); k = (len(v) - 1) * p / 100; f = int(k)
    return v[f] + (v[min(f + 1, len(v) - 1)] - v[f]) * (k - f)
print(f"Patch: {r['nodes']} nodes, {r['document_bytes'] / 1024:.0f} KB of JSON")
print()
print("| request | mode | n | p50 ms | p95 ms | p99 ms | max ms |")
print("|---|---|---:|---:|---:|---:|---:|")
for key, label, mode in [("sequential_get", "load (GET)", "sequential"), ("sequential_put", "save (PUT, checkpoint)", "sequential"),
                         ("concurrent_get", "load (GET)", f"{c} connections"), ("concurrent_put", "save (PUT, autosave)", f"{c} connections")]:
    v = r[key]
    print(f"| {label} | {mode} | {len(v)} | {pct(v, 50):.1f} | {pct(v, 95):.1f} | {pct(v, 99):.1f} | {max(v):.1f} |")
PY
echo
echo "- Built from $BUILT_FROM; $PG_VERSION (default settings, throwaway cluster); $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "- Machine busy before the run: ${IDLE_BUSY} cores"
