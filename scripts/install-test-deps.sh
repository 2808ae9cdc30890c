#!/usr/bin/env bash
# Installs what the test suite needs and a fresh Debian machine lacks: PostgreSQL server binaries (the tests start a
# throwaway server from them), Debian's Chromium (browser tests), git (Git vaults), vips/ffmpeg/exiftool (media), the
# front end's npm packages and the test tools' (s3rver, an S3-compatible server for the storage tests).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && id postgres >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v git >/dev/null 2>&1 || need+=(git)   # Git vault tests clone a local repository
# Media processing runs the real tools; the fixtures are made with them (and exiftool writes GPS into a test photo).
command -v vips >/dev/null 2>&1 || need+=(libvips-tools)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v exiftool >/dev/null 2>&1 || need+=(libimage-exiftool-perl)
if ((${#need[@]})); then
  echo "Installing Debian packages: ${need[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "Please install as root: apt-get install ${need[*]}" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${need[@]}"
fi

if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  (cd web && npm ci --no-audit --no-fund)
fi

if [ ! -f tests/tools/node_modules/.package-lock.json ] || [ tests/tools/package-lock.json -nt tests/tools/node_modules/.package-lock.json ]; then
  (cd tests/tools && npm ci --no-audit --no-fund)
fi
