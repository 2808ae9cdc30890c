#!/usr/bin/env bash
# Search latency over a big site: generates a vault of NOTES notes (default 10,000; bench/vault.py: English and Russian
# text of varied length, tags), imports it with `atelier import-vault --publish all` into a throwaway PostgreSQL (and,
# for comparison, SQLite), then loads GET /api/v1/search with 20 rotating queries (bench/wrk/search.lua,
# search-queries.txt) beside nginx
# serving a static HTML file (Atelier's own search page for one query), at several load levels (1, 10 and 100
# connections, each sending its next request as soon as the last is answered), and prints req/s and p50/p90/p95/p99.
# Target (publishing issue): p95 < 50 ms on PostgreSQL. See docs/performance.md.
# Needs: the .NET 10 SDK, Node/npm (front-end build), python3, the PostgreSQL server binaries and psql,
# apt-get install wrk nginx-light curl.
# Knobs: NOTES (10000), DBS ("postgres sqlite"), LEVELS ("1 10 100": wrk -c of each table; -t is 2, or 1 for one
# connection), DURATION (15), WARMUP (10), BENCH_OUT, BENCH_KEEP, BENCH_SKIP_PUBLISH (lib.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
NOTES="${NOTES:-10000}"
DBS="${DBS:-postgres sqlite}"
LEVELS="${LEVELS:-1 10 100}"
bench_init
need wrk nginx
publish_atelier

log "generating a vault of $NOTES notes in $OUT/vault"
rm -rf "$OUT/vault" "$OUT/data-"* "$OUT/html"; BENCH_SCRATCH+=("$OUT/vault" "$OUT/html")
python3 "$BENCH_DIR/vault.py" "$OUT/vault" "$NOTES"
# 20 queries, English and Russian, common and rare, as people type them: a phrase in quotes, two words, a word half
# typed, one that nothing matches.
export BENCH_QUERIES="$BENCH_DIR/wrk/search-queries.txt"
mapfile -t QUERIES < <(grep -v '^$' "$BENCH_QUERIES")
((${#QUERIES[@]} > 0)) || die "no queries in $BENCH_QUERIES"

declare -A PORT LABEL IMPORT_S HITS
for db in $DBS; do
    config=(--Atelier:DataPath "$OUT/data-$db")
    BENCH_SCRATCH+=("$OUT/data-$db")
    case "$db" in
        postgres)
            start_postgres
            config+=(--Atelier:Database:Provider Postgres --ConnectionStrings:Atelier "$(pg_database atelier_bench)")
            LABEL[$db]="PostgreSQL $(awk '{ print $3 }' <<<"$PG_VERSION")" ;;
        sqlite) LABEL[$db]="SQLite" ;;
        *) die "DBS may name postgres and sqlite" ;;
    esac
    log "importing $NOTES notes into ${LABEL[$db]}"
    start=$(date +%s.%N)
    atelier import-vault "$OUT/vault" --name bench --publish all "${config[@]}" --Logging:LogLevel:Default Warning \
        >"$OUT/import-$db.log" 2>&1 || { tail -n 20 "$OUT/import-$db.log" >&2; die "import-vault failed on $db"; }
    IMPORT_S[$db]="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')"
    [[ "$db" == postgres ]] && psql_exec atelier_bench "VACUUM ANALYZE" >/dev/null
    PORT[$db]="$(free_port)"
    start_atelier "${PORT[$db]}" "${config[@]}"
    # Every query answers 200; how many results each finds (at most 50) shows the mix of common and rare words.
    for q in "${QUERIES[@]}"; do
        body="$(curl -s -f -m 30 -G "http://127.0.0.1:${PORT[$db]}/api/v1/search" --data-urlencode "q=$q" --data-urlencode limit=50)" \
            || die "GET /api/v1/search?q=$q failed on $db"
        HITS[$db,$q]="$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' <<<"$body")"
    done
done

# The reference: nginx serving Atelier's search page for one query, saved as a static HTML file.
first="${DBS%% *}"
mkdir -p "$OUT/html"
curl -s -f -G "http://127.0.0.1:${PORT[$first]}/search" --data-urlencode "q=modular synth" -o "$OUT/html/search.html" \
    || die "the search page did not answer"
start_nginx "$OUT/html"

quiet_check
# One table per load level: every load level's ratio is to nginx under the same load.
TABLES=()
for c in $LEVELS; do
    CONNECTIONS="$c"; THREADS=$((c < 2 ? 1 : 2)); ROWS=(); ROW_FILES=()
    measure "nginx, a static HTML file ($(wc -c <"$OUT/html/search.html") bytes)" "http://127.0.0.1:$NGINX_PORT/search.html"
    for db in $DBS; do
        measure "Atelier /api/v1/search, ${LABEL[$db]}" "http://127.0.0.1:${PORT[$db]}/api/v1/search" "$BENCH_DIR/wrk/search.lua"
    done
    TABLES+=("$(echo "$c connection(s), \`wrk -t$THREADS -c$c\`:"; echo; print_table)")
done

{
    echo "## Search benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    machine_summary | sed "s/-c$CONNECTIONS/-c<connections>/; s/-t$THREADS /-t<threads> /"
    echo "- Site: $NOTES notes from \`bench/vault.py\` ($(du -sh "$OUT/vault" | cut -f1) of Markdown), imported with" \
        "\`atelier import-vault --publish all\`; import took$(for db in $DBS; do printf ' %s s on %s;' "${IMPORT_S[$db]}" "${LABEL[$db]}"; done)"
    [[ " $DBS " == *" postgres "* ]] && echo "- PostgreSQL: a throwaway cluster with default settings (shared_buffers 128 MB), VACUUM ANALYZE after the import"
    echo "- Each Atelier request: \`GET /api/v1/search?q=…\` (20 results with snippets), the queries of \`bench/wrk/search-queries.txt\` in turn"
    for table in "${TABLES[@]}"; do
        echo
        echo "$table"
    done
    echo
    echo "Results per query (\`limit=50\`, so 50 means 50 or more):"
    echo
    printf '| query |'; for db in $DBS; do printf ' %s |' "${LABEL[$db]}"; done; echo
    printf '| --- |'; for db in $DBS; do printf ' ---: |'; done; echo
    for q in "${QUERIES[@]}"; do
        printf '| `%s` |' "$q"; for db in $DBS; do printf ' %s |' "${HITS[$db,$q]}"; done; echo
    done
} | tee "$OUT/results.md"
