# Shared by the benchmarks: tools check, a work folder cleaned up at exit, an nginx `return 200` upstream.
# Usage: . tests/bench/lib.sh; need_tools; start_upstream PORT   (sets $work)
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
