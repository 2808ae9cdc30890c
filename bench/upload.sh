#!/usr/bin/env bash
# Memory of a big upload: streams a SIZE_MB file (default 1024, an MP4-looking header then random bytes) to
# POST /api/v1/media with curl and samples the server's resident memory (VmRSS, every 100 ms) before, during and after.
# Target (media issue): the server grows by less than 100 MB while taking a 1 GB file. Prints a table; see
# docs/performance.md. Processing is switched off (Jobs:Workers 0) so only the upload path is measured.
# Needs: the .NET 10 SDK, Node/npm (front-end build), python3, curl.
# Knobs: SIZE_MB (1024), STORAGE ("local s3": s3 uses s3rver from tests/tools, `npm ci --prefix tests/tools`),
# BENCH_OUT, BENCH_KEEP, BENCH_SKIP_PUBLISH (lib.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SIZE_MB="${SIZE_MB:-1024}"
STORAGE="${STORAGE:-local s3}"
bench_init
publish_atelier

file="$OUT/upload.mp4"; BENCH_SCRATCH+=("$file")
log "writing a ${SIZE_MB} MB test file"
{ printf '\0\0\0\030ftypisom\0\0\002\0isomiso2'; head -c "$((SIZE_MB * 1024 * 1024 - 24))" /dev/urandom; } >"$file"

rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

declare -A BEFORE PEAK AFTER SECONDS_TAKEN
for storage in $STORAGE; do
    data="$OUT/data-$storage"; BENCH_SCRATCH+=("$data")
    rm -rf "$data"
    config=(--Atelier:DataPath "$data" --Atelier:Jobs:Workers 0)
    if [[ "$storage" == s3 ]]; then
        s3rver="$REPO/tests/tools/node_modules/s3rver/bin/s3rver.js"
        [[ -f "$s3rver" ]] || die "s3rver is missing: npm ci --prefix tests/tools"
        s3port="$(free_port)"; mkdir -p "$OUT/s3"; BENCH_SCRATCH+=("$OUT/s3")
        node "$s3rver" --directory "$OUT/s3" --address 127.0.0.1 --port "$s3port" --silent --no-vhost-buckets >"$OUT/s3rver.log" 2>&1 &
        BENCH_PIDS+=("$!")
        config+=(--Atelier:Storage:Provider S3 --Atelier:Storage:S3:ServiceUrl "http://127.0.0.1:$s3port"
            --Atelier:Storage:S3:Bucket bench --Atelier:Storage:S3:AccessKey S3RVER --Atelier:Storage:S3:SecretKey S3RVER)
    fi
    atelier create-owner --email bench@atelier.test --password 'bench password 1' "${config[@]}" >/dev/null
    port="$(free_port)"
    start_atelier "$port" "${config[@]}"
    token="$(curl -sf -m 30 -H 'Content-Type: application/json' -d '{"email":"bench@atelier.test","password":"bench password 1"}' \
        "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')"
    # A small upload first, so the measured one starts from a warmed-up server.
    head -c 100000 "$file" >"$OUT/warm.mp4"
    curl -sf -m 60 -H "Authorization: Bearer $token" -F "file=@$OUT/warm.mp4" "http://127.0.0.1:$port/api/v1/media" >/dev/null
    sleep 1
    BEFORE[$storage]="$(rss_mb "$ATELIER_PID")"
    peak="${BEFORE[$storage]}"
    log "uploading ${SIZE_MB} MB to $storage storage"
    start=$(date +%s.%N)
    curl -s -m 900 -o "$OUT/upload-response.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
        -F "file=@$file;filename=big.mp4" "http://127.0.0.1:$port/api/v1/media" >"$OUT/upload-status" &
    curl_pid=$!
    while kill -0 "$curl_pid" 2>/dev/null; do
        now="$(rss_mb "$ATELIER_PID")"; ((now > peak)) && peak="$now"
        sleep 0.1
    done
    wait "$curl_pid" || true
    SECONDS_TAKEN[$storage]="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
    [[ "$(cat "$OUT/upload-status")" == 201 ]] || die "the upload answered $(cat "$OUT/upload-status"): $(cat "$OUT/upload-response.json")"
    PEAK[$storage]="$peak"
    AFTER[$storage]="$(rss_mb "$ATELIER_PID")"
    stop_process "$ATELIER_PID" atelier
done

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo
echo "Upload of a ${SIZE_MB} MB file, $(nproc) cores ($cpu), $BUILT_FROM"
echo
echo "| storage | time (s) | MB/s | RSS before (MB) | peak RSS (MB) | growth (MB) | RSS after (MB) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for storage in $STORAGE; do
    echo "| $storage | ${SECONDS_TAKEN[$storage]} | $(awk -v s="$SIZE_MB" -v t="${SECONDS_TAKEN[$storage]}" 'BEGIN { printf "%.0f", s / t }') | ${BEFORE[$storage]} | ${PEAK[$storage]} | $((PEAK[$storage] - BEFORE[$storage])) | ${AFTER[$storage]} |"
done
