#!/usr/bin/env bash
# Studio editor: frame rate while panning the canvas and while dragging a node with 100, 500 and 1,000 nodes, and the
# time from opening a patch to interactive, in Debian's headless Chromium (bench/studio/editor.mjs, playwright-core).
# Targets (studio issue): ≥ 50 fps at 500 nodes, interactive < 1 s. Prints a table; see docs/performance.md.
#
# Usage: bash bench/studio-editor.sh
#
# Knobs:
#   STUDIO_SIZES ("100,500,1000")   patch sizes, in nodes
#   STUDIO_SECONDS (4)              seconds of panning and of dragging per round
#   STUDIO_ROUNDS (3)               rounds per size (the table shows medians)
#   STUDIO_TRACE (unset)            a file for a Chromium performance trace of the first zoomed-out pan (open it in
#                                   DevTools' Performance panel)
#   ATELIER_CHROMIUM (/usr/bin/chromium)
#   BENCH_OUT, BENCH_KEEP, BENCH_SKIP_PUBLISH (lib.sh)
#
# Needs: the .NET 10 SDK, Node 20 and npm (front-end build; npm ci in bench/studio), python3, curl, chromium.
# The server runs on SQLite in the work folder (the editor's speed does not depend on the database) on 127.0.0.1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
STUDIO_SIZES="${STUDIO_SIZES:-100,500,1000}"
STUDIO_SECONDS="${STUDIO_SECONDS:-4}"
STUDIO_ROUNDS="${STUDIO_ROUNDS:-3}"
CHROMIUM="${ATELIER_CHROMIUM:-/usr/bin/chromium}"
bench_init
need node npm
[[ -x "$CHROMIUM" ]] || die "Chromium is not at $CHROMIUM (apt-get install chromium, or set ATELIER_CHROMIUM)"

STUDIO_DIR="$BENCH_DIR/studio"
if [[ ! -f "$STUDIO_DIR/node_modules/playwright-core/package.json" || "$STUDIO_DIR/package-lock.json" -nt "$STUDIO_DIR/node_modules/.package-lock.json" ]]; then
    log "installing playwright-core into $STUDIO_DIR/node_modules (npm ci)"
    (cd "$STUDIO_DIR" && npm ci --no-fund --no-audit --loglevel=error) >&2 || die "npm ci failed in $STUDIO_DIR"
fi

publish_atelier
rm -rf "$OUT/data"; BENCH_SCRATCH+=("$OUT/data")
export Atelier__DataPath="$OUT/data"
EMAIL="bench@studio.test"; PASSWORD="studio bench password 1"
atelier create-owner --email "$EMAIL" --password "$PASSWORD" --name "Bench Owner" >"$OUT/create-owner.log" 2>&1 \
    || { cat "$OUT/create-owner.log" >&2; die "create-owner failed"; }
port="$(free_port)"
start_atelier "$port"

timeout -k 10 900 node "$STUDIO_DIR/editor.mjs" --url "http://127.0.0.1:$port" --email "$EMAIL" --password "$PASSWORD" \
    --sizes "$STUDIO_SIZES" --seconds "$STUDIO_SECONDS" --rounds "$STUDIO_ROUNDS" --chromium "$CHROMIUM" --out "$OUT/studio-editor.json" \
    ${STUDIO_TRACE:+--trace "$STUDIO_TRACE"} \
    || die "the editor benchmark failed"
echo
echo "- Chromium: $("$CHROMIUM" --version 2>/dev/null | head -n 1)"
machine_summary
