#!/usr/bin/env bash
# The gateway next to nginx proxy_pass, same upstream (nginx static 200), same machine, same run:
#   bench/http/gateway-vs-nginx.sh [pairs] [seconds]      (defaults: 5 pairs of 10 s)
# Targets, alternating: nginx proxy_pass; Keywarden gateway with every check (key, scope);
# Keywarden gateway with authentication none. Writes bench/results/http-gateway.{tsv,md}.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck source=scripts/lib/jdk.sh
. "$root/scripts/lib/jdk.sh"
keywarden_find_jdk
# shellcheck source=bench/http/lib.sh
. "$root/bench/http/lib.sh"
PAIRS=${1:-5}
export DURATION=${2:-10}
API_PORT=18181; GW_PORT=18180; UP_PORT=18190; PROXY_PORT=18191
for tool in nginx wrk curl; do
    command -v "$tool" > /dev/null || { echo "$tool is needed (apt-get install nginx-light wrk curl)" >&2; exit 1; }
done
(cd "$root" && ./mvnw -B -q -DskipTests -pl keywarden-cli -am package)
work=$(mktemp -d)
mkdir -p "$root/bench/results"
export RESULTS=$root/bench/results/http-gateway.tsv
: > "$RESULTS"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
    wait 2> /dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

up_master=$(start_nginx "$work/upstream" "$UP_PORT"); pids+=("$up_master")
proxy_master=$(UPSTREAM_PORT=$UP_PORT start_nginx "$work/proxy" "$PROXY_PORT"); pids+=("$proxy_master")
proxy_worker=$(worker_pid "$proxy_master")

cat > "$work/keywarden.yaml" <<YAML
gateway:
  upstreams:
    default: {url: "http://127.0.0.1:$UP_PORT", pool_size: 64}
  routes:
    - {path: /checked, methods: [GET], scopes: [read]}
    - {path: /open, methods: [GET], authentication: none}
YAML
"$JAVA_HOME/bin/java" ${KEYWARDEN_JAVA_OPTS:-} -jar "$root/keywarden-cli/target/keywarden.jar" serve \
    --config "$work/keywarden.yaml" --data-dir "$work/data" --api-port "$API_PORT" --gateway-port "$GW_PORT" \
    --admin-key-file "$work/admin.key" > "$work/kw.out" 2> "$work/kw.err" &
kw_pid=$!; pids+=("$kw_pid")
wait_http "http://127.0.0.1:$API_PORT/healthz" 30
admin=$(cat "$work/admin.key")
api() { curl -fsS -X "$1" "http://127.0.0.1:$API_PORT$2" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
jget() { sed -E "s/.*\"$1\":\"([^\"]+)\".*/\1/"; }
ws=$(api POST /v1/workspaces '{"name":"bench"}' | jget id)
usr=$(api POST /v1/users '{"email":"bench@example.com","name":"Bench"}' | jget id)
api PUT "/v1/workspaces/$ws/members/$usr" '{"role":"member"}' > /dev/null
key=$(api POST /v1/keys "{\"workspace_id\":\"$ws\",\"kind\":\"user\",\"user_id\":\"$usr\",\"name\":\"bench\",\"scopes\":[\"read\"]}" | jget secret)
auth=(-H "Authorization: Bearer $key")
curl -fsS "${auth[@]}" "http://127.0.0.1:$GW_PORT/checked" > /dev/null || { echo "gateway setup failed" >&2; exit 1; }

echo "# warm-up (discarded)" >&2
DURATION=10 run_wrk warmup "$kw_pid" "http://127.0.0.1:$GW_PORT/checked" "${auth[@]}" > /dev/null
DURATION=5 run_wrk warmup "$kw_pid" "http://127.0.0.1:$GW_PORT/open" "${auth[@]}" > /dev/null
DURATION=3 run_wrk warmup "$proxy_worker" "http://127.0.0.1:$PROXY_PORT/proxy/checked" "${auth[@]}" > /dev/null
: > "$RESULTS"
for ((i = 1; i <= PAIRS; i++)); do
    run_wrk nginx-proxy "$proxy_worker" "http://127.0.0.1:$PROXY_PORT/proxy/checked" "${auth[@]}" > /dev/null
    run_wrk keywarden-checked "$kw_pid" "http://127.0.0.1:$GW_PORT/checked" "${auth[@]}" > /dev/null
    run_wrk keywarden-open "$kw_pid" "http://127.0.0.1:$GW_PORT/open" "${auth[@]}" > /dev/null
done
{
    echo "# Gateway vs nginx proxy_pass (same nginx upstream)"
    echo
    echo "$(machine_line); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); wrk -t1 -c32 -d${DURATION}s --latency; $PAIRS rounds"
    echo
    echo "| round | target | req/s | p50 ms | p99 ms | CPU s | req per CPU-s | steal % | non-2xx |"
    echo "|---|---|---|---|---|---|---|---|---|"
    awk -F'\t' '{ n[$1]++; printf "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", n[$1], $1, $2, $3, $4, $5, $6, $7, $8 }' "$RESULTS"
    echo
    echo '```'
    summarize nginx-proxy keywarden-checked
    summarize keywarden-open keywarden-checked
    echo '```'
} | tee "$root/bench/results/http-gateway.md"
