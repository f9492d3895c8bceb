#!/usr/bin/env bash
# Start to ready on an empty data directory, JVM start included:
#   bench/http/startup.sh [runs]     (default 5)
# Measures from running `./keywarden serve` (the README's command: launcher, JVM start, class-data
# sharing archive) until GET /readyz answers 200. Writes bench/results/startup.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck source=scripts/lib/jdk.sh
. "$root/scripts/lib/jdk.sh"
keywarden_find_jdk
RUNS=${1:-5}
PORT=${KW_PORT:-18081}
[[ -n ${BENCH_SKIP_BUILD:-} ]] || (cd "$root" && ./mvnw -B -q -DskipTests -pl keywarden-cli -am package)
"$root/keywarden" --version > /dev/null                     # creates the launcher's CDS archive for --version
work=$(mktemp -d)                                           # one discarded run creates the start-up cache
"$root/keywarden" serve --data-dir "$work/data" --api-port "$PORT" --gateway-port $((PORT + 1000)) \
    --admin-key-file "$work/admin.key" > /dev/null 2>&1 &
pid=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2> /dev/null; do sleep 0.05; done
kill "$pid"; wait "$pid" 2> /dev/null || true
rm -rf "$work"
mkdir -p "$root/bench/results"
times=()
for ((i = 1; i <= RUNS; i++)); do
    work=$(mktemp -d)
    t0=$(date +%s%N)
    "$root/keywarden" serve \
        --data-dir "$work/data" --api-port "$PORT" --gateway-port $((PORT + 1000)) \
        --admin-key-file "$work/admin.key" > /dev/null 2>&1 &
    pid=$!
    until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2> /dev/null; do
        sleep 0.01
        if ! kill -0 "$pid" 2> /dev/null; then echo "server died" >&2; exit 1; fi
    done
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
    kill "$pid"; wait "$pid" 2> /dev/null || true
    rm -rf "$work"
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}')
{
    echo "# Start to ready on an empty data directory"
    echo
    echo "nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%dT%H:%MZ), $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
    echo
    echo "runs (ms): ${times[*]}; median ${median} ms (from running \`./keywarden serve\` on an empty data directory until GET /readyz answers 200)"
} | tee "$root/bench/results/startup.md"
echo "$median" > "$root/bench/results/startup-median-ms.txt"
echo "\`./keywarden serve\` on an empty data directory until GET /readyz answers 200: runs (ms) ${times[*]}; median ${median} ms" > "$root/bench/results/startup.txt"
