#!/usr/bin/env bash
# tests/bench/module-tcp.sh — a `make bench` section (run by tests/bench/run.sh after the
# baselines): the cost of FastCGI over TCP, the transport between nginx and worker hosts when
# there are several (README "Scaling out").
#
# A second `gongkai serve` listens on 127.0.0.1:BENCH_TCP_PORT (default: the bench port + 1)
# against the same database; an nginx location /tcp/ (in $GONGKAI_VAR/nginx/extra/tcp.conf)
# passes to it with fastcgi_pass HOST:PORT, a new TCP connection per request. GET / over the
# instance's unix socket and GET /tcp/ over TCP are measured with wrk at each BENCH_CONNS,
# alternately, and the ratio printed. Goal (informational): TCP >= 0.8 x unix in req/s.
#
# A third run, GET /tcp-keep/, goes to the same TCP server through an `upstream` with
# `keepalive N` and `fastcgi_keep_conn on` (in $GONGKAI_VAR/nginx/http/tcp-keepalive.conf): nginx
# keeps up to N idle connections per nginx worker process and reuses them. libfcgi serves the
# next request of a kept connection in the same worker and waits on it meanwhile, so every idle
# cached connection holds a worker: N x nginx workers must stay below the app's workers or new
# connections find none free. N = BENCH_TCP_KEEPALIVE (default: workers / (2 x nginx workers),
# at least 1), so that at most half the workers are held.
set -euo pipefail
: "${BENCH_BASE:?run me from tests/bench/run.sh}" "${GONGKAI_VAR:?}" "${BENCH_OUT:?}" "${GONGKAI_BIN:?}"
var=$GONGKAI_VAR
port=${BENCH_BASE##*:}
tcp_port=${BENCH_TCP_PORT:-$((port + 1))}
duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-2}
threads=${BENCH_THREADS:-2}
conns=${BENCH_CONNS:-32 64}
workers=${GONGKAI_WORKERS:-$((4 * $(nproc)))}
conf=$var/nginx/extra/tcp.conf
http_conf=$var/nginx/http/tcp-keepalive.conf
# nginx.conf says worker_processes auto: one per CPU.
nginx_workers=$(nproc)
keepalive=${BENCH_TCP_KEEPALIVE:-$((workers / (2 * nginx_workers)))}
[ "$keepalive" -ge 1 ] || keepalive=1
goal=0.8
mkdir -p "$BENCH_OUT"
# parse_wrk, ratio
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

say() { printf '%s\n' "$*"; }
die() { printf 'module-tcp: %s\n' "$*" >&2; exit 1; }
nginx_reload() {
    nginx -p "$var/nginx/" -c "$var/nginx/nginx.conf" -e "$var/log/nginx-error.log" -s reload
}
code_of() { curl -s -o "${2:-/dev/null}" -w '%{http_code}' --max-time 5 "$1" || true; }

# Refuse a port someone else holds: we would measure their server.
if (exec 3<>"/dev/tcp/127.0.0.1/$tcp_port") 2>/dev/null; then
    die "127.0.0.1:$tcp_port is already in use; set BENCH_TCP_PORT"
fi

