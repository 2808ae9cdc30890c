#!/usr/bin/env bash
# Lighthouse on every type of public page of `atelier seed-demo` (home, post list, a post, projects, archive,
# categories, a category, a tag, search results), served by a Release build in Production with the output cache on,
# audited by npm `lighthouse` (pinned in bench/package.json, installed into bench/node_modules) with Debian's chromium,
# on mobile (Lighthouse's default: a mid-range phone, simulated slow 4G and 4x CPU slowdown) and desktop
# (--preset=desktop). Each page and form factor is audited RUNS times; the table shows the run with the median
# performance score, and the audits that run did not pass. Then accessibility once more per page with the dark theme
# (Chromium's --force-dark-mode: prefers-color-scheme dark).
# Target (publishing issue): performance, accessibility, best practices and SEO each >= 95. See docs/performance.md.
# Needs: the .NET 10 SDK, Node 20 and npm, python3, curl, apt-get install chromium.
# Knobs: RUNS (3), PAGES (the nine paths below, space-separated), CHROME_PATH (/usr/bin/chromium), BENCH_OUT,
# BENCH_KEEP, BENCH_SKIP_PUBLISH (lib.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUNS="${RUNS:-3}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
bench_init
need node npm
[[ -x "$CHROME_PATH" ]] || die "no Chromium at $CHROME_PATH (apt-get install chromium, or set CHROME_PATH)"

if [[ ! -x "$BENCH_DIR/node_modules/.bin/lighthouse" || "$BENCH_DIR/package-lock.json" -nt "$BENCH_DIR/node_modules/.package-lock.json" ]]; then
    log "installing Lighthouse into $BENCH_DIR/node_modules (npm ci)"
    (cd "$BENCH_DIR" && npm ci --no-fund --no-audit --loglevel=error) >&2 || die "npm ci failed in $BENCH_DIR"
fi
LIGHTHOUSE="$BENCH_DIR/node_modules/.bin/lighthouse"

publish_atelier
rm -rf "$OUT/data" "$OUT/lighthouse"; BENCH_SCRATCH+=("$OUT/data")
mkdir -p "$OUT/lighthouse"
config=(--Atelier:DataPath "$OUT/data")
log "seeding the demo site"
atelier seed-demo "${config[@]}" --Logging:LogLevel:Default Warning >"$OUT/seed.log" 2>&1 || { cat "$OUT/seed.log" >&2; die "seed-demo failed"; }
port="$(free_port)"
start_atelier "$port" "${config[@]}"

read -r -a PAGES <<<"${PAGES:-/ /posts /posts/sound-design-basics /projects /archive /categories /categories/sound-design /tags/sound /search?q=filter}"
for page in "${PAGES[@]}"; do
    curl -s -f -o /dev/null "http://127.0.0.1:$port$page" || die "$page does not answer 200"
done

# audit REPORT URL CHROME_FLAGS ARGS...: one Lighthouse run; a second try when Lighthouse itself fails (it now and
# then loses the trace of a page load: NO_NAVSTART).
audit() {
    local report="$1" url="$2" flags="$3" try
    shift 3
    for try in 1 2; do
        "$LIGHTHOUSE" "$url" --output=json --output-path="$report" --quiet --chrome-flags="--headless=new --no-sandbox$flags" "$@" \
            >"$OUT/lighthouse/last.log" 2>&1 && return 0
        log "Lighthouse failed on $url (try $try): $(tail -n 1 "$OUT/lighthouse/last.log")"
    done
    die "Lighthouse failed twice on $url; its log is in $OUT/lighthouse/last.log"
}

quiet_check
reports=()
for page in "${PAGES[@]}"; do
    for form in mobile desktop; do
        preset=(); [[ "$form" == desktop ]] && preset=(--preset=desktop)
        for run in $(seq 1 "$RUNS"); do
            report="$OUT/lighthouse/$(tr -c 'a-z0-9\n' '-' <<<"${page#/}" | sed 's/^$/home/')-$form-$run.json"
            log "Lighthouse $form run $run/$RUNS: $page"
            audit "$report" "http://127.0.0.1:$port$page" "" "${preset[@]}"
            reports+=("$report")
        done
    done
done
dark=()
for page in "${PAGES[@]}"; do
    report="$OUT/lighthouse/$(tr -c 'a-z0-9\n' '-' <<<"${page#/}" | sed 's/^$/home/')-dark.json"
    log "Lighthouse accessibility, dark theme: $page"
    audit "$report" "http://127.0.0.1:$port$page" " --force-dark-mode" --only-categories=accessibility
    dark+=("$report")
done

{
    echo "## Lighthouse, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    machine_summary | grep -v -e nginx -e wrk
    echo "- Lighthouse $(node -p 'require(process.argv[1]).version' "$BENCH_DIR/node_modules/lighthouse/package.json"), $("$CHROME_PATH" --version 2>/dev/null | head -n 1), headless; $RUNS run(s) per row, the one with the median performance score shown"
    echo "- Site: \`atelier seed-demo\` on SQLite, Production, output cache on, http://127.0.0.1"
    echo
    node "$BENCH_DIR/lighthouse-report.mjs" "$RUNS" "${reports[@]}" --dark "${dark[@]}"
} | tee "$OUT/results.md"
