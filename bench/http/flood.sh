#!/usr/bin/env bash
# Floods of invalid keys through the gateway, with the store queries they caused, counted by
# PostgreSQL itself (index scans of api_keys, pg_stat_user_tables):
#   bench/http/flood.sh SECONDS PG_URL
# Two floods of distinct keys from one client, each on a fresh Keywarden process (so the first
# does not leave the client blocked for the second): bad checksum, then valid checksum but
# unknown. Keywarden runs with its defaults, so failed authentications per client IP are limited
# (rate_limits.failed_auth: 60 per minute): past that budget the client is refused before its
# key is looked at. Appends rows to $BENCH_RESULTS/scale.tsv (store "postgresql-http").
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck source=scripts/lib/jdk.sh
. "$root/scripts/lib/jdk.sh"
keywarden_find_jdk > /dev/null
# shellcheck source=bench/http/lib.sh
. "$root/bench/http/lib.sh"
SECS=${1:-10}
PG_URL=$2
results=${BENCH_RESULTS:-$root/bench/results}
API_PORT=18581; GW_PORT=18580; UP_PORT=18590
work=$(mktemp -d)
schema="kw_flood_$(date +%s%N | tail -c 10)"
pg_host=$(sed -E 's|jdbc:postgresql://([^:/]+).*|\1|' <<< "$PG_URL")
pg_port=$(sed -E 's|jdbc:postgresql://[^:/]+:?([0-9]*)/.*|\1|' <<< "$PG_URL"); pg_port=${pg_port:-5432}
pg_db=$(sed -E 's|jdbc:postgresql://[^/]+/([^?]+).*|\1|' <<< "$PG_URL")
pg_user=$(sed -nE 's|.*[?&]user=([^&]+).*|\1|p' <<< "$PG_URL"); pg_user=${pg_user:-postgres}
psql_() { psql -X -w -q -At -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_db" -c "$1"; }
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
    psql_ "DROP SCHEMA IF EXISTS $schema CASCADE" > /dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
psql_ "CREATE SCHEMA $schema"
up_master=$(start_nginx "$work/upstream" "$UP_PORT"); pids+=("$up_master")
cat > "$work/keywarden.yaml" <<YAML
database:
  url: "$PG_URL$([[ $PG_URL == *\?* ]] && echo '&' || echo '?')currentSchema=$schema"
gateway:
  upstreams:
    default: {url: "http://127.0.0.1:$UP_PORT"}
  routes:
    - {path: /full, methods: [GET], scopes: [read]}
YAML
"$JAVA_HOME/bin/java" -cp "$root/bench/target/benchmarks.jar" io.keywarden.bench.scale.FloodKeys kw_sk_live 100000 bad "$work/bad.txt"
"$JAVA_HOME/bin/java" -cp "$root/bench/target/benchmarks.jar" io.keywarden.bench.scale.FloodKeys kw_sk_live 100000 unknown "$work/unknown.txt"
scans() {
    psql_ "SELECT coalesce(sum(idx_scan), 0) + coalesce(sum(seq_scan), 0) FROM pg_stat_user_tables WHERE schemaname = '$schema' AND relname = 'api_keys'"
}
for kind in bad unknown; do
    "$JAVA_HOME/bin/java" -jar "$root/keywarden-cli/target/keywarden.jar" serve --config "$work/keywarden.yaml" \
        --data-dir "$work/data" --api-port "$API_PORT" --gateway-port "$GW_PORT" \
        --admin-key-file "$work/admin.key" > "$work/kw-$kind.out" 2> "$work/kw-$kind.err" &
    kw_pid=$!; pids+=("$kw_pid")
    wait_alive_http "$kw_pid" "http://127.0.0.1:$API_PORT/healthz" 90 || { tail -n 20 "$work/kw-$kind.err" >&2; exit 1; }
    cat > "$work/$kind.lua" <<LUA
local keys = {}
for line in io.lines("$work/$kind.txt") do keys[#keys + 1] = line end
local i = 0
request = function()
    i = i + 1
    if i > #keys then i = 1 end
    return wrk.format("GET", "/full", {["Authorization"] = "Bearer " .. keys[i]})
end
LUA
    sleep 11   # PostgreSQL publishes a session's counters at transaction end, at most every 10 s when idle
    before=$(scans)
    out=$(wrk -t1 -c8 -d"${SECS}"s -s "$work/$kind.lua" "http://127.0.0.1:$GW_PORT/full")
    kill "$kw_pid"; wait "$kw_pid" 2> /dev/null || true   # its sessions end: their counters are published
    sleep 1
    after=$(scans)
    n=$(awk '/ requests in /{print $1}' <<< "$out")
    non2xx=$(awk '/Non-2xx/{print $NF}' <<< "$out")
    q=$((after - before))
    printf 'postgresql-http\tflood_%s_store_queries\t%s\tqueries\t%s requests in %s s through the gateway from one client, cycling over 100000 distinct keys (%s refused); failed_auth on (default)\n' \
        "$kind" "$q" "$n" "$SECS" "${non2xx:-0}" | tee -a "$results/scale.tsv"
    printf 'postgresql-http\tflood_%s_queries_per_second\t%s\tqueries/s\tindex and table scans of api_keys counted by PostgreSQL\n' \
        "$kind" "$(awk -v q="$q" -v s="$SECS" 'BEGIN{printf "%.1f", q / s}')" | tee -a "$results/scale.tsv"
    rm -rf "$work/data"
done
