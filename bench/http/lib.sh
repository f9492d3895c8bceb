#!/usr/bin/env bash
# Shared helpers for the HTTP benchmarks (sourced). See docs/benchmarks.md for the method:
# alternating A/B pairs after a discarded warm-up, steal recorded per run, requests per
# CPU-second of the process under test next to requests per second.

# cpu_ticks PID: utime+stime of a process (and its threads), in clock ticks.
cpu_ticks() {
    awk '{print $14 + $15}' "/proc/$1/stat"
}

# steal_ticks: the machine's total steal time so far, in clock ticks.
steal_ticks() {
    awk '/^cpu /{print $9}' /proc/stat
}

# total_ticks: all CPU time of the machine so far, in clock ticks.
total_ticks() {
    awk '/^cpu /{s=0; for (i=2; i<=NF; i++) s+=$i; print s}' /proc/stat
}

# run_wrk NAME PID URL [wrk args...]: one measured run; appends a TSV row to $RESULTS:
# name rps p50_ms p99_ms cpu_seconds req_per_cpu_s steal_pct
run_wrk() {
    local name=$1 pid=$2 url=$3
    shift 3
    local out c0 c1 s0 s1 t0 t1
    c0=$(cpu_ticks "$pid"); s0=$(steal_ticks); t0=$(total_ticks)
    out=$(wrk -t1 -c32 -d"${DURATION:-10}"s --latency "$@" "$url")
    c1=$(cpu_ticks "$pid"); s1=$(steal_ticks); t1=$(total_ticks)
    local hz
    hz=$(getconf CLK_TCK)
    echo "$out" | awk -v name="$name" -v cpu=$(( c1 - c0 )) -v hz="$hz" \
        -v steal=$(( s1 - s0 )) -v total=$(( t1 - t0 )) '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { rps = $2 }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /Non-2xx or 3xx responses/ { bad = $NF }
        /^ +[0-9]+ requests in/ { n = $1 }
        END {
          cs = cpu / hz
          printf "%s\t%.0f\t%.3f\t%.3f\t%.2f\t%.0f\t%.1f\t%s\n", name, rps, p50, p99, cs, (cs > 0 ? n / cs : 0), (total > 0 ? 100 * steal / total : 0), (bad == "" ? 0 : bad)
        }' | tee -a "$RESULTS"
}

# wait_http URL SECONDS: polls until URL answers or the time is up.
wait_http() {
    local url=$1 limit=$2 i
    for ((i = 0; i < limit * 20; i++)); do
        if curl -fsS -o /dev/null "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    echo "timed out waiting for $url" >&2
    return 1
}

# start_nginx DIR PORT: nginx with one worker, no access log, answering a static 200 on
# "/" and proxying "/proxy/" to 127.0.0.1:$UPSTREAM_PORT when set. Prints the master PID.
start_nginx() {
    local dir=$1 port=$2
    mkdir -p "$dir/logs" "$dir/tmp"
    cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    keepalive_requests 1000000;
    upstream up { server 127.0.0.1:${UPSTREAM_PORT:-1}; keepalive 64; keepalive_requests 1000000; }
    server {
        listen 127.0.0.1:$port;
        location / { default_type application/json; return 200 '{"data":{"ok":true}}'; }
        location /proxy/ { proxy_pass http://up/; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
}
CONF
    nginx -c "$dir/nginx.conf" -p "$dir" -g 'daemon on;' >&2
    sleep 0.3
    cat "$dir/nginx.pid"
}

# worker_pid MASTER_PID: the (single) nginx worker of a master.
worker_pid() {
    pgrep -P "$1" | head -n 1
}

# machine_line: nproc and CPU model, for the record.
machine_line() {
    echo "nproc=$(nproc), cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%dT%H:%MZ)"
}

# summarize A B: medians and the per-pair ratios of B to A from $RESULTS (TSV as above).
summarize() {
    local a=$1 b=$2
    awk -F'\t' -v a="$a" -v b="$b" '
        function median(arr, n,   i, j, t) {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (arr[j] < arr[i]) { t = arr[i]; arr[i] = arr[j]; arr[j] = t }
            return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
        }
        $1 == a { na++; ra[na] = $2; ea[na] = $6; pa[na] = $4 }
        $1 == b { nb++; rb[nb] = $2; eb[nb] = $6; pb[nb] = $4 }
        END {
            n = na < nb ? na : nb
            for (i = 1; i <= n; i++) { rr[i] = rb[i] / ra[i]; er[i] = (ea[i] > 0 ? eb[i] / ea[i] : 0); pr[i] = (pa[i] > 0 ? pb[i] / pa[i] : 0); printf "pair %d: %s/%s req/s %.2f, req per CPU-s %.2f, p99 %.2f\n", i, b, a, rr[i], er[i], pr[i] }
            printf "median over %d pairs: req/s %.2f, req per CPU-s %.2f, p99 %.2f\n", n, median(rr, n), median(er, n), median(pr, n)
        }' "$RESULTS"
}

# wait_alive_http PID URL SECONDS: like wait_http, but gives up at once when PID has exited.
wait_alive_http() {
    local pid=$1 url=$2 limit=$3 i
    for ((i = 0; i < limit * 20; i++)); do
        if curl -fsS -o /dev/null "$url" 2>/dev/null; then
            return 0
        fi
        kill -0 "$pid" 2> /dev/null || return 1
        sleep 0.05
    done
    return 1
}
