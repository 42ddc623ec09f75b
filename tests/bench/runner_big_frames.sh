#!/usr/bin/env bash
# Issue 12 benchmark: the engine's resident memory while and after N concurrent large bodies cross the
# runner socket (ext-plugin-post-resp `body` append: the runner reads RespBody and sends the body back,
# each way one frame of nearly 16 MiB), through the demo runner, from an upstream in a process of its own
# (python3's http.server: the engine's memory is measured alone, without the bodies an upstream makes).
# Usage: tests/bench/runner_big_frames.sh [BUILD_DIR] [CONCURRENT] [BODY_BYTES]
set -euo pipefail
build=${1:-build}
n=${2:-20}
size=${3:-15000000}
routescope=$(realpath "$build/bin/routescope")
work=$(mktemp -d)
trap 'kill "${rs_pid:-}" "${up_pid:-}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
RSP=27080 RSA=27180 DEMO=27980
mkdir -p "$work/www/bytes"
head -c "$size" /dev/zero | tr '\0' 'x' > "$work/www/bytes/$size"
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" $DEMO > "$work/up.log" 2>&1 &
up_pid=$!
ROUTESCOPE_ADMIN_KEY=bench "$routescope" serve --workspace "$work/ws.json" --proxy 127.0.0.1:$RSP --admin 127.0.0.1:$RSA \
  --demo-upstream off > "$work/rs.log" 2>&1 &
rs_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$DEMO/" && break; sleep 0.1; done
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$RSA/" && break; sleep 0.1; done
curl -s -o /dev/null -H 'X-API-KEY: bench' -X PUT "http://127.0.0.1:$RSA/apisix/admin/routes/big" \
  -d "{\"uri\":\"/bytes/*\",\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"body\",\"value\":\"{\\\"append\\\":\\\"!\\\"}\"}]}},\"upstream\":{\"nodes\":{\"127.0.0.1:$DEMO\":1}}}"
got=$(curl -s -o /dev/null -w "%{http_code} %{size_download}" "http://127.0.0.1:$RSP/bytes/$size")
[ "$got" = "200 $((size + 1))" ] || { echo "the route does not work: $got"; cat "$work/rs.log"; exit 1; }
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$rs_pid/status"; }
before=$(rss)
pids=()
for _ in $(seq "$n"); do curl -s -o /dev/null "http://127.0.0.1:$RSP/bytes/$size" & pids+=($!); done
peak=0
while kill -0 "${pids[@]}" 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.05; done
wait "${pids[@]}" || true
sleep 2
printf '%s concurrent %s-byte bodies through the runner (post-resp body append)\n' "$n" "$size"
printf 'engine RSS: %s MiB before, %s MiB at the peak, %s MiB 2 s after\n' "$before" "$peak" "$(rss)"
