#!/usr/bin/env bash
# Vault import throughput: generates an Obsidian vault of N notes (default 2,000) with front matter, wikilinks,
# tags, callouts and headings, imports it with `atelier import-vault` (Release build, SQLite, or PostgreSQL when
# BENCH_PG is an admin connection string), then imports it again unchanged, and prints notes/s for both runs.
# Usage: bash bench/import.sh            NOTES=5000 bash bench/import.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
NOTES=${NOTES:-2000}
OUT=${BENCH_OUT:-$(mktemp -d)}
keep=${BENCH_KEEP:-0}
cleanup() { [ "$keep" = 1 ] || [ -n "${BENCH_OUT:-}" ] || rm -rf "$OUT"; }
trap cleanup EXIT

if [ "${BENCH_SKIP_PUBLISH:-0}" != 1 ] || [ ! -f "$OUT/app/atelier.dll" ]; then
  echo "Publishing Atelier (Release) to $OUT/app ..."
  dotnet publish "$repo/src/Atelier/Atelier.csproj" -c Release -o "$OUT/app" --nologo -v:q >/dev/null
fi

echo "Generating a vault of $NOTES notes in $OUT/vault ..."
rm -rf "$OUT/vault" "$OUT/data"
python3 - "$OUT/vault" "$NOTES" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
random.seed(42)
words = ("synth modular patch oscillator filter envelope rhythm melody harmony scale chord tempo groove texture "
         "музыка звук ритм мелодия гармония синтез тембр").split()
for i in range(n):
    folder = os.path.join(root, f"topic-{i % 20:02d}")
    os.makedirs(folder, exist_ok=True)
    links = " ".join(f"[[Note {random.randrange(n)}]]" for _ in range(5))
    body = "\n\n".join(" ".join(random.choice(words) for _ in range(60)) for _ in range(6))
    with open(os.path.join(folder, f"Note {i}.md"), "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: Note {i}\npublish: true\ntags: [bench, {random.choice(words)}]\ndate: 2026-01-{1 + i % 28:02d}\n---\n"
                f"# Note {i}\n\nLinks: {links}\n\n> [!note] Callout\n> ==Highlighted== text #inline-{i % 50}\n\n## Section\n\n{body}\n")
PY

config=(--Atelier:DataPath "$OUT/data" --Logging:LogLevel:Default Warning --Atelier:Logging:Json false)
if [ -n "${BENCH_PG:-}" ]; then
  config+=(--Atelier:Database:Provider Postgres --ConnectionStrings:Atelier "$BENCH_PG")
fi
dotnet "$OUT/app/atelier.dll" migrate "${config[@]}" >/dev/null

run() {
  local start end
  start=$(date +%s.%N)
  dotnet "$OUT/app/atelier.dll" import-vault "$OUT/vault" --name bench "${config[@]}" > "$OUT/$1.log"
  end=$(date +%s.%N)
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'{s:.2f} {int(sys.argv[3])/s:.0f}')" "$start" "$end" "$NOTES"
}
read -r first_s first_rate < <(run first)
read -r second_s second_rate < <(run second)

echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET $(dotnet --version), database ${BENCH_PG:+PostgreSQL}${BENCH_PG:-SQLite}"
echo
echo "| run | notes | seconds (process, incl. start-up) | notes/s | importer's own time |"
echo "| --- | ---: | ---: | ---: | --- |"
echo "| first import (all new) | $NOTES | $first_s | $first_rate | $(grep -o 'in [0-9.]* s' "$OUT/first.log") |"
echo "| second import (unchanged) | $NOTES | $second_s | $second_rate | $(grep -o 'in [0-9.]* s' "$OUT/second.log") |"
echo
sed -n '2,3p' "$OUT/first.log"
sed -n '2,3p' "$OUT/second.log"
