#!/usr/bin/env bash
# Public post page throughput: GET /posts/{slug} with the output cache warm and with caching off, beside nginx
# serving the same page as a static HTML file, all under the same wrk load (100 connections). See docs/performance.md.
# Knobs: DURATION (15), WARMUP (10), CONNECTIONS (100), THREADS (2), BENCH_OUT, BENCH_SKIP_PUBLISH=1.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-15}; WARMUP=${WARMUP:-10}; CONNECTIONS=${CONNECTIONS:-100}; THREADS=${THREADS:-2}
OUT=${BENCH_OUT:-$(mktemp -d)}
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$OUT/nginx/nginx.pid" ] && kill "$(cat "$OUT/nginx/nginx.pid")" 2>/dev/null || true
  [ -n "${BENCH_OUT:-}" ] || [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$OUT"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if [ "${BENCH_SKIP_PUBLISH:-0}" != 1 ] || [ ! -f "$OUT/app/atelier.dll" ]; then
  echo "Publishing Atelier (Release) ..."
  dotnet publish "$repo/src/Atelier/Atelier.csproj" -c Release -o "$OUT/app" --nologo -v:q >/dev/null
fi
rm -rf "$OUT/data"
common=(--Atelier:DataPath "$OUT/data" --Logging:LogLevel:Default Warning --Atelier:RateLimits:GlobalPerMinute 0)
dotnet "$OUT/app/atelier.dll" seed-demo "${common[@]}" >/dev/null
slug=sound-design-basics

start_atelier() { # $1 port, $2 cache on/off
  (cd "$OUT/app" && exec dotnet atelier.dll --urls "http://127.0.0.1:$1" "${common[@]}" --Atelier:Publishing:CachePages "$2") >"$OUT/atelier-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/health/live" >/dev/null && return; sleep 0.5; done
  echo "Atelier did not start on $1" >&2; exit 1
}
cached=$(free_port); start_atelier "$cached" true
uncached=$(free_port); start_atelier "$uncached" false
curl -sf "http://127.0.0.1:$cached/posts/$slug" -o /dev/null || { echo "the demo post is missing" >&2; exit 1; }

mkdir -p "$OUT/nginx/html"
curl -sf "http://127.0.0.1:$cached/posts/$slug" -o "$OUT/nginx/html/post.html"
chmod -R a+rX "$OUT/nginx"; chmod a+x "$OUT"
nginx_port=$(free_port)
cat > "$OUT/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; keepalive_requests 1000000;
  types { text/html html; }
  server { listen 127.0.0.1:$nginx_port; root $OUT/nginx/html; }
}
CONF
nginx -c "$OUT/nginx/nginx.conf" -p "$OUT/nginx"

measure() { # $1 label, $2 url → "label|req/s|p50|p90|p99|errors"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$2" >/dev/null
  local out; out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$2")
  local rps p50 p90 p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p90=$(awk '$1=="90%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(",","");for(i=1;i<=NF;i++) if($i ~ /^[0-9]+$/) n+=$i} END {print n+0}' <<<"$out")
  echo "$1|$rps|$p50|$p90|$p99|$errs"
}
rows=()
rows+=("$(measure "nginx, the same page as a static file" "http://127.0.0.1:$nginx_port/post.html")")
rows+=("$(measure "Atelier /posts/$slug, output cache warm" "http://127.0.0.1:$cached/posts/$slug")")
rows+=("$(measure "Atelier /posts/$slug, caching off" "http://127.0.0.1:$uncached/posts/$slug")")

base=$(cut -d'|' -f2 <<<"${rows[0]}")
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET $(dotnet --version), $(nginx -v 2>&1), page $(wc -c <"$OUT/nginx/html/post.html") bytes"
echo "Load: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency (after a ${WARMUP}s warm-up each)"
echo
echo "| target | req/s | p50 | p90 | p99 | errors | ratio to nginx |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for r in "${rows[@]}"; do
  IFS='|' read -r label rps p50 p90 p99 errs <<<"$r"
  ratio=$(python3 -c "print(f'{float(\"$rps\")/float(\"$base\"):.2f}×')")
  echo "| $label | $rps | $p50 | $p90 | $p99 | $errs | $ratio |"
done
