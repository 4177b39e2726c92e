#!/usr/bin/env bash
# tests/bench/module-board.sh — the 政策留言板 section of `make bench` (run by tests/bench/run.sh
# after its baselines, on the bench instance; see docs/board.md "Benchmarks").
#
# Seeds 1,000 policies and 10,000 messages (`gongkai seed`), measures with wrk at each of
# BENCH_CONNS:
#   policy page   GET /policies/{id} of a seeded policy whose first page holds 20 published
#                 messages with replies, as the app renders it (the request carries a gk_pre
#                 cookie, so nginx's micro-cache is bypassed: what a citizen who has opened a
#                 form sees, and what the app itself costs). After its first view a worker
#                 keeps the page's markup and asks PostgreSQL only whether it is current
#                 (fcgi/pagecache.h): what a page that many read costs.
#   page made     the page of each of the 1,000 seeded policies in turn: more pages than the
#                 workers keep, so each is made from the database (informational)
#   search 养老   GET /policies?q=养老 (policies and published messages containing it), uncached
#   cached page   the same policy page without cookies: nginx's one-second micro-cache
# then tops the messages up to 1,000,000 and measures again. Each page is measured right after
# its yardstick, so that both see the same machine: the bare one-query responder
# (/bench/query) before the policy page, the static file before the cached page. The
# baselines of the run's first section, minutes earlier, differed by up to a third from these
# on this virtual machine. Goals (PASS/MISS, informational): policy page >= 0.8 x the bare
# one-query responder, its p99 < 30 ms; search p99 < 100 ms; req/s at 1M within 20 % of 10k
# (flat; each size as a multiple of the responder measured alongside); cached page >= 0.5 x
# static.
# Exit status: non-zero only when something failed to run (seeding, a target not answering
# 200 with the expected content, wrk failing or non-2xx answers).
#
# Knobs: BOARD_BENCH_SMALL (10000), BOARD_BENCH_LARGE (1000000) messages. A bench instance that
# holds more seeded messages than SMALL from an earlier run has them removed first (as the
# database owner) so that the small figure means what it says.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# parse_wrk, ratio
# shellcheck source=SCRIPTDIR/lib.sh
. "$repo/tests/bench/lib.sh"
: "${BENCH_BASE:?run by tests/bench/run.sh}" "${GONGKAI_VAR:?}" "${BENCH_OUT:?}" "${GONGKAI_BIN:?}"
duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-2}
threads=${BENCH_THREADS:-2}
conns=${BENCH_CONNS:-32 64}
small=${BOARD_BENCH_SMALL:-10000}
large=${BOARD_BENCH_LARGE:-1000000}
policies=1000
# 养老, percent-encoded (UTF-8), the two-character query of the issue
query='%E5%85%BB%E8%80%81'
# Any gk_pre cookie makes nginx bypass the micro-cache (nginx/gongkai.conf.in).
nocache='Cookie: gk_pre=bench-bypasses-the-micro-cache'
mkdir -p "$BENCH_OUT/wrk"

