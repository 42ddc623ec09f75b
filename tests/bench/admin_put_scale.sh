#!/usr/bin/env bash
# Issue 13 benchmark: the median time of an Admin API PUT (answered once it is on disk) with N routes already
# stored, for each N given. The routes are written into the workspace before `routescope serve` starts;
# 51 PUTs of new routes are then timed by curl (time_total, one connection each).
# Usage: tests/bench/admin_put_scale.sh [BUILD_DIR] [N ...]   (default: 1 1000 3000 10000)
set -euo pipefail
build=${1:-build}
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1 1000 3000 10000)
routescope=$(realpath "$build/bin/routescope")
work=$(mktemp -d)
trap 'kill "${rs_pid:-}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
RSA=18185
printf '%-8s %12s\n' routes put_median_ms
for n in "${counts[@]}"; do
  awk -v n="$n" 'BEGIN { printf "{\"routescope_workspace\":1,\"upstreams\":{},\"routes\":{"
    for (i = 0; i < n; i++) printf "%s\"r%d\":{\"uri\":\"/p%d/*\",\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1}}}", (i ? "," : ""), i, i
    printf "}}\n" }' > "$work/ws.json"
  ROUTESCOPE_ADMIN_KEY=bench "$routescope" serve --workspace "$work/ws.json" --proxy 127.0.0.1:0 --admin 127.0.0.1:$RSA \
    --demo-upstream off > "$work/rs.log" 2>&1 &
  rs_pid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$RSA/" && break; sleep 0.1; done
  for i in $(seq 51); do
    curl -s -o /dev/null -w '%{time_total}\n' -H 'X-API-KEY: bench' -X PUT "http://127.0.0.1:$RSA/apisix/admin/routes/new$i" \
      -d "{\"uri\":\"/new$i\",\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1}}}"
  done | sort -g | awk -v n="$n" '{v[NR]=$1} END {printf "%-8s %12.2f\n", n, v[int((NR+1)/2)]*1000}'
  kill "$rs_pid"; wait "$rs_pid" 2>/dev/null || true
done
