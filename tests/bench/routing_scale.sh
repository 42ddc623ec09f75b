#!/usr/bin/env bash
# Issue 13 benchmark: proxy throughput with one route ("/*") against the same with 10,000 prefix routes
# ("/p<i>/*") that do not match the request before it, both `routescope serve --workers 1` in front of the
# same nginx upstream, measured in alternating rounds (medians).
# Usage: tests/bench/routing_scale.sh [BUILD_DIR] [DURATION_S] [ROUTES] [ROUNDS]
set -euo pipefail
build=${1:-build}
duration=${2:-5}
routes=${3:-10000}
rounds=${4:-3}
routescope=$(realpath "$build/bin/routescope")
. "$(dirname "$0")/lib.sh"
need_tools
UP=18981
start_upstream $UP
serve() { # name workspace-routes-json proxy-port -> pid in $work/name.rspid
  printf '{"routescope_workspace":1,"upstreams":{},"routes":{%s}}\n' "$2" > "$work/$1.json"
  ROUTESCOPE_ADMIN_KEY=bench "$routescope" serve --workspace "$work/$1.json" --proxy 127.0.0.1:$3 --admin 127.0.0.1:0 \
    --workers 1 --demo-upstream off > "$work/$1.log" 2>&1 &
  echo $! > "$work/$1.rspid"
  for _ in $(seq 100); do [ "$(curl -s "http://127.0.0.1:$3/x")" = "hello from upstream" ] && return; sleep 0.1; done
  echo "$1: route not working"; exit 1
}
catchall="\"all\":{\"uri\":\"/*\",\"upstream\":{\"nodes\":{\"127.0.0.1:$UP\":1}}}"
many=$(awk -v n="$routes" -v up=$UP 'BEGIN { for (i = 0; i < n; i++) printf "\"r%d\":{\"uri\":\"/p%d/*\",\"upstream\":{\"nodes\":{\"127.0.0.1:%d\":1}}},", i, i, up }')
serve one "$catchall" 18083
serve many "$many$catchall" 18084
trap 'kill $(cat "$work"/*.pid "$work"/*.rspid 2>/dev/null) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
measure() { wrk -t1 -c50 -d2s "$1" > /dev/null; wrk -t1 -c50 -d"${duration}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
: > "$work/one.runs"; : > "$work/many.runs"
for round in $(seq "$rounds"); do
  measure http://127.0.0.1:18083/x >> "$work/one.runs"
  measure http://127.0.0.1:18084/x >> "$work/many.runs"
  printf 'round %s: 1 route %s, %s routes %s (req/s)\n' "$round" "$(tail -1 "$work/one.runs")" "$routes" "$(tail -1 "$work/many.runs")"
done
a=$(median < "$work/one.runs"); b=$(median < "$work/many.runs")
printf 'wrk -t1 -c50 -d%ss, medians of %s rounds: 1 route %s req/s, %s prefix routes %s req/s\n' "$duration" "$rounds" "$a" "$routes" "$b"
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio: %.2fx the one-route throughput (target >= 0.85)\n", b/a }'