say() { printf '%s\n' "$*"; }
fail() { say "board bench: $*" >&2; exit 1; }
sql() { GONGKAI_VAR=$GONGKAI_VAR "$repo/scripts/instance.sh" psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

seed_user="(SELECT id FROM users WHERE login_hash = decode(repeat('5e', 32), 'hex'))"
seeded() { sql "SELECT count(*) FROM board_messages WHERE author_id = $seed_user"; }

# seed TOTAL: tops the seeded messages up to TOTAL; prints the seconds it took.
seed() {
    local t0=$SECONDS
    GONGKAI_VAR=$GONGKAI_VAR "$GONGKAI_BIN" seed --policies "$policies" --messages "$1" \
        >"$BENCH_OUT/seed-$1.log" 2>&1 || { cat "$BENCH_OUT/seed-$1.log" >&2; fail "gongkai seed failed"; }
    echo $((SECONDS - t0))
}

# Seeded messages are written by the bench's own no-login account only; nothing refers to them.
if [ "$(seeded)" -gt "$small" ]; then
    say "board bench: removing $(seeded) seeded messages left by an earlier run"
    # Two commands: psql runs one -c string as a single transaction, and VACUUM refuses that.
    sql "DELETE FROM board_messages WHERE author_id = $seed_user" >/dev/null
    sql "VACUUM ANALYZE board_messages" >/dev/null
fi

# Check that a target answers 200 with the content it is meant to measure.
expect() { # name url pattern [header]
    local body=$BENCH_OUT/first-${1// /-}.html code
    code=$(curl -s -o "$body" -w '%{http_code}' --max-time 10 ${4:+-H "$4"} "$2" || true)
    [ "$code" = 200 ] || fail "$1 ($2) answered ${code:-nothing}, not 200"
    grep -q "$3" "$body" || fail "$1 ($2): no '$3' in the page (see $body)"
}

declare -A rps p50 p99
# measure NAME SIZE URL [HEADER [PATHS_FILE]]: with PATHS_FILE, the paths in it in turn
# (tests/bench/board-rotate.lua) instead of URL's path
measure() {
    local name=$1 size=$2 url=$3 hdr=${4:-} paths=${5:-} c f r a b e
    local -a lua=()
    [ -n "$paths" ] && lua=(-s "$repo/tests/bench/board-rotate.lua")
    for c in $conns; do
        f="$BENCH_OUT/wrk/${name// /-}-$size-c$c.txt"
        if [ "$warmup" -gt 0 ]; then
            timeout $((warmup + 15)) wrk -t"$threads" -c"$c" -d"${warmup}s" ${hdr:+-H "$hdr"} "${lua[@]}" \
                "$url" ${paths:+-- "$paths"} >/dev/null 2>&1 || true
        fi
        say "board bench: wrk -t$threads -c$c -d${duration}s --latency ${hdr:+-H '$hdr' }${lua[*]} $url${paths:+ -- $paths}"
        timeout $((duration + 30)) wrk -t"$threads" -c"$c" -d"${duration}s" --latency \
            ${hdr:+-H "$hdr"} "${lua[@]}" "$url" ${paths:+-- "$paths"} >"$f" 2>&1 ||
            fail "wrk failed for $url (see $f)"
        read -r r a b e < <(parse_wrk "$f") || fail "cannot read wrk's output $f"
        [ "$e" = 0 ] || fail "$e errors or non-2xx answers from $url (see $f)"
        rps[$name,$size,$c]=$r p50[$name,$size,$c]=$a p99[$name,$size,$c]=$b
    done
}

targets=("bare query" "policy page" "page made" "search 养老" "static" "cached page")
run_size() { # SIZE: seed up to it, find the policy, check and measure every target
    local size=$1 secs pid page
    secs=$(seed "$size")
    say "board bench: $(seeded) seeded messages (topping up took ${secs} s)"
    seed_secs[$size]=$secs
    # Write out what seeding (and the removal of an earlier run's million rows) left in shared
    # buffers now, not as a checkpoint in the middle of the measurements.
    sql "CHECKPOINT" >/dev/null
    pid=$(sql "SELECT id FROM board_policies WHERE import_key = 'seed-2'")
    [ -n "$pid" ] || fail "no seeded policy seed-2"
    page="$BENCH_BASE/policies/$pid"
    expect "policy page" "$page" 'class="reply"' "$nocache"
    [ "$(grep -o '<article class="message"' "$BENCH_OUT/first-policy-page.html" | wc -l)" = 20 ] ||
        fail "the policy page does not show 20 messages (see $BENCH_OUT/first-policy-page.html)"
    expect "search 养老" "$BENCH_BASE/policies?q=$query" '养老' "$nocache"
    expect "cached page" "$page" 'class="reply"'
    # Every seeded policy's page, for "page made": more than the workers keep copies of.
    sql "SELECT '/policies/' || id FROM board_policies WHERE import_key LIKE 'seed-%' ORDER BY id" \
        >"$BENCH_OUT/policy-paths.txt"
    [ "$(wc -l <"$BENCH_OUT/policy-paths.txt")" -ge 500 ] || fail "fewer than 500 seeded policies"
    measure "bare query" "$size" "$BENCH_BASE/bench/query"
    measure "policy page" "$size" "$page" "$nocache"
    measure "page made" "$size" "$BENCH_BASE/" "$nocache" "$BENCH_OUT/policy-paths.txt"
    measure "search 养老" "$size" "$BENCH_BASE/policies?q=$query" "$nocache"
    measure "static" "$size" "$BENCH_BASE/static/site.css"
    measure "cached page" "$size" "$page"
    # The policy page figure is a kept-copy figure only if the workers kept it.
    [ "$(curl -s -o /dev/null -D - --max-time 5 -H "$nocache" "$page" | tr -d '\r' |
        awk -F': ' 'tolower($1) == "x-page-cache" { print $2 }')" = HIT ] ||
        say "board bench: warning: the policy page was not served from a worker's copy" >&2
    # The cached figure is only a cache figure if nginx answered from the cache.
    curl -s -o /dev/null --max-time 5 "$page"
    [ "$(curl -s -o /dev/null -D - --max-time 5 "$page" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-cache" { print $2 }')" = HIT ] ||
        say "board bench: warning: the cookie-less policy page was not a cache HIT" >&2
}

declare -A seed_secs
run_size "$small"
run_size "$large"

# ---- report ------------------------------------------------------------------------------
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a == "-" || a + 0 < b + 0) }'; }

say ""
say "board: $policies policies; seeding took ${seed_secs[$small]} s for $small messages," \
    "${seed_secs[$large]} s more for $large; policy = seed-2 (20 published messages with replies a page)"
printf '%-12s %9s %6s %10s %8s %8s %s\n' target messages conns req/s "p50 ms" "p99 ms" "ratio"
for size in "$small" "$large"; do
    for t in "${targets[@]}"; do
        for c in $conns; do
            case $t in
            "cached page") b=${rps[static,$size,$c]} unit="x static" ;;
            "bare query" | static) b="" unit="(yardstick)" ;;
            *) b=${rps[bare query,$size,$c]} unit="x query" ;;
            esac
            # printf pads by bytes: 养老 is six bytes for four columns
            printf '%-14s %9s %6s %10s %8s %8s %s\n' "$t" "$size" "$c" "${rps[$t,$size,$c]}" \
                "${p50[$t,$size,$c]}" "${p99[$t,$size,$c]}" "$(ratio "${rps[$t,$size,$c]}" "$b") $unit"
        done
    done
