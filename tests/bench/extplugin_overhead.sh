#!/usr/bin/env bash
# Issue 3 benchmark: wrk through the same route plain, with ext-plugin-post-resp whose runner plugin
# returns "no change" (demo runner `noop`), and with one that rewrites the body through RespBody
# (demo runner `body` append). Throughput with 50 connections, latency with 1 connection.
# The routes are measured in alternating rounds and the medians compared (a shared machine is noisy).
# Usage: tests/bench/extplugin_overhead.sh [BUILD_DIR] [DURATION_S] [ROUNDS]
set -euo pipefail
build=${1:-build}
duration=${2:-10}
rounds=${3:-3}
routescope=$(realpath "$build/bin/routescope")
runner=$(realpath "$build/bin/routescope-demo-runner")
. "$(dirname "$0")/lib.sh"
need_tools
UP=18981 RSP=18083 RSA=18183
start_upstream $UP
ROUTESCOPE_ADMIN_KEY=bench "$routescope" serve --workspace "$work/ws.json" --proxy 127.0.0.1:$RSP \
  --admin 127.0.0.1:$RSA --workers 1 --demo-upstream off --runner-cmd "$runner" > "$work/rs.log" 2>&1 &
rs_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$RSA/" && break; sleep 0.1; done
put() { curl -s -o /dev/null -w '%{http_code}' -H 'X-API-KEY: bench' -X PUT "http://127.0.0.1:$RSA/apisix/admin/routes/$1" -d "$2"; }
node="\"upstream\":{\"nodes\":{\"127.0.0.1:$UP\":1}}"
put plain "{\"uri\":\"/plain\",$node}" >/dev/null
put noop "{\"uri\":\"/noop\",\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"noop\",\"value\":\"\"}]}},$node}" >/dev/null
put body "{\"uri\":\"/body\",\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"body\",\"value\":\"{\\\"append\\\":\\\"!\\\"}\"}]}},$node}" >/dev/null
sleep 0.5
[ "$(curl -s "http://127.0.0.1:$RSP/body")" = "$(printf 'hello from upstream\n!')" ] || { echo "body route not working:"; curl -si "http://127.0.0.1:$RSP/body"; cat "$work/rs.log"; exit 1; }

ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.3f", v}' <<< "$1"; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
declare -A rps p50
for round in $(seq "$rounds"); do
  for r in plain noop body; do
    wrk -t1 -c50 -d1s "http://127.0.0.1:$RSP/$r" > /dev/null
    wrk -t1 -c50 -d"${duration}s" "http://127.0.0.1:$RSP/$r" | awk '/Requests\/sec/ {print $2}' >> "$work/$r.rps"
    ms "$(wrk -t1 -c1 -d"${duration}s" --latency "http://127.0.0.1:$RSP/$r" | awk '$1=="50%" {print $2}')" >> "$work/$r.p50"
    echo >> "$work/$r.p50"
  done
  printf 'round %s: plain %s/%s ms, noop %s/%s ms, body %s/%s ms\n' "$round" "$(tail -1 "$work/plain.rps")" \
    "$(tail -1 "$work/plain.p50")" "$(tail -1 "$work/noop.rps")" "$(tail -1 "$work/noop.p50")" \
    "$(tail -1 "$work/body.rps")" "$(tail -1 "$work/body.p50")"
done
for r in plain noop body; do
  rps[$r]=$(median < "$work/$r.rps"); p50[$r]=$(median < "$work/$r.p50")
done
printf 'wrk -t1 -c50 -d%ss (req/s) and -c1 (median latency), routescope serve --workers 1, demo runner; medians of %s rounds\n' "$duration" "$rounds"
printf '%-8s %12s %14s\n' route req/s median_ms
for r in plain noop body; do printf '%-8s %12s %14s\n' "$r" "${rps[$r]}" "${p50[$r]}"; done
awk -v p="${rps[plain]}" -v n="${rps[noop]}" -v b="${rps[body]}" -v lp="${p50[plain]}" -v ln="${p50[noop]}" -v lb="${p50[body]}" 'BEGIN {
  printf "no-change post-resp: %.2fx plain req/s (target >= 0.70), median +%.0f us (target <= 60 us)\n", n/p, (ln-lp)*1000
  printf "body rewrite via RespBody: %.2fx plain req/s, median +%.0f us\n", b/p, (lb-lp)*1000 }'
