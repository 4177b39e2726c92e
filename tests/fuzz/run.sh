#!/bin/sh
# Fuzz the parsers and verifiers with libFuzzer, or replay saved inputs.
#
#   tests/fuzz/run.sh [fuzz] [NAME...]   build with clang -fsanitize=fuzzer
#                                        (make fuzz-build), replay
#                                        regression/ and corpus/NAME, then
#                                        fuzz each harness FUZZ_SECONDS (30),
#                                        FUZZ_JOBS (2) harnesses at a time
#   tests/fuzz/run.sh replay [NAME...]   no clang needed: the gcc ASan+UBSan
#                                        build + replay.c replays
#                                        regression/ and corpus/NAME
#
# NAME is one of: urlencoded multipart cookies sess query ticket policies
# (default: all). `make fuzz-short` (in make test) runs 30 s a harness,
# `make fuzz` FUZZ_SECONDS (300). Each fuzz run prints its executions and
# corpus size; a crash fails the run.
# Builds go to build/fuzz-clang/ and build/fuzz/; inputs libFuzzer
# discovers go to build/fuzz-clang/corpus/NAME (the seed corpus in
# tests/fuzz/corpus/ is only read), crashes to build/fuzz-clang/artifacts/.
# A crash input is fixed, then copied into tests/fuzz/regression/ (see the
# README there). Every regression input is replayed through every harness.
set -eu

cd "$(dirname "$0")/../.."

ALL="urlencoded multipart cookies sess query ticket policies"
MODE=fuzz
case "${1:-}" in
fuzz | replay)
    MODE=$1
    shift
    ;;
esac
NAMES=${*:-$ALL}
for n in $NAMES; do
    case " $ALL " in
    *" $n "*) ;;
    *)
        echo "run.sh: unknown harness '$n' (have: $ALL)" >&2
        exit 2
        ;;
    esac
done

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_JOBS=${FUZZ_JOBS:-2}
REG=tests/fuzz/regression
OUT=build/fuzz-clang

# Regular files of a directory, or nothing (a glob that matches nothing
# would otherwise be passed on literally).
files_in() {
    for f in "$1"/*; do
        [ -f "$f" ] || continue
        case "$(basename "$f")" in README*) continue ;; esac
        printf '%s\n' "$f"
    done
}

replay_mode() {
    status=0
    for n in $NAMES; do
        make -s --no-print-directory "build/fuzz/replay_$n"
        ASAN_OPTIONS=detect_leaks=1 "build/fuzz/replay_$n" \
            "tests/fuzz/corpus/$n" "$REG" || status=1
    done
    return $status
}

# Options per harness: its dictionary; the XML import reports every
# problem on stderr, which only slows the fuzzer down (close_fd_mask=2
# closes the harness's stderr; libFuzzer and the sanitizers keep theirs).
opts_for() {
    o=""
    [ -f "tests/fuzz/$1.dict" ] && o="-dict=tests/fuzz/$1.dict"
    [ "$1" = policies ] && o="$o -close_fd_mask=2"
    echo "$o"
}

# One harness: saved inputs first (a known crash fails fast), then
# FUZZ_SECONDS of fuzzing. Prints one summary line; exit 1 on a crash.
fuzz_one() {
    n=$1
    bin="$OUT/fuzz_$n"
    saved=$( (files_in "$REG" && files_in "tests/fuzz/corpus/$n") | tr '\n' ' ')
    # shellcheck disable=SC2086
    if [ -n "$saved" ] && ! "$bin" -runs=1 $saved >"$OUT/replay_$n.log" 2>&1; then
        tail -n 40 "$OUT/replay_$n.log" >&2
        echo "== $n: a saved input fails" >&2
        return 1
    fi
    mkdir -p "$OUT/corpus/$n"
    # shellcheck disable=SC2046
    if ! "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$OUT/artifacts/$n-" $(opts_for "$n") \
        "$OUT/corpus/$n" "tests/fuzz/corpus/$n" \
        >"$OUT/fuzz_$n.log" 2>&1; then
        tail -n 60 "$OUT/fuzz_$n.log" >&2
        echo "== $n: CRASH; input saved under $OUT/artifacts/" >&2
        return 1
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/fuzz_$n.log")
    corp=$(grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' "$OUT/fuzz_$n.log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$OUT/fuzz_$n.log" | tail -n 1)
    files=$(files_in "$OUT/corpus/$n" | wc -l)
    seeds=$(files_in "tests/fuzz/corpus/$n" | wc -l)
    # corp: what libFuzzer keeps in memory (inputs/bytes); the saved
    # inputs accumulate in $OUT/corpus/NAME from run to run.
    printf '== fuzz %-10s %4ss: %10s executions, %s (inputs/bytes),' \
        "$n" "$FUZZ_SECONDS" "${execs:-?}" "${corp:-corp: ?}"
    printf ' %s, %s seeds, %s inputs saved in %s\n' "${cov:-cov: ?}" \
        "$seeds" "$files" "$OUT/corpus/$n"
}

fuzz_mode() {
    if ! command -v clang >/dev/null 2>&1; then
        echo "run.sh: clang not found (scripts/deps.sh installs it);" \
            "replaying saved inputs only" >&2
        replay_mode
        return
    fi
    # shellcheck disable=SC2046
    make -s --no-print-directory $(for n in $NAMES; do echo "$OUT/fuzz_$n"; done)
    mkdir -p "$OUT/artifacts"
    echo "== fuzzing $(echo "$NAMES" | wc -w) harnesses, ${FUZZ_SECONDS}s each," \
        "$FUZZ_JOBS at a time"
    status=0
    running=0
    pids=""
    for n in $NAMES; do
        fuzz_one "$n" &
        pids="$pids $!"
        running=$((running + 1))
        if [ "$running" -ge "$FUZZ_JOBS" ]; then
            for p in $pids; do wait "$p" || status=1; done
            pids=""
            running=0
        fi
    done
    for p in $pids; do wait "$p" || status=1; done
    return $status
}

if [ "$MODE" = replay ]; then
    replay_mode
else
    fuzz_mode
fi
