#!/usr/bin/env bash
# Public post page throughput: GET /posts/{slug} with the output cache warm and with caching off, beside nginx
# serving the same page as a static HTML file, all under the same wrk load. See docs/performance.md.
# Needs: the .NET 10 SDK, Node/npm (front-end build), python3, apt-get install wrk nginx-light curl.
# Knobs: DURATION (15), WARMUP (10), CONNECTIONS (100), THREADS (2), BENCH_OUT, BENCH_KEEP, BENCH_SKIP_PUBLISH (lib.sh);
# LIGHT_CONNECTIONS (16): the uncached page is measured once more at this lighter load, below saturation, where its
# rate still clears 1,000 req/s — the latency a visitor sees when the server is busy but not overrun.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_init
need wrk nginx
publish_atelier

rm -rf "$OUT/data"; BENCH_SCRATCH+=("$OUT/data" "$OUT/html")
common=(--Atelier:DataPath "$OUT/data")
log "seeding the demo site"
atelier seed-demo "${common[@]}" --Logging:LogLevel:Default Warning >"$OUT/seed.log" 2>&1 || { cat "$OUT/seed.log" >&2; die "seed-demo failed"; }
slug=sound-design-basics

cached=$(free_port); start_atelier "$cached" "${common[@]}" --Atelier:Publishing:CachePages true
uncached=$(free_port); start_atelier "$uncached" "${common[@]}" --Atelier:Publishing:CachePages false
mkdir -p "$OUT/html"
curl -sf "http://127.0.0.1:$cached/posts/$slug" -o "$OUT/html/post.html" || die "the demo post /posts/$slug is missing"
start_nginx "$OUT/html"

quiet_check
measure "nginx, the same page as a static file" "http://127.0.0.1:$NGINX_PORT/post.html"
measure "Atelier /posts/$slug, output cache warm" "http://127.0.0.1:$cached/posts/$slug"
measure "Atelier /posts/$slug, caching off" "http://127.0.0.1:$uncached/posts/$slug"
heavy=$CONNECTIONS; CONNECTIONS=${LIGHT_CONNECTIONS:-16}
measure "Atelier /posts/$slug, caching off, $CONNECTIONS connections" "http://127.0.0.1:$uncached/posts/$slug"
CONNECTIONS=$heavy

{
    echo "## Post page benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    machine_summary
    echo "- Page: /posts/$slug of \`atelier seed-demo\` on SQLite, $(wc -c <"$OUT/html/post.html") bytes"
    echo
    print_table
} | tee "$OUT/results.md"