done
say ""

goal() { printf 'goal  %-58s %s\n' "$1" "$2"; }
g1=PASS g2=PASS g3=PASS g4=PASS g5=PASS
for size in "$small" "$large"; do
    for c in $conns; do
        below "$(ratio "${rps[policy page,$size,$c]}" "${rps[bare query,$size,$c]}")" 0.8 && g1=MISS
        below "${p99[policy page,$size,$c]}" 30 || g2=MISS
        below "${p99[search 养老,$size,$c]}" 100 || g3=MISS
        below "$(ratio "${rps[cached page,$size,$c]}" "${rps[static,$size,$c]}")" 0.5 && g5=MISS
    done
done
# Flat: each page's req/s at the large size within 20 % of the small size, both taken as a
# multiple of the yardstick measured just before it (the bare one-query responder), so that
# the minutes between the two sizes, in which this virtual machine's speed drifts (the static
# file alone has moved by a fifth), do not count as the page's own change. The raw ratios
# are printed as well.
flat=()
for t in "policy page" "search 养老"; do
    for c in $conns; do
        f=$(awk -v a="${rps[$t,$large,$c]}" -v qa="${rps[bare query,$large,$c]}" \
            -v b="${rps[$t,$small,$c]}" -v qb="${rps[bare query,$small,$c]}" \
            'BEGIN { if (qa == 0 || b == 0 || qb == 0) print "-"; else printf "%.2f", (a / qa) / (b / qb) }')
        flat+=("$t c$c: $(ratio "${rps[$t,$large,$c]}" "${rps[$t,$small,$c]}") raw, $f against the responder")
        below "$f" 0.8 && g4=MISS
    done
done
say "flat ($large / $small messages):"
printf '  %s\n' "${flat[@]}"
goal "GET /policies/{id} >= 0.8 x bare one-query (req/s)" "$g1"
goal "GET /policies/{id} p99 < 30 ms" "$g2"
goal "search (two characters) p99 < 100 ms" "$g3"
goal "flat: req/s at $large within 20 % of $small (x responder)" "$g4"
goal "cached GET /policies/{id} >= 0.5 x static (req/s)" "$g5"
say "raw wrk output: $BENCH_OUT/wrk/"
