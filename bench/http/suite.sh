#!/usr/bin/env bash
# Every HTTP case of the suite in alternating rounds, same machine, same run:
#   bench/http/suite.sh ROUNDS SECONDS WARMUP_SECONDS
# Targets, in this order in every round (each round is one A/B pair for every comparison):
#   nginx-static        nginx answering a static 200 (1 worker, access_log off)
#   keywarden-verify    POST /v1/keys/verify on Keywarden's API (SQLite, cached key)
#   nginx-proxy         nginx proxy_pass to the upstream (keepalive 64)
#   keywarden-gw-open   Keywarden's gateway, route with authentication: none
#   keywarden-gw-full   Keywarden's gateway, every check (key, scope, identity headers; plus a
#                       rate-limit policy when this build supports rate_limits)
#   scg                 Spring Cloud Gateway (bench/peer-scg) with an HMAC key-check filter
# The upstream is a second nginx answering a static 200. Same headers for every target.
# Writes http.tsv (one row per run, see lib.sh) and http-notes.txt to $BENCH_RESULTS
# (default bench/results).
# Expects bench/target and keywarden-cli/target to be built (bench/run does that).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck source=scripts/lib/jdk.sh
. "$root/scripts/lib/jdk.sh"
keywarden_find_jdk > /dev/null
# shellcheck source=bench/http/lib.sh
. "$root/bench/http/lib.sh"
ROUNDS=${1:-4}
export DURATION=${2:-10}
WARMUP=${3:-10}
UP_PORT=18290; FRONT_PORT=18291; SCG_PORT=18292; API_PORT=18281; GW_PORT=18280
results=${BENCH_RESULTS:-$root/bench/results}
notes=$results/http-notes.txt
mkdir -p "$results"
export RESULTS=$results/http.tsv
: > "$RESULTS"; : > "$notes"
work=$(mktemp -d)
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
note() { echo "$*" | tee -a "$notes" >&2; }

up_master=$(start_nginx "$work/upstream" "$UP_PORT"); pids+=("$up_master")
front_master=$(UPSTREAM_PORT=$UP_PORT start_nginx "$work/front" "$FRONT_PORT"); pids+=("$front_master")
front_worker=$(worker_pid "$front_master")

# Keywarden: API and gateway in one process. Keys get a per-key rate-limit policy whose limit is
# never reached, so every keyed request (gateway full route, verify API) is checked and counted but
# none refused; the open route has no policy (no common policies), so it runs no check at all.
# Builds without rate limits refuse the section; the suite then runs without it and says so.
write_config() {
    cat > "$work/keywarden.yaml" <<YAML
gateway:
  upstreams:
    default: {url: "http://127.0.0.1:$UP_PORT", pool_size: 64}
  routes:
    - {path: /full, methods: [GET], scopes: [read]}
    - {path: /open, methods: [GET], authentication: none}
YAML
    if [[ $1 == with-limits ]]; then
        cat >> "$work/keywarden.yaml" <<YAML
rate_limits:
  backend: local
  management: {limit: 50000000, window: 1m}
  plans:
    default:
      - {name: bench-per-key, limit: 50000000, window: 1m, by: [key]}
YAML
    fi
}
start_keywarden() {
    rm -rf "$work/data"
    "$JAVA_HOME/bin/java" ${KEYWARDEN_JAVA_OPTS:-} -jar "$root/keywarden-cli/target/keywarden.jar" serve \
        --config "$work/keywarden.yaml" --data-dir "$work/data" --api-port "$API_PORT" --gateway-port "$GW_PORT" \
        --admin-key-file "$work/admin.key" > "$work/kw.out" 2> "$work/kw.err" &
    kw_pid=$!
    wait_alive_http "$kw_pid" "http://127.0.0.1:$API_PORT/healthz" 60
}
limits=on
write_config with-limits
if ! start_keywarden; then
    kill "$kw_pid" 2> /dev/null || true; wait "$kw_pid" 2> /dev/null || true
    limits=off
    write_config without-limits
    start_keywarden || { cat "$work/kw.err" >&2; exit 1; }
