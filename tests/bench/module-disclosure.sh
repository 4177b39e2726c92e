#!/usr/bin/env bash
# tests/bench/module-disclosure.sh — the 依申请公开 figures of issue 4, run by tests/bench/run.sh
# (make bench) on its instance:
#   seed     gongkai seed --requests N (100,000 over the calendar years), unless already there
#   report   the annual report for 2025, whole district and one department, over HTTP as the
#            admin (HTML: four queries and the charts) and from the CLI (CSV), a few times each:
#            median and max in ms; goal < 1 s
#   queue    the staff queue page (/admin/disclosure) with wrk at 16 connections, as a
#            department's staff member and as the admin: req/s, p50, p99; goal p99 < 50 ms
# Environment from run.sh: BENCH_BASE, GONGKAI_VAR, BENCH_OUT, BENCH_DURATION, BENCH_WARMUP,
# BENCH_THREADS, GONGKAI_BIN. Own knobs: BENCH_DISCLOSURE_REQUESTS (100000),
# BENCH_DISCLOSURE_RUNS (5 timings per report), BENCH_DISCLOSURE_CONNS (16).
# Logs in as the demo accounts through the login form (its CSRF token and form id), as a
# browser does; nothing is weakened for the bench. Exit non-zero only when something failed
# to run.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
base=${BENCH_BASE:?BENCH_BASE not set (run through tests/bench/run.sh)}
out=${BENCH_OUT:-$repo/build/bench/disclosure}
bin=${GONGKAI_BIN:-$repo/bin/gongkai}
duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-2}
threads=${BENCH_THREADS:-2}
want=${BENCH_DISCLOSURE_REQUESTS:-100000}
runs=${BENCH_DISCLOSURE_RUNS:-5}
conns=${BENCH_DISCLOSURE_CONNS:-16}
year=2025
dept=qfb
lua=$repo/tests/bench/module-disclosure.lua
mkdir -p "$out"

