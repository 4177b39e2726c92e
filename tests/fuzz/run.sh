#!/bin/sh
# Fuzz the parsers with libFuzzer, or replay saved inputs.
#
#   tests/fuzz/run.sh [fuzz] [NAME...]   build with clang -fsanitize=fuzzer,
#                                        fuzz each harness FUZZ_SECONDS (20),
#                                        then replay regression/ and corpus/
#   tests/fuzz/run.sh replay [NAME...]   no clang needed: build with $CC
#                                        (ASan+UBSan) + replay.c and replay
#                                        regression/ and corpus/
#
# NAME is one of: urlencoded multipart cookies sess (default: all).
# Builds go to build/fuzz-clang/ and build/fuzz-replay/; inputs libFuzzer
# discovers go to build/fuzz-clang/corpus/NAME (the seed corpus in
# tests/fuzz/corpus/ is only read), crashes to build/fuzz-clang/artifacts/.
# A crash input is fixed, then copied into tests/fuzz/regression/ (see the
# README there). Every regression input is replayed through every harness.
set -eu

cd "$(dirname "$0")/../.."

ALL="urlencoded multipart cookies sess"
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

FUZZ_SECONDS=${FUZZ_SECONDS:-20}
# The fcgi sources the harnesses need (pure code: no libpq, no FastCGI).
SRCS="fcgi/arena.c fcgi/buf.c fcgi/parse.c fcgi/keys.c fcgi/sess.c"
DEFS="-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE"
INC="-Ifcgi -Itests/fuzz $(pkg-config --cflags libsodium 2>/dev/null || true)"
LIBS="$(pkg-config --libs libsodium 2>/dev/null || echo -lsodium)"
WARN="-std=c17 -Wall -Wextra"
REG=tests/fuzz/regression

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
    cc=${CC:-cc}
    out=build/fuzz-replay
    mkdir -p "$out"
    status=0
    for n in $NAMES; do
        # shellcheck disable=SC2086
        $cc $WARN $DEFS $INC -O1 -g -fno-omit-frame-pointer \
            -fsanitize=address,undefined -fno-sanitize-recover=all \
            -o "$out/replay_$n" "tests/fuzz/fuzz_$n.c" tests/fuzz/replay.c \
            $SRCS $LIBS
        ASAN_OPTIONS=detect_leaks=1 "$out/replay_$n" \
            "tests/fuzz/corpus/$n" "$REG" || status=1
    done
    return $status
}

fuzz_mode() {
    if ! command -v clang >/dev/null 2>&1; then
        echo "run.sh: clang not found (apt-get install -y clang);" \
            "replaying saved inputs only" >&2
        replay_mode
        return
    fi
    out=build/fuzz-clang
    mkdir -p "$out/artifacts"
    status=0
    for n in $NAMES; do
        bin="$out/fuzz_$n"
        echo "== build $bin"
        # shellcheck disable=SC2086
        clang $WARN $DEFS $INC -O1 -g -fno-omit-frame-pointer \
            -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
            -o "$bin" "tests/fuzz/fuzz_$n.c" $SRCS $LIBS

        # Saved inputs first: a known crash should fail fast.
        saved=$( (files_in "$REG"; files_in "tests/fuzz/corpus/$n") | tr '\n' ' ')
        if [ -n "$saved" ]; then
            echo "== replay $n: regression/ and corpus/$n"
            # shellcheck disable=SC2086
            if ! "$bin" -runs=1 $saved >"$out/replay_$n.log" 2>&1; then
                tail -n 40 "$out/replay_$n.log" >&2
                echo "== $n: a saved input fails" >&2
                status=1
                continue
            fi
        fi

        echo "== fuzz $n for ${FUZZ_SECONDS}s"
        mkdir -p "$out/corpus/$n"
        dict=""
        [ -f "tests/fuzz/$n.dict" ] && dict="-dict=tests/fuzz/$n.dict"
        # shellcheck disable=SC2086
        if ! "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
            -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
            -artifact_prefix="$out/artifacts/$n-" $dict \
            "$out/corpus/$n" "tests/fuzz/corpus/$n" \
            >"$out/fuzz_$n.log" 2>&1; then
            tail -n 60 "$out/fuzz_$n.log" >&2
            echo "== $n: crash; input saved under $out/artifacts/" >&2
            status=1
        else
            grep -E '^(Done|stat::number_of_executed_units|#[0-9]+.*DONE)' \
                "$out/fuzz_$n.log" || true
        fi
    done
    return $status
}

if [ "$MODE" = replay ]; then
    replay_mode
else
    fuzz_mode
fi
