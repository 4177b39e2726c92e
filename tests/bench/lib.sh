# shellcheck shell=bash
# tests/bench/lib.sh — helpers shared by tests/bench/run.sh and its module-*.sh sections.
# Sourced, not run: `. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"`.

# wrk's summary as "req/s p50_ms p99_ms errors"; exits 1 when the file has no "Requests/sec".
# Latencies come as 850.00us, 1.23ms, 2.05s or 1.50m; errors are the non-2xx/3xx answers plus
# every kind of socket error.
parse_wrk() {  # parse_wrk WRK_OUTPUT_FILE
    awk '
        function ms(v) {
            if (v ~ /us$/) return v * 0.001
            if (v ~ /ms$/) return v + 0
            if (v ~ /m$/)  return v * 60000
            if (v ~ /s$/)  return v * 1000
            return v + 0
        }
        /Requests\/sec:/            { rps = $2 }
        $1 == "50%"                 { p50 = ms($2) }
        $1 == "99%"                 { p99 = ms($2) }
        /Non-2xx or 3xx responses:/ { bad += $NF }
        /Socket errors:/            { for (i = 3; i <= NF; i += 2) { v = $(i + 1); sub(/,/, "", v); bad += v } }
        END { if (rps == "") exit 1; printf "%s %.2f %.2f %d\n", rps, p50, p99, bad }
    ' "$1"
}

# a / b with two decimals, or "-" when either is missing or b is 0.
ratio() {  # ratio A B
    awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f\n", a / b }'
}
