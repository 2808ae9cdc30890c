#!/usr/bin/env bash
# Vault import throughput: generates a vault of NOTES notes with bench/vault.py (front matter, wikilinks, tags,
# callouts, headings, English and Russian text of varied length), imports it with `atelier import-vault` (Release
# build), then imports it again unchanged, and prints notes/s for both runs. See docs/performance.md.
# Needs: the .NET 10 SDK, Node/npm (front-end build), python3; for DB=postgres the PostgreSQL server binaries.
# Usage: bash bench/import.sh     NOTES=5000 bash bench/import.sh     DB=postgres bash bench/import.sh
# Knobs: NOTES (2000), DB (sqlite, or postgres: a throwaway server), BENCH_OUT, BENCH_KEEP, BENCH_SKIP_PUBLISH (lib.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
NOTES="${NOTES:-2000}"
DB="${DB:-sqlite}"
bench_init
publish_atelier

log "generating a vault of $NOTES notes in $OUT/vault"
rm -rf "$OUT/vault" "$OUT/data"; BENCH_SCRATCH+=("$OUT/vault" "$OUT/data")
python3 "$BENCH_DIR/vault.py" "$OUT/vault" "$NOTES"

config=(--Atelier:DataPath "$OUT/data" --Logging:LogLevel:Default Warning)
case "$DB" in
    sqlite) database="SQLite" ;;
    postgres)
        start_postgres
        config+=(--Atelier:Database:Provider Postgres --ConnectionStrings:Atelier "$(pg_database atelier_bench)")
        database="$PG_VERSION" ;;
    *) die "DB must be sqlite or postgres" ;;
esac
atelier migrate "${config[@]}" >/dev/null

run() { # log name → "seconds notes/s"
    local start end
    start=$(date +%s.%N)
    atelier import-vault "$OUT/vault" --name bench "${config[@]}" >"$OUT/$1.log"
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" -v n="$NOTES" 'BEGIN { printf "%.2f %.0f\n", b - a, n / (b - a) }'
}
read -r first_s first_rate < <(run first)
read -r second_s second_rate < <(run second)

{
    echo "## Vault import benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    machine_summary | grep -v -e nginx -e wrk
    echo "- Database: $database"
    echo
    echo "| run | notes | seconds (process, incl. start-up) | notes/s | importer's own time |"
    echo "| --- | ---: | ---: | ---: | --- |"
    echo "| first import (all new) | $NOTES | $first_s | $first_rate | $(grep -o 'in [0-9.]* s' "$OUT/first.log") |"
    echo "| second import (unchanged) | $NOTES | $second_s | $second_rate | $(grep -o 'in [0-9.]* s' "$OUT/second.log") |"
    echo
    echo "First import's report:"
    echo
    grep -v '^{' "$OUT/first.log" | sed 's/^ */    /'   # the report without the server's JSON log lines
} | tee "$OUT/results.md"