fi
pids+=("$kw_pid")
admin=$(cat "$work/admin.key")
api() { curl -fsS -X "$1" "http://127.0.0.1:$API_PORT$2" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
jget() { sed -E "s/.*\"$1\":\"([^\"]+)\".*/\1/"; }
ws=$(api POST /v1/workspaces '{"name":"bench"}' | jget id)
usr=$(api POST /v1/users '{"email":"bench@example.com","name":"Bench"}' | jget id)
api PUT "/v1/workspaces/$ws/members/$usr" '{"role":"member"}' > /dev/null
key=$(api POST /v1/keys "{\"workspace_id\":\"$ws\",\"kind\":\"user\",\"user_id\":\"$usr\",\"name\":\"bench\",\"scopes\":[\"read\"]}" | jget secret)
curl -fsS "http://127.0.0.1:$GW_PORT/full" -H "Authorization: Bearer $key" -D "$work/full.headers" -o /dev/null \
    || { echo "gateway setup failed" >&2; exit 1; }
if [[ $limits == on ]] && ! grep -qi '^x-ratelimit-limit' "$work/full.headers"; then
    limits="configured but not visible in the answer (no X-RateLimit-Limit header)"
fi
note "keywarden-gw-full: key, scope read, identity headers; rate-limit policy: $limits"

# Every target gets the same request: POST with the same JSON body, Authorization and
# Content-Type headers (nginx and the gateways ignore the body; the verify API reads it).
cat > "$work/req.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"key":"$key","scopes":["read"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $admin"
LUA
cat > "$work/gw.lua" <<LUA
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer $key"
LUA
check=$(curl -fsS -X POST "http://127.0.0.1:$API_PORT/v1/keys/verify" -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/json' -d "{\"key\":\"$key\",\"scopes\":[\"read\"]}")
echo "$check" | grep -q '"valid":true' || { echo "verify setup failed: $check" >&2; exit 1; }

scg=off
scg_jar=$root/bench/peer-scg/target/peer-scg.jar
if [[ -f $scg_jar ]]; then
    UPSTREAM_URL="http://127.0.0.1:$UP_PORT" BENCH_KEY="$key" "$JAVA_HOME/bin/java" ${SCG_JAVA_OPTS:-} -jar "$scg_jar" \
        --server.port="$SCG_PORT" --logging.level.root=WARN > "$work/scg.out" 2>&1 &
    scg_pid=$!; pids+=("$scg_pid")
    t0=$SECONDS
    until curl -s -o /dev/null "http://127.0.0.1:$SCG_PORT/" || ! kill -0 "$scg_pid" 2> /dev/null || ((SECONDS - t0 > 120)); do
        sleep 0.1
    done
    note "scg: started in about $((SECONDS - t0)) s"
    if kill -0 "$scg_pid" 2> /dev/null; then
        code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SCG_PORT/full" -H "Authorization: Bearer $key")
        bad=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SCG_PORT/full" -H "Authorization: Bearer ${key}x")
        if [[ $code == 200 && $bad == 401 ]]; then scg=on; else note "scg: unexpected answers $code / $bad"; fi
    else
        note "scg: did not start"; tail -n 20 "$work/scg.out" >&2
    fi
else
    note "scg: $scg_jar not built; skipped"
fi

targets=(nginx-static keywarden-verify nginx-proxy keywarden-gw-open keywarden-gw-full)
[[ $scg == on ]] && targets+=(scg)
run_target() {
    case $1 in
        nginx-static) run_wrk "$2" "$front_worker" "http://127.0.0.1:$FRONT_PORT/" -s "$work/req.lua" ;;
        keywarden-verify) run_wrk "$2" "$kw_pid" "http://127.0.0.1:$API_PORT/v1/keys/verify" -s "$work/req.lua" ;;
        nginx-proxy) run_wrk "$2" "$front_worker" "http://127.0.0.1:$FRONT_PORT/proxy/full" -s "$work/gw.lua" ;;
        keywarden-gw-open) run_wrk "$2" "$kw_pid" "http://127.0.0.1:$GW_PORT/open" -s "$work/gw.lua" ;;
        keywarden-gw-full) run_wrk "$2" "$kw_pid" "http://127.0.0.1:$GW_PORT/full" -s "$work/gw.lua" ;;
        scg) run_wrk "$2" "$scg_pid" "http://127.0.0.1:$SCG_PORT/full" -s "$work/gw.lua" ;;
    esac > /dev/null
}
# Warm-up (discarded): the JVMs need far longer than nginx to reach steady state, Spring Cloud
# Gateway most of all (measured here: 75, 520, 1360, 2000, 4200, 6400 req/s in consecutive 8 s runs
# after start on a loaded machine), so each gets a warm-up in proportion: nginx WARMUP/2,
# Keywarden WARMUP per case (after the verify case, the gateway's JIT is already warm in part),
# Spring Cloud Gateway 4.5 x WARMUP.
warmup_of() {
    case $1 in
        nginx-*) echo $(( WARMUP / 2 > 0 ? WARMUP / 2 : 1 )) ;;
        keywarden-*) echo $(( WARMUP )) ;;
        scg) echo $(( WARMUP * 9 / 2 )) ;;
    esac
}
for t in "${targets[@]}"; do
    echo "# warm-up $t: $(warmup_of "$t") s (discarded)" >&2
    DURATION=$(warmup_of "$t") run_target "$t" "warmup-$t"
done
: > "$RESULTS"
for ((i = 1; i <= ROUNDS; i++)); do
    echo "# round $i/$ROUNDS" >&2
    for t in "${targets[@]}"; do
        run_target "$t" "$t"
    done
done
note "rss_kb keywarden=$(awk '/VmRSS/{print $2}' /proc/$kw_pid/status)${scg_pid:+ scg=$(awk '/VmRSS/{print $2}' /proc/$scg_pid/status 2> /dev/null)}"
note "machine: $(machine_line); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); wrk -t1 -c32 -d${DURATION}s --latency; $ROUNDS rounds; warm-up: nginx $(warmup_of nginx-static) s, Keywarden $(warmup_of keywarden-verify) s per case, SCG $(warmup_of scg) s"