say() { printf '%s\n' "$*"; }
die() { printf 'disclosure bench: %s\n' "$*" >&2; exit 1; }
psql_q() { "$repo/scripts/instance.sh" psql -tAq -c "$1"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- seed ------------------------------------------------------------------------------------
have=$(psql_q "SELECT count(*) FROM disclosure_requests") || die "cannot count the requests"
seed_s=-
if [ "$have" -lt "$want" ]; then
    t0=$(now_ms)
    "$bin" seed --requests $((want - have)) >"$out/seed.log" 2>&1 ||
        { cat "$out/seed.log" >&2; die "gongkai seed failed"; }
    seed_s=$(awk -v ms=$(($(now_ms) - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')
    have=$(psql_q "SELECT count(*) FROM disclosure_requests")
fi

# ---- sessions: the login form, as a browser ---------------------------------------------------
# Prints the Cookie header value of a fresh session of $1 / $2.
login() {
    local jar=$out/jar-$1 page csrf fid code
    rm -f "$jar"
    page=$(curl -s -c "$jar" -b "$jar" --max-time 10 "$base/account/login") || return 1
    csrf=$(sed -n 's/.*<input type="hidden" name="csrf" value="\([^"]*\)">.*/\1/p' <<<"$page" | head -n1)
    fid=$(sed -n 's/.*<input type="hidden" name="form_id" value="\([^"]*\)">.*/\1/p' <<<"$page" | head -n1)
    [ -n "$csrf" ] && [ -n "$fid" ] || return 1
    code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --max-time 10 \
        --data-urlencode "csrf=$csrf" --data-urlencode "form_id=$fid" \
        --data-urlencode "login=$1" --data-urlencode "password=$2" "$base/account/login")
    [ "$code" = 303 ] || return 1
    # Netscape jar: the name and value are the last two fields (HttpOnly lines start with #).
    awk -F'\t' 'NF >= 7 { sub(/^#HttpOnly_/, "", $1); printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar"
}
admin_cookie=$(login admin gongkai-admin-2024) || die "cannot log in as the demo admin"
staff_cookie=$(login qfb.staff gongkai-staff-2024) || die "cannot log in as the demo staff member"

# ---- report timings --------------------------------------------------------------------------
# "median max" of the numbers (ms) on stdin.
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%d %d\n", v[int((NR + 1) / 2)], v[NR] }'; }

http_report() { # $1 = query string; prints one ms figure per run
    local i code t
    for ((i = 0; i < runs; i++)); do
        read -r code t < <(curl -s -o "$out/report.html" -w '%{http_code} %{time_total}\n' \
            --max-time 30 -H "Cookie: $admin_cookie" "$base/admin/reports/disclosure-annual?$1")
        [ "$code" = 200 ] || { say "disclosure bench: report ?$1 answered $code" >&2; return 1; }
        grep -q 'new_received\|本年新收' "$out/report.html" || return 1
        awk -v t="$t" 'BEGIN { printf "%d\n", t * 1000 }'
    done
}
cli_report() { # $@ = extra arguments
    local i t0
    for ((i = 0; i < runs; i++)); do
        t0=$(now_ms)
        "$bin" report disclosure-annual --year "$year" "$@" >"$out/report.csv" || return 1
        echo $(($(now_ms) - t0))
    done
}
declare -A med max
status=0
run_report() { # name, command...
    local name=$1 figures
    shift
    if figures=$("$@") && [ -n "$figures" ]; then
        read -r "med[$name]" "max[$name]" < <(stats <<<"$figures")
    else
        say "disclosure bench: $name failed" >&2
        status=1
    fi
}
run_report "HTTP district" http_report "year=$year"
run_report "HTTP $dept" http_report "year=$year&dept=$dept"
run_report "CLI district" cli_report
run_report "CLI $dept" cli_report --dept "$dept"

# ---- queue under load ------------------------------------------------------------------------
declare -A rps p50 p99 errs
run_queue() { # name, cookie
    local name=$1 cookie=$2 url=$base/admin/disclosure f code
    code=$(curl -s -o "$out/queue.html" -w '%{http_code}' --max-time 10 -H "Cookie: $cookie" "$url")
    if [ "$code" != 200 ] || ! grep -q 'id="disclosure-queue"' "$out/queue.html"; then
        say "disclosure bench: queue as $name answered $code without the queue" >&2
        status=1
        return
    fi
    if [ "$warmup" -gt 0 ]; then
        timeout $((warmup + 15)) wrk -t"$threads" -c"$conns" -d"${warmup}s" -H "Cookie: $cookie" "$url" \
            >/dev/null 2>&1 || true
    fi
    f=$out/wrk-queue-${name// /-}.txt
    # The summary line comes from wrk's done() hook (module-disclosure.lua).
    if ! timeout $((duration + 30)) wrk -t"$threads" -c"$conns" -d"${duration}s" -s "$lua" \
        -H "Cookie: $cookie" "$url" >"$f" 2>&1 ||
        ! read -r _ "rps[$name]" "p50[$name]" "p99[$name]" "errs[$name]" < <(grep '^figures ' "$f"); then
        say "disclosure bench: wrk failed for the queue as $name, see $f" >&2
        status=1
        return
    fi
    [ "${errs[$name]}" = 0 ] || { say "disclosure bench: ${errs[$name]} errors (see $f)" >&2; status=1; }
}
run_queue "staff $dept" "$staff_cookie"
run_queue "admin" "$admin_cookie"

# ---- report ----------------------------------------------------------------------------------
open=$(psql_q "SELECT count(*) FILTER (WHERE state <> 'closed'), count(*) FILTER (WHERE state <> 'closed' AND due_on < current_date) FROM disclosure_requests" | tr '|' ' ')
say "disclosure: $have requests (seeded now in ${seed_s} s; open and overdue: $open)"
say ""
printf '%-22s %8s %8s\n' "annual report $year" "med ms" "max ms"
goal=PASS
for name in "HTTP district" "HTTP $dept" "CLI district" "CLI $dept"; do
    printf '%-22s %8s %8s\n' "$name" "${med[$name]:--}" "${max[$name]:--}"
    { [ -n "${max[$name]:-}" ] && [ "${max[$name]}" -lt 1000 ]; } || goal=MISS
done
say ""
printf '%-22s %6s %10s %8s %8s %6s\n' "queue /admin/disclosure" conns req/s "p50 ms" "p99 ms" errors
qgoal=PASS
for name in "staff $dept" "admin"; do
    printf '%-22s %6s %10s %8s %8s %6s\n' "$name" "$conns" "${rps[$name]:--}" "${p50[$name]:--}" \
        "${p99[$name]:--}" "${errs[$name]:--}"
    { [ -n "${p99[$name]:-}" ] && awk -v p="${p99[$name]}" 'BEGIN { exit !(p < 50) }'; } || qgoal=MISS
done
say ""
say "goal  annual report for one year < 1 s (max of $runs, HTTP and CLI):   $goal"
say "goal  staff queue p99 < 50 ms at $conns connections (staff and admin): $qgoal"
exit "$status"
