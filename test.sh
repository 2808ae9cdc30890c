#!/usr/bin/env bash
# Runs the whole test suite: the front end's unit tests (Vitest), then the .NET suite (unit, HTTP integration on
# SQLite and PostgreSQL, command line, and browser journeys in headless Chromium). Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")"
./scripts/install-test-deps.sh || exit 1

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== Front end (Vitest)"
(cd web && npx vitest run --reporter=default --reporter=json --outputFile="$out/vitest.json")
web_status=$?

echo "== .NET (xunit)"
dotnet test Atelier.slnx --logger "trx;LogFileName=results.trx" --results-directory "$out/trx" "$@"
dotnet_status=$?

read -r passed failed skipped < <(node -e '
  const fs = require("fs"), path = require("path");
  let p = 0, f = 0, s = 0;
  try { const v = JSON.parse(fs.readFileSync(process.argv[1] + "/vitest.json", "utf8")); p += v.numPassedTests; f += v.numFailedTests; s += v.numPendingTests + (v.numTodoTests || 0); } catch { f += 1; }
  const dir = process.argv[1] + "/trx";
  let found = false;
  for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (!file.endsWith(".trx")) continue;
    found = true;
    const c = fs.readFileSync(path.join(dir, file), "utf8").match(/<Counters [^>]*>/)[0];
    const n = k => Number((c.match(new RegExp(k + "=\"(\\d+)\"")) || [0, 0])[1]);
    p += n("passed"); f += n("failed") + n("error") + n("timeout") + n("aborted"); s += n("notExecuted");
  }
  if (!found) f += 1;
  console.log(p, f, s);' "$out")

if [ "$web_status" -ne 0 ] || [ "$dotnet_status" -ne 0 ]; then
  [ "$failed" -eq 0 ] && failed=1
fi
echo "Total: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
