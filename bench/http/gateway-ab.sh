#!/usr/bin/env bash
# Two builds of the gateway side by side, alternating, with nginx proxy_pass as the yardstick:
#   bench/http/gateway-ab.sh OLD_JAR NEW_JAR [pairs] [seconds]     (defaults: 5 pairs of 10 s)
# Both jars serve the same configuration and the same kind of key (scope read) on their own ports,
# in front of the same nginx upstream (static 200). Each round runs, in this order: nginx
# proxy_pass, OLD checked, NEW checked, OLD open (authentication none), NEW open. Writes
# bench/results/http-gateway-ab.{tsv,md}. Compare requests per CPU-second: on a shared machine
# req/s follows the neighbours' load, CPU per request much less.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck source=scripts/lib/jdk.sh
. "$root/scripts/lib/jdk.sh"
keywarden_find_jdk
# shellcheck source=bench/http/lib.sh
. "$root/bench/http/lib.sh"
OLD_JAR=$(realpath "$1"); NEW_JAR=$(realpath "$2")
PAIRS=${3:-5}
export DURATION=${4:-10}
UP_PORT=18290; PROXY_PORT=18291
for tool in nginx wrk curl; do
    command -v "$tool" > /dev/null || { echo "$tool is needed (apt-get install nginx-light wrk curl)" >&2; exit 1; }
done
work=$(mktemp -d)
mkdir -p "$root/bench/results"
export RESULTS=$root/bench/results/http-gateway-ab.tsv
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

# start NAME JAR API_PORT GW_PORT: starts a node, creates a key; sets kw_pid and key.
start() {
    local name=$1 jar=$2 api_port=$3 gw_port=$4
    "$JAVA_HOME/bin/java" ${KEYWARDEN_JAVA_OPTS:-} -jar "$jar" serve \
        --config "$work/keywarden.yaml" --data-dir "$work/$name-data" --api-port "$api_port" --gateway-port "$gw_port" \
        --admin-key-file "$work/$name-admin.key" > "$work/$name.out" 2> "$work/$name.err" &
    kw_pid=$!; pids+=("$kw_pid")
    wait_http "http://127.0.0.1:$api_port/healthz" 30
    local admin
    admin=$(cat "$work/$name-admin.key")
    api() { curl -fsS -X "$1" "http://127.0.0.1:$api_port$2" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
    jget() { sed -E "s/.*\"$1\":\"([^\"]+)\".*/\1/"; }
    local ws usr
    ws=$(api POST /v1/workspaces '{"name":"bench"}' | jget id)
    usr=$(api POST /v1/users '{"email":"bench@example.com","name":"Bench"}' | jget id)
    api PUT "/v1/workspaces/$ws/members/$usr" '{"role":"member"}' > /dev/null
    key=$(api POST /v1/keys "{\"workspace_id\":\"$ws\",\"kind\":\"user\",\"user_id\":\"$usr\",\"name\":\"bench\",\"scopes\":[\"read\"]}" | jget secret)
    curl -fsS -H "Authorization: Bearer $key" "http://127.0.0.1:$gw_port/checked" > /dev/null || { echo "$name setup failed" >&2; exit 1; }
}
start old "$OLD_JAR" 18281 18280; old_pid=$kw_pid; old_key=$key
start new "$NEW_JAR" 18181 18180; new_pid=$kw_pid; new_key=$key

echo "# warm-up (discarded)" >&2
for t in old:$old_pid:18280:$old_key new:$new_pid:18180:$new_key; do
    IFS=: read -r _ pid port k <<< "$t"
    DURATION=10 run_wrk warmup "$pid" "http://127.0.0.1:$port/checked" -H "Authorization: Bearer $k" > /dev/null
    DURATION=5 run_wrk warmup "$pid" "http://127.0.0.1:$port/open" -H "Authorization: Bearer $k" > /dev/null
done
DURATION=3 run_wrk warmup "$proxy_worker" "http://127.0.0.1:$PROXY_PORT/proxy/checked" -H "Authorization: Bearer $new_key" > /dev/null
: > "$RESULTS"
for ((i = 1; i <= PAIRS; i++)); do
    run_wrk nginx-proxy "$proxy_worker" "http://127.0.0.1:$PROXY_PORT/proxy/checked" -H "Authorization: Bearer $new_key" > /dev/null
    run_wrk old-checked "$old_pid" "http://127.0.0.1:18280/checked" -H "Authorization: Bearer $old_key" > /dev/null
    run_wrk new-checked "$new_pid" "http://127.0.0.1:18180/checked" -H "Authorization: Bearer $new_key" > /dev/null
    run_wrk old-open "$old_pid" "http://127.0.0.1:18280/open" -H "Authorization: Bearer $old_key" > /dev/null
    run_wrk new-open "$new_pid" "http://127.0.0.1:18180/open" -H "Authorization: Bearer $new_key" > /dev/null
done
{
    echo "# Gateway A/B: $(basename "$OLD_JAR") (old) vs $(basename "$NEW_JAR") (new), nginx proxy_pass as yardstick"
    echo
    echo "$(machine_line); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); wrk -t1 -c32 -d${DURATION}s --latency; $PAIRS rounds"
    echo
    echo "| round | target | req/s | p50 ms | p99 ms | CPU s | req per CPU-s | steal % | non-2xx |"
    echo "|---|---|---|---|---|---|---|---|---|"
    awk -F'\t' '{ n[$1]++; printf "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", n[$1], $1, $2, $3, $4, $5, $6, $7, $8 }' "$RESULTS"
    echo
    echo '```'
    summarize old-checked new-checked
    summarize old-open new-open
    summarize nginx-proxy new-checked
    summarize nginx-proxy old-checked
    summarize new-open new-checked
    echo '```'
} | tee "$root/bench/results/http-gateway-ab.md"
