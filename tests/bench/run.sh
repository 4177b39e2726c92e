#!/usr/bin/env bash
# tests/bench/run.sh — the `make bench` driver.
#
# Measures the app's home page against two baselines served by the same nginx over the same
# kind of FastCGI socket, so the figures say how much the app itself costs:
#   GET /               the app (bin/gongkai serve, started by scripts/instance.sh)
#   GET /static/site.css a static file served by nginx alone (the ceiling)
#   GET /bench/hello    a bare libfcgi responder with a fixed 1.2 KB page (tests/bench/hello.c)
#   GET /bench/query    the same plus one prepared 20-row query and HTML escaping (query.c)
# with wrk at BENCH_CONNS connections, then the resident memory of the app's workers.
# Goals (informational, they do not change the exit status): GET / >= 0.7 x bare hello in req/s;
# app worker RSS <= 12 MiB. Exit status: 0 unless something failed to run (a tool missing, the
# instance not starting, a target not answering 200, wrk errors or non-2xx responses).
#
# It runs a dedicated instance (never the developer's var/ or port) and stops what it started.
# Knobs (environment): BENCH_VAR (default $repo/var-bench), BENCH_PORT (8099),
# BENCH_DURATION (10, seconds per run), BENCH_WARMUP (2), BENCH_CONNS ("32 64"),
# BENCH_THREADS (2), BENCH_WORKERS (4 x cores, for the app and each responder),
# BENCH_INSTANCE (scripts/instance.sh), CC (cc), BENCH_MODULES (all: tests/bench/module-*.sh).
# Only 127.0.0.1 is contacted; every wrk run is bounded by -d and by timeout(1).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$repo"

export GONGKAI_VAR="${BENCH_VAR:-$repo/var-bench}"
export GONGKAI_PORT="${BENCH_PORT:-8099}"
export GONGKAI_DEMO=1
# Everything else is derived from GONGKAI_VAR (CONTRACT.md); a developer's settings must not
# point the bench at another instance or another build (say the sanitizer one).
unset GONGKAI_DSN GONGKAI_OWNER_DSN GONGKAI_KEYS GONGKAI_BIN

instance=${BENCH_INSTANCE:-$repo/scripts/instance.sh}
duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-2}
conns=${BENCH_CONNS:-32 64}
threads=${BENCH_THREADS:-2}
base="http://127.0.0.1:$GONGKAI_PORT"
# parse_wrk, ratio
# shellcheck source=SCRIPTDIR/lib.sh
. "$repo/tests/bench/lib.sh"
var=$GONGKAI_VAR
out=$repo/build/bench
cores=$(nproc)
# The app and both responders get the same number of processes: `gongkai serve`'s default.
workers=${BENCH_WORKERS:-$((4 * cores))}
export GONGKAI_WORKERS=$workers
rss_goal_kb=$((12 * 1024))
ratio_goal=0.7

# target name, path (in table order); run order puts GET / right after bare hello, so that
# the ratio that matters most is measured under the same background load.
names=("GET /" "static" "bare hello" "bare query")
paths=("/" "/static/site.css" "/bench/hello" "/bench/query")
run_order=(2 0 3 1)

