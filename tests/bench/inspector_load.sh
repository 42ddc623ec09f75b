#!/usr/bin/env bash
# Issue 4 benchmark: the window open (offscreen platform) while wrk drives the proxy at full speed
# through a route with ext-plugin-post-resp (demo runner). The app's benchmark mode measures GUI-thread
# stalls with a 10 ms timer and reports exchanges seen vs shown, and resident memory.
# Then (issue 10) the window is shown big bodies, captured whole (64 MiB body cap): 5 MB bodies the runner
# changes (ext-plugin-post-resp `body` append), 5 MB and 50 MB bodies whose headers it changes, while
# the window keeps selecting the newest exchange and showing its Changes, response and Runner tabs.
# Usage: tests/bench/inspector_load.sh [BUILD_DIR] [DURATION_S] [BUDGET_MIB]
set -euo pipefail
build=${1:-build}
duration=${2:-60}
budget=${3:-256}
routescope=$(realpath "$build/bin/routescope")
runner=$(realpath "$build/bin/routescope-demo-runner")
. "$(dirname "$0")/lib.sh"
need_tools
RSP=18084 RSA=18184 DEMO=18985
cat > "$work/ws.json" <<JSON
{"admin_key": "bench", "capture_budget_mib": $budget, "routes": {}, "upstreams": {}}
JSON
QT_QPA_PLATFORM=offscreen "$routescope" --workspace "$work/ws.json" --proxy 127.0.0.1:$RSP --admin 127.0.0.1:$RSA \
  --demo-upstream 127.0.0.1:$DEMO --runner-cmd "$runner" --bench-report "$work/report.json" > "$work/rs.log" 2>&1 &
rs_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$RSA/" && break; sleep 0.1; done
curl -s -o /dev/null -H 'X-API-KEY: bench' -X PUT "http://127.0.0.1:$RSA/apisix/admin/routes/1" \
  -d "{\"uri\":\"/*\",\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"ext-plugin-A\",\"value\":\"x\"}]}},\"upstream\":{\"nodes\":{\"127.0.0.1:$DEMO\":1}}}"
sleep 1
curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$RSP/warm" | grep -q 200 || { echo "route not working"; cat "$work/rs.log"; exit 1; }
wrk -t1 -c50 -d"${duration}s" "http://127.0.0.1:$RSP/load" > "$work/wrk.txt"
sleep 1
kill -TERM "$rs_pid"
wait "$rs_pid" || true
echo "wrk -t1 -c50 -d${duration}s through ext-plugin-post-resp, window open (offscreen), capture budget ${budget} MiB"
grep -E "Requests/sec|requests in" "$work/wrk.txt"
cat "$work/report.json"
python3 - "$work/report.json" "$budget" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); budget = float(sys.argv[2])
lost = r["exchanges_seen"] - r["exchanges_shown"] - 0
print(f"GUI stall p99 {r['stall_p99_ms']} ms (target < 50), max {r['stall_max_ms']} ms, of which the GUI thread ran {r.get('stall_max_gui_cpu_ms', '?')} ms")
print(f"exchanges seen {r['exchanges_seen']}, given to the table {r['exchanges_shown']}, evicted for the budget {r['exchanges_evicted_for_budget']}")
print(f"max resident {r['max_rss_mib']:.0f} MiB (target < budget + 150 = {budget + 150:.0f} MiB)")
PY

# Big bodies in the window.
RSP=18086 RSA=18186 DEMO=18986
cat > "$work/ws-big.json" <<JSON
{"admin_key": "bench", "capture_budget_mib": 1024, "capture_body_cap_kib": 65536, "routes": {}, "upstreams": {}}
JSON
QT_QPA_PLATFORM=offscreen "$routescope" --workspace "$work/ws-big.json" --proxy 127.0.0.1:$RSP --admin 127.0.0.1:$RSA \
  --demo-upstream 127.0.0.1:$DEMO --runner-cmd "$runner" --bench-report "$work/report-big.json" --bench-show-latest > "$work/rs-big.log" 2>&1 &
rs_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$RSA/" && break; sleep 0.1; done
# /a/*: the runner appends to the body (it reads it with RespBody, so only up to the 16 MiB frame limit);
# /h/*: the runner sets a header and the body streams through unchanged.
curl -s -o /dev/null -H 'X-API-KEY: bench' -X PUT "http://127.0.0.1:$RSA/apisix/admin/routes/a" \
  -d "{\"uri\":\"/a/*\",\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"body\",\"value\":\"{\\\"append\\\":\\\"-changed\\\"}\"}]}},\"upstream\":{\"nodes\":{\"127.0.0.1:$DEMO\":1}}}"
curl -s -o /dev/null -H 'X-API-KEY: bench' -X PUT "http://127.0.0.1:$RSA/apisix/admin/routes/h" \
  -d "{\"uri\":\"/h/*\",\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"response-headers\",\"value\":\"{\\\"set\\\":{\\\"X-Seen\\\":\\\"1\\\"}}\"}]}},\"upstream\":{\"nodes\":{\"127.0.0.1:$DEMO\":1}}}"
sleep 1
for target in /a/bytes/5242880 /h/bytes/5242880 /h/bytes/52428800; do
  for i in 1 2 3; do
    curl -s -o /dev/null -w "GET $target -> %{http_code}, %{size_download} bytes in %{time_total} s\n" "http://127.0.0.1:$RSP$target"
    sleep 1.7 # the window shows it on each tab in turn
  done
done
kill -TERM "$rs_pid"
wait "$rs_pid" || true
echo "5 MB bodies changed by the runner, 5 MB and 50 MB bodies with changed headers, shown in the window (Changes, responses, Runner), 3 of each"
python3 - "$work/report-big.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"GUI stall p99 {r['stall_p99_ms']} ms, longest {r['stall_max_ms']} ms (target < 50), of which the GUI thread ran {r['stall_max_gui_cpu_ms']} ms; max resident {r['max_rss_mib']:.0f} MiB")
PY
