#!/usr/bin/env bash
# POST /v1/keys/verify throughput next to nginx serving a static 200, same machine, same run:
#   bench/http/verify-vs-nginx.sh [pairs] [seconds]     (defaults: 5 pairs of 10 s)
# Needs nginx and wrk (Debian packages nginx-light, wrk). Writes bench/results/http-verify.{tsv,md}.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck source=scripts/lib/jdk.sh
. "$root/scripts/lib/jdk.sh"
keywarden_find_jdk
# shellcheck source=bench/http/lib.sh
. "$root/bench/http/lib.sh"
PAIRS=${1:-5}
export DURATION=${2:-10}
KW_PORT=${KW_PORT:-18081}
NGINX_PORT=${NGINX_PORT:-18090}

for tool in nginx wrk curl; do
    command -v "$tool" > /dev/null || { echo "$tool is needed (apt-get install nginx-light wrk curl)" >&2; exit 1; }
done
(cd "$root" && ./mvnw -B -q -DskipTests -pl keywarden-cli -am package)

work=$(mktemp -d)
mkdir -p "$root/bench/results"
export RESULTS=$root/bench/results/http-verify.tsv
: > "$RESULTS"
kw_pid=""
nginx_pid=""
cleanup() {
    [[ -n $kw_pid ]] && kill "$kw_pid" 2> /dev/null && wait "$kw_pid" 2> /dev/null
    [[ -n $nginx_pid ]] && kill "$nginx_pid" 2> /dev/null
    rm -rf "$work"
}
trap cleanup EXIT

"$JAVA_HOME/bin/java" ${KEYWARDEN_JAVA_OPTS:-} -jar "$root/keywarden-cli/target/keywarden.jar" serve \
    --data-dir "$work/data" --api-port "$KW_PORT" --gateway-port $((KW_PORT + 1000)) \
    --admin-key-file "$work/admin.key" > "$work/kw.out" 2> "$work/kw.err" &
kw_pid=$!
wait_http "http://127.0.0.1:$KW_PORT/healthz" 30
admin=$(cat "$work/admin.key")
api() {
    curl -fsS -X "$1" "http://127.0.0.1:$KW_PORT$2" -H "Authorization: Bearer $admin" \
        -H 'Content-Type: application/json' ${3:+-d "$3"}
}
jget() { sed -E "s/.*\"$1\":\"([^\"]+)\".*/\1/"; }
ws=$(api POST /v1/workspaces '{"name":"bench"}' | jget id)
usr=$(api POST /v1/users '{"email":"bench@example.com","name":"Bench"}' | jget id)
api PUT "/v1/workspaces/$ws/members/$usr" '{"role":"member"}' > /dev/null
key=$(api POST /v1/keys "{\"workspace_id\":\"$ws\",\"kind\":\"user\",\"user_id\":\"$usr\",\"name\":\"bench\",\"scopes\":[\"read\"]}" | jget secret)

cat > "$work/verify.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"key":"$key","scopes":["read"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $admin"
LUA
check=$(curl -fsS -X POST "http://127.0.0.1:$KW_PORT/v1/keys/verify" -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/json' -d "{\"key\":\"$key\",\"scopes\":[\"read\"]}")
echo "$check" | grep -q '"valid":true' || { echo "verify setup failed: $check" >&2; exit 1; }

nginx_master=$(start_nginx "$work/nginx" "$NGINX_PORT")
nginx_pid=$nginx_master
nginx_worker=$(worker_pid "$nginx_master")

echo "# warm-up (discarded)" >&2
DURATION=10 run_wrk warmup-keywarden "$kw_pid" "http://127.0.0.1:$KW_PORT/v1/keys/verify" -s "$work/verify.lua" > /dev/null
DURATION=3 run_wrk warmup-nginx "$nginx_worker" "http://127.0.0.1:$NGINX_PORT/" -s "$work/verify.lua" > /dev/null
: > "$RESULTS"
for ((i = 1; i <= PAIRS; i++)); do
    run_wrk nginx-static "$nginx_worker" "http://127.0.0.1:$NGINX_PORT/" -s "$work/verify.lua" > /dev/null
    run_wrk keywarden-verify "$kw_pid" "http://127.0.0.1:$KW_PORT/v1/keys/verify" -s "$work/verify.lua" > /dev/null
done

{
    echo "# POST /v1/keys/verify vs nginx static 200"
    echo
    echo "$(machine_line); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); wrk -t1 -c32 -d${DURATION}s --latency; $PAIRS pairs"
    echo
    echo "| run | target | req/s | p50 ms | p99 ms | CPU s | req per CPU-s | steal % | non-2xx |"
    echo "|---|---|---|---|---|---|---|---|---|"
    awk -F'\t' '{ n[$1]++; printf "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", n[$1], $1, $2, $3, $4, $5, $6, $7, $8 }' "$RESULTS"
    echo
    echo '```'
    summarize nginx-static keywarden-verify
    echo '```'
} | tee "$root/bench/results/http-verify.md"