say() { printf '%s\n' "$*"; }
run_instance() { if [ -x "$instance" ]; then "$instance" "$@"; else bash "$instance" "$@"; fi; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

start_time=$(date +%s)

# ---- build ---------------------------------------------------------------------------------
build() {
    local cc=${CC:-cc} pqinc
    local -a flags=(-std=c17 -O2 -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes
        -Wold-style-definition -Wshadow -Wcast-qual -Wwrite-strings -Wvla -Wformat=2 -Wundef
        -Wpointer-arith -Wimplicit-fallthrough -D_GNU_SOURCE)
    pqinc=$(pkg-config --cflags-only-I libpq 2>/dev/null || true)
    [ -n "$pqinc" ] || pqinc="-I$(pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)"
    mkdir -p "$out"
    # shellcheck disable=SC2086 # pqinc is one or more -I flags
    "$cc" "${flags[@]}" $pqinc -o "$out/hello" tests/bench/hello.c tests/bench/prefork.c -lfcgi
    # shellcheck disable=SC2086
    "$cc" "${flags[@]}" $pqinc -o "$out/query" tests/bench/query.c tests/bench/prefork.c \
        -lfcgi -lpq
}

for tool in wrk curl nginx ps awk timeout; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
[ -f "$instance" ] || die "$instance does not exist (the instance script starts nginx, the app and PostgreSQL)"
build || die "building the baseline responders failed"
[ "${1:-}" = "--build-only" ] && exit 0

# Something already answering on the port would be measured instead of this instance.
if curl -s -o /dev/null --max-time 1 "$base/"; then
    die "something already listens on 127.0.0.1:$GONGKAI_PORT (a stale bench instance? GONGKAI_VAR=$var $instance down)"
fi

# ---- start: instance, bench locations, responders; always stopped on exit ---------------
responder_pids=()
instance_started=0
status=0

# shellcheck disable=SC2317 # reached through the trap
stop_all() {
    local rc=$? pid i
    set +e
    trap - EXIT INT TERM
    for pid in "${responder_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${responder_pids[@]}"; do
        for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if [ "$instance_started" = 1 ]; then
        say "bench: stopping the instance ($instance down)"
        run_instance down >"$out/instance-down.log" 2>&1 ||
            { say "bench: '$instance down' failed, see $out/instance-down.log" >&2; rc=1; }
    fi
    exit "$rc"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

write_bench_conf() {
    mkdir -p "$var/nginx/extra"
    cat >"$var/nginx/extra/bench.conf" <<EOF
# Written by tests/bench/run.sh: the baseline responders measured by \`make bench\`.
# The same FastCGI parameters as the app's locations get from the server block.
location = /bench/hello {
    fastcgi_pass "unix:$var/run/bench-hello.sock";
    include /etc/nginx/fastcgi_params;
    fastcgi_param HTTP_PROXY "";
}
location = /bench/query {
    fastcgi_pass "unix:$var/run/bench-query.sock";
    include /etc/nginx/fastcgi_params;
    fastcgi_param HTTP_PROXY "";
}
EOF
    chmod 0644 "$var/nginx/extra/bench.conf"
}

write_bench_conf
# Every request of every target is logged (as in production); a bench run adds ~100 MB, so each
# run starts the bench instance's access log afresh.
[ -f "$var/log/nginx-access.log" ] && : >"$var/log/nginx-access.log"
say "bench: starting the instance (GONGKAI_VAR=$var GONGKAI_PORT=$GONGKAI_PORT $instance up)"
instance_started=1
run_instance up >"$out/instance-up.log" 2>&1 ||
    { tail -n 20 "$out/instance-up.log" >&2; die "'$instance up' failed, see $out/instance-up.log"; }

# The instance script may have re-rendered nginx/; put the locations back and reload.
if [ ! -f "$var/nginx/extra/bench.conf" ]; then
    write_bench_conf
    nginx -p "$var/nginx/" -c "$var/nginx/nginx.conf" -e "$var/log/nginx-error.log" -s reload ||
        die "cannot reload nginx with $var/nginx/extra/bench.conf"
fi

# The app master writes its pid file; wait for it and for nginx to answer.
for ((i = 0; i < 100; i++)); do
    [ -s "$var/run/gongkai.pid" ] && curl -s -o /dev/null --max-time 1 "$base/" && break
    sleep 0.1
done
[ -s "$var/run/gongkai.pid" ] || die "no $var/run/gongkai.pid after '$instance up'"

# Run the responders as the user nginx's workers run as (the app's `--user` does the same):
# the user of this instance's nginx worker processes, else the config's `user` directive,
# else nginx's built-in default (nobody). As non-root, as ourselves.
nginx_worker_user() {
    local master uid u
    master=$(ps -eo pid=,args= | awk -v conf="$var/nginx" \
        '$2 == "nginx:" && $3 == "master" && index($0, conf) { print $1; exit }')
    if [ -n "$master" ]; then
        uid=$(ps -o uid= --ppid "$master" | awk 'NR == 1 { print $1 }')
        [ -n "$uid" ] && { id -nu "$uid" 2>/dev/null || echo "$uid"; } && return
    fi
    u=$(awk '$1 == "user" { sub(/;$/, "", $2); print $2; exit }' "$var/nginx/nginx.conf" 2>/dev/null)
    echo "${u:-nobody}"
}
run_as=()
if [ "$(id -u)" = 0 ]; then
    u=$(nginx_worker_user)
    [ "$u" = root ] || run_as=(-u "$u")
fi

dsn="host='$var/run' dbname=gongkai user=gongkai_app passfile='$var/secrets/pgpass'"
"$out/hello" "${run_as[@]}" "$var/run/bench-hello.sock" "$workers" \
    >"$out/bench-hello.log" 2>&1 &
responder_pids+=($!)
"$out/query" "${run_as[@]}" "$var/run/bench-query.sock" "$workers" "$dsn" \
    >"$out/bench-query.log" 2>&1 &
responder_pids+=($!)
for ((i = 0; i < 50; i++)); do
    [ -S "$var/run/bench-hello.sock" ] && [ -S "$var/run/bench-query.sock" ] && break
    sleep 0.1
done
sleep 0.5 # let the query workers connect and prepare
for pid in "${responder_pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { cat "$out"/bench-*.log >&2; die "a baseline responder exited at start"; }
done

# ---- measure -----------------------------------------------------------------------------
# Each target must answer 200 first: a 404 or 502 page is fast and would make a fine-looking
# but meaningless figure.
declare -A ok rps p50 p99 errs
for t in "${!names[@]}"; do
    code=$(curl -s -o "$out/first-$t.body" -w '%{http_code}' --max-time 5 "$base${paths[t]}" || true)
    if [ "$code" = 200 ]; then
        ok[$t]=1
    else
        ok[$t]=0
        status=1
        say "bench: ${names[t]} (${paths[t]}) answered ${code:-nothing}, not 200; skipped" >&2
    fi
done
if [ "${ok[3]}" = 1 ] && ! grep -qF '&lt;b&gt;&amp;&quot;&#39;' "$out/first-3.body"; then
    say "bench: /bench/query did not return the escaped column" >&2
    status=1
fi

mkdir -p "$out/wrk"
load_before=$(cut -d' ' -f1 /proc/loadavg)
for c in $conns; do
    for t in "${run_order[@]}"; do
        [ "${ok[$t]}" = 1 ] || continue
        url=$base${paths[t]}
        if [ "$warmup" -gt 0 ]; then
            timeout $((warmup + 15)) wrk -t"$threads" -c"$c" -d"${warmup}s" "$url" >/dev/null 2>&1 || true
        fi
        f="$out/wrk/$t-c$c.txt"
        say "bench: wrk -t$threads -c$c -d${duration}s --latency $url"
        if ! timeout $((duration + 30)) wrk -t"$threads" -c"$c" -d"${duration}s" --latency "$url" >"$f" 2>&1 ||
            ! read -r r a b e < <(parse_wrk "$f"); then
            say "bench: wrk failed for $url, see $f" >&2
            status=1
            continue
        fi
        rps[$t,$c]=$r p50[$t,$c]=$a p99[$t,$c]=$b errs[$t,$c]=$e
        [ "$e" = 0 ] || { say "bench: $e errors or non-2xx responses from $url (see $f)" >&2; status=1; }
    done
done

# ---- memory: resident set of each app worker after the load ------------------------------
# kB of VmRSS of each child of $1, one a line.
children_rss() {
    local pid
    for pid in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status" 2>/dev/null || true
    done
}
rss_summary() { # prints "n max_MiB mean_MiB" from kB lines on stdin
    awk '{ n++; s += $1; if ($1 > m) m = $1 }
         END { if (n) printf "%d %.1f %.1f %d\n", n, m / 1024, s / n / 1024, m; else print "0 - - 0" }'
}
app_master=$(cat "$var/run/gongkai.pid" 2>/dev/null || true)
read -r app_n app_max app_mean app_max_kb < <(children_rss "${app_master:-0}" | rss_summary)
read -r _ hello_max hello_mean _ < <(children_rss "${responder_pids[0]}" | rss_summary)
read -r _ query_max query_mean _ < <(children_rss "${responder_pids[1]}" | rss_summary)
[ "$app_n" -gt 0 ] || { say "bench: no app workers found under pid ${app_master:-?} ($var/run/gongkai.pid)" >&2; status=1; }

# ---- report ------------------------------------------------------------------------------
{
    say ""
    say "gongkai bench — $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -n), $cores cores; wrk -t$threads -d${duration}s;"
    say "  $workers workers each for the app, hello and query (responders as ${run_as[1]:-$(id -un)});" \
        "instance $var, port $GONGKAI_PORT"
    say "  load average before the runs: $load_before (other work on the machine skews the ratios)"
    say ""
    printf '%-12s %6s %11s %9s %9s %7s\n' target conns req/s "p50 ms" "p99 ms" errors
    for c in $conns; do
        for t in "${!names[@]}"; do
            if [ -n "${rps[$t,$c]:-}" ]; then
                printf '%-12s %6s %11s %9s %9s %7s\n' "${names[t]}" "$c" "${rps[$t,$c]}" \
                    "${p50[$t,$c]}" "${p99[$t,$c]}" "${errs[$t,$c]}"
            else
                printf '%-12s %6s %11s\n' "${names[t]}" "$c" "not run"
            fi
        done
    done
    say ""
    printf '%-26s' "ratio (req/s)"
    for c in $conns; do printf ' %8s' "c=$c"; done
    printf '\n'
    for pair in "0 2 GET / ÷ bare hello" "0 1 GET / ÷ static" "3 2 bare query ÷ bare hello"; do
        read -r x y label <<<"$pair"
        # printf pads by bytes; ÷ is two, so widen by one
        printf '%-27s' "$label"
        for c in $conns; do printf ' %8s' "$(ratio "${rps[$x,$c]:-}" "${rps[$y,$c]:-}")"; done
        printf '\n'
    done
    say ""
    say "worker RSS after the load (VmRSS, MiB):  app $app_n workers: max $app_max, mean $app_mean"
    say "                                         bare hello: max $hello_max, mean $hello_mean;" \
        "bare query: max $query_max, mean $query_mean"
    say ""
    goal=PASS
    for c in $conns; do
        r=$(ratio "${rps[0,$c]:-}" "${rps[2,$c]:-}")
        if [ "$r" = - ] || awk -v r="$r" -v g="$ratio_goal" 'BEGIN { exit !(r < g) }'; then goal=MISS; fi
    done
    say "goal  GET / >= $ratio_goal x bare hello (req/s, every conns): $goal"
    if [ "$app_n" -gt 0 ] && [ "$app_max_kb" -le "$rss_goal_kb" ]; then goal=PASS; else goal=MISS; fi
    say "goal  app worker RSS <= 12 MiB (max of $app_n):            $goal"
    say "raw wrk output: $out/wrk/   took $(($(date +%s) - start_time)) s"
} | tee "$out/report.txt"

# Machine-readable copy for CI artifacts.
{
    printf 'target\tpath\tconns\treq_s\tp50_ms\tp99_ms\terrors\n'
    for c in $conns; do
        for t in "${!names[@]}"; do
            [ -n "${rps[$t,$c]:-}" ] || continue
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${names[t]}" "${paths[t]}" "$c" "${rps[$t,$c]}" \
                "${p50[$t,$c]}" "${p99[$t,$c]}" "${errs[$t,$c]}"
        done
    done
    printf 'rss_app_max_mib\t%s\nrss_app_mean_mib\t%s\n' "$app_max" "$app_mean"
} >"$out/results.tsv"

# ---- module sections: tests/bench/module-*.sh ----------------------------------------------
# Each module's script measures its own pages against the baselines above, on this instance
# (it seeds what it needs with `gongkai seed`), prints its section and exits non-zero only when
# something failed to run. BENCH_MODULES="board disclosure" picks some; "none" skips them all.
# They get: BENCH_BASE (URL), GONGKAI_VAR, BENCH_OUT (a directory of their own), BENCH_DURATION,
# BENCH_WARMUP, BENCH_THREADS, BENCH_CONNS, and the baselines' req/s per conns as
# BENCH_QUERY_RPS / BENCH_HELLO_RPS / BENCH_STATIC_RPS ("32=6192 64=6164").
rps_list() { local c l=""; for c in $conns; do l+="${l:+ }$c=${rps[$1,$c]:-}"; done; echo "$l"; }
export BENCH_BASE=$base BENCH_DURATION=$duration BENCH_WARMUP=$warmup BENCH_THREADS=$threads \
    BENCH_CONNS=$conns BENCH_QUERY_RPS=$(rps_list 3) BENCH_HELLO_RPS=$(rps_list 2) \
    BENCH_STATIC_RPS=$(rps_list 1) GONGKAI_BIN=$repo/bin/gongkai
wanted=${BENCH_MODULES:-all}
for script in tests/bench/module-*.sh; do
    [ -f "$script" ] || continue
    m=$(basename "$script" .sh)
    m=${m#module-}
    [ "$wanted" = all ] || [[ " $wanted " == *" $m "* ]] || continue
    mkdir -p "$out/$m"
    say ""
    say "== $m ($script) =="
    if ! BENCH_OUT=$out/$m bash "$script" 2>&1 | tee "$out/$m/report.txt"; then
        say "bench: $script failed, see $out/$m/" >&2
        status=1
    fi
done

[ "$status" = 0 ] || say "bench: some targets failed to run; the figures above are incomplete" >&2
exit "$status"
