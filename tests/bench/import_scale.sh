#!/usr/bin/env bash
# Issue 14 benchmark: `routescope import` of an apisix.yaml with N routes (each with an ext-plugin conf,
# all on one upstream), then `export` of it and `import --replace` of the export, timed; the second export
# must be byte-identical to the first.
# Usage: tests/bench/import_scale.sh [BUILD_DIR] [ROUTES]
set -euo pipefail
build=${1:-build}
routes=${2:-10000}
routescope=$(realpath "$build/bin/routescope")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$routes" > "$work/apisix.yaml" <<'PY'
import sys
n = int(sys.argv[1])
print("routes:")
for i in range(n):
    print(f"  - id: {i + 1}\n    uri: /r{i}/*\n    upstream_id: 1\n    plugins:\n      ext-plugin-pre-req:\n"
          f"        conf:\n          - name: ext-plugin-A\n            value: '{{\"enable\":\"feature\"}}'")
print("upstreams:\n  - id: 1\n    nodes:\n      \"127.0.0.1:1980\": 1\n#END")
PY
seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }
t_import=$(seconds "$routescope" import --workspace "$work/a.json" "$work/apisix.yaml")
t_export=$(seconds sh -c "'$routescope' export --workspace '$work/a.json' --format apisix-yaml > '$work/out.yaml'")
t_reimport=$(seconds "$routescope" import --workspace "$work/b.json" --replace "$work/out.yaml")
"$routescope" export --workspace "$work/b.json" --format apisix-yaml --include-demo 2> /dev/null > "$work/out2.yaml"
same=$(cmp -s "$work/out.yaml" "$work/out2.yaml" && echo "byte-identical" || echo "DIFFERENT")
echo "routes: $routes (file $(wc -c < "$work/apisix.yaml") bytes)"
echo "import ${t_import}s, export ${t_export}s, import of the export ${t_reimport}s; export, import, export: $same"
