# Shared by the benchmarks: tools check, a work folder cleaned up at exit, an nginx `return 200` upstream.
# Usage: . tests/bench/lib.sh; need_tools; start_upstream PORT   (sets $work); start_routescope_beside_nginx;
#        start_routescope_with_runner; put_route ID JSON
need_tools() {
  command -v nginx >/dev/null || { echo "needs nginx (apt-get install nginx-light)"; exit 2; }
  command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 2; }
}
work=$(mktemp -d)
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null; kill "${rs_pid:-}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
start_upstream() {
  cat > "$work/upstream.conf" <<CONF
worker_processes 1; daemon on; pid $work/upstream.pid; error_log $work/upstream.err;
events { worker_connections 4096; }
http { access_log off;
  server { listen 127.0.0.1:$1; keepalive_requests 1000000; location / { return 200 "hello from upstream\n"; } } }
CONF
  nginx -c "$work/upstream.conf" -p "$work"
}
# `routescope serve --workers 1` on 127.0.0.1:$RSP (Admin API $RSA, workspace $work/ws.json) with route 1
# "/*" to the upstream on $UP; checks it and the nginx proxy on $NGX answer. Sets $rs_pid.
start_routescope_beside_nginx() {
  ROUTESCOPE_ADMIN_KEY=bench "$routescope" serve --workspace "$work/ws.json" --proxy 127.0.0.1:$RSP \
    --admin 127.0.0.1:$RSA --workers 1 --demo-upstream off > "$work/rs.log" 2>&1 &
  rs_pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$RSA/" && break; sleep 0.1; done
  curl -s -o /dev/null -H 'X-API-KEY: bench' -X PUT "http://127.0.0.1:$RSA/apisix/admin/routes/1" \
    -d "{\"uri\":\"/*\",\"upstream\":{\"nodes\":{\"127.0.0.1:$UP\":1}}}"
  [ "$(curl -s "http://127.0.0.1:$RSP/x")" = "hello from upstream" ] || { echo "routescope route not working"; exit 1; }
  [ "$(curl -s "http://127.0.0.1:$NGX/x")" = "hello from upstream" ] || { echo "nginx proxy not working"; exit 1; }
}
# `routescope serve --workers 1` on 127.0.0.1:$RSP (Admin API $RSA, workspace $work/ws.json) with the demo
# runner $runner, waiting until the Admin API answers. Sets $rs_pid.
start_routescope_with_runner() {
  ROUTESCOPE_ADMIN_KEY=bench "$routescope" serve --workspace "$work/ws.json" --proxy 127.0.0.1:$RSP \
    --admin 127.0.0.1:$RSA --workers 1 --demo-upstream off --runner-cmd "$runner" > "$work/rs.log" 2>&1 &
  rs_pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$RSA/" && break; sleep 0.1; done
}
# PUT /apisix/admin/routes/ID with JSON on the engine above; prints the status.
put_route() {
  curl -s -o /dev/null -w '%{http_code}' -H 'X-API-KEY: bench' -X PUT "http://127.0.0.1:$RSA/apisix/admin/routes/$1" -d "$2"
}