server_pid=""
# shellcheck disable=SC2317 # reached through the trap
cleanup() {
    local rc=$? i
    set +e
    if [ -f "$conf" ] || [ -f "$http_conf" ]; then rm -f "$conf" "$http_conf"; nginx_reload 2>/dev/null; fi
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null
        for ((i = 0; i < 150; i++)); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The same binary, keys and database as the instance; as root it drops to the instance's user.
args=(serve --socket "127.0.0.1:$tcp_port" --workers "$workers")
[ "$(id -u)" = 0 ] && args+=(--user gongkai)
setsid "$GONGKAI_BIN" "${args[@]}" </dev/null >"$BENCH_OUT/tcp-serve.log" 2>&1 &
server_pid=$!

[ -d "$var/nginx/http" ] || die "$var/nginx/http is missing: an instance started before the http include; run scripts/instance.sh up"
cat >"$conf" <<EOF
# Written by tests/bench/module-tcp.sh (removed when it ends): the app over FastCGI/TCP, a new
# connection per request (/tcp/) and over kept connections (/tcp-keep/, upstream in
# $http_conf).
location /tcp/ {
    rewrite ^/tcp(/.*)\$ \$1 break;
    fastcgi_pass 127.0.0.1:$tcp_port;
}
location /tcp-keep/ {
    rewrite ^/tcp-keep(/.*)\$ \$1 break;
    fastcgi_pass gk_tcp_keep;
    fastcgi_keep_conn on;
}
EOF
cat >"$http_conf" <<EOF
# Written by tests/bench/module-tcp.sh (removed when it ends): up to $keepalive idle connections
# per nginx worker kept open to the app's $workers workers on TCP.
upstream gk_tcp_keep {
    server 127.0.0.1:$tcp_port;
    keepalive $keepalive;
}
EOF
chmod 0644 "$conf" "$http_conf"
nginx_reload || die "nginx did not take $conf and $http_conf"

for ((i = 0; i < 100; i++)); do
    [ "$(code_of "$BENCH_BASE/tcp/")" = 200 ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$BENCH_OUT/tcp-serve.log" >&2; die "gongkai serve on TCP exited"; }
    sleep 0.1
done
[ "$(code_of "$BENCH_BASE/tcp/" "$BENCH_OUT/tcp.body")" = 200 ] || die "GET /tcp/ did not answer 200"
code_of "$BENCH_BASE/" "$BENCH_OUT/unix.body" >/dev/null
# The same page both ways (the CSRF/form tokens differ per request; compare the titles).
title() { grep -o '<title>[^<]*</title>' "$1" | head -n1; }
[ "$(title "$BENCH_OUT/tcp.body")" = "$(title "$BENCH_OUT/unix.body")" ] || die "GET /tcp/ is not the home page"
[ "$(code_of "$BENCH_BASE/tcp-keep/" "$BENCH_OUT/tcp-keep.body")" = 200 ] || die "GET /tcp-keep/ did not answer 200"
[ "$(title "$BENCH_OUT/tcp-keep.body")" = "$(title "$BENCH_OUT/unix.body")" ] || die "GET /tcp-keep/ is not the home page"

declare -A rps p50 p99 errs
status=0
names=(unix tcp tcp-keepalive)
paths=(/ /tcp/ /tcp-keep/)
for c in $conns; do
    for t in 0 1 2; do
        url=$BENCH_BASE${paths[t]}
        if [ "$warmup" -gt 0 ]; then
            timeout $((warmup + 15)) wrk -t"$threads" -c"$c" -d"${warmup}s" "$url" >/dev/null 2>&1 || true
        fi
        f=$BENCH_OUT/${names[t]}-c$c.txt
        if ! timeout $((duration + 30)) wrk -t"$threads" -c"$c" -d"${duration}s" --latency "$url" >"$f" 2>&1 ||
            ! read -r r a b e < <(parse_wrk "$f"); then
            say "module-tcp: wrk failed for $url, see $f" >&2
            status=1
            continue
        fi
        rps[$t,$c]=$r p50[$t,$c]=$a p99[$t,$c]=$b errs[$t,$c]=$e
        [ "$e" = 0 ] || { say "module-tcp: $e errors or non-2xx from $url (see $f)" >&2; status=1; }
    done
done

say "GET / over FastCGI: unix socket vs TCP 127.0.0.1:$tcp_port (a new connection per request)"
say "  vs TCP with upstream keepalive $keepalive per nginx worker ($nginx_workers) and fastcgi_keep_conn on,"
say "  $workers workers on each; wrk -t$threads -d${duration}s"
printf '%-14s %6s %11s %9s %9s %7s\n' transport conns req/s "p50 ms" "p99 ms" errors
for c in $conns; do
    for t in 0 1 2; do
        printf '%-14s %6s %11s %9s %9s %7s\n' "${names[t]}" "$c" "${rps[$t,$c]:-not run}" \
            "${p50[$t,$c]:-}" "${p99[$t,$c]:-}" "${errs[$t,$c]:-}"
    done
done
result=PASS
printf '%-14s' "tcp ÷ unix"
for c in $conns; do
    r=$(ratio "${rps[1,$c]:-}" "${rps[0,$c]:-}")
    printf ' c=%s: %s' "$c" "$r"
    if [ "$r" = - ] || awk -v r="$r" -v g="$goal" 'BEGIN { exit !(r < g) }'; then result=MISS; fi
done
printf '\n'
printf '%-14s' "keep ÷ unix"
for c in $conns; do printf ' c=%s: %s' "$c" "$(ratio "${rps[2,$c]:-}" "${rps[0,$c]:-}")"; done
printf '\n'
say "goal  GET / over TCP >= $goal x over the unix socket (req/s, every conns): $result"
exit "$status"
