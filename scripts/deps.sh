#!/usr/bin/env bash
# scripts/deps.sh — make sure everything needed to build and test gongkai is on this machine.
#
#   scripts/deps.sh              check; install what is missing (root) or print the apt line (not root)
#   scripts/deps.sh --quiet      the same, but print nothing when everything is present
#   scripts/deps.sh --check      check only: list what is missing and exit 1, never install
#   scripts/deps.sh --browser    also make sure tests/node_modules (playwright-core, axe-core) is installed
#
# Targets Debian 12 (bookworm). Every check looks for the file or command that the build or the
# tests actually use, and maps a miss to the Debian package that provides it.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pgbin=/usr/lib/postgresql/15/bin

quiet=0
check_only=0
browser=0
for arg in "$@"; do
    case $arg in
        --quiet|-q) quiet=1 ;;
        --check) check_only=1 ;;
        --browser) browser=1 ;;
        -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "deps.sh: unknown option: $arg" >&2; exit 2 ;;
    esac
done

say() { [ "$quiet" = 1 ] || echo "$@"; }

missing_pkgs=()    # Debian packages to install
missing_what=()    # what the checks did not find, for the message
need() {           # need PACKAGE WHAT: record a miss (a package only once)
    local p
    for p in "${missing_pkgs[@]+"${missing_pkgs[@]}"}"; do
        [ "$p" = "$1" ] && { missing_what+=("$2"); return 0; }
    done
    missing_pkgs+=("$1")
    missing_what+=("$2")
}
have() { command -v "$1" >/dev/null 2>&1; }

# A library counts as present when its header is there (the -dev package ships the header, the .so
# link and the .pc file together), checked through pkg-config when it knows the library.
have_lib() {       # have_lib PC_NAME HEADER_PATH
    if have pkg-config && pkg-config --exists "$1" 2>/dev/null; then return 0; fi
    [ -f "$2" ]
}

# libpq: the Makefile asks pg_config for the include and lib dirs, so both must be there.
have_libpq() {
    have pg_config || return 1
    [ -f "$(pg_config --includedir 2>/dev/null)/libpq-fe.h" ] || [ -f /usr/include/postgresql/libpq-fe.h ]
}

# libFuzzer's runtime next to clang's (clang -fsanitize=fuzzer links it).
have_fuzzer_rt() {
    local f
    for f in /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a; do
        [ -f "$f" ] && return 0
    done
    return 1
}

check_all() {
    missing_pkgs=()
    missing_what=()

    # Compiler and build tools.
    have gcc        || need gcc "gcc"
    have make       || need make "make"
    have pkg-config || need pkg-config "pkg-config"
    have curl       || need curl "curl"

    # nginx: instance.sh runs the binary directly (never the system service). The configs include
    # /etc/nginx/mime.types and /etc/nginx/fastcgi_params, which come with it.
    { have nginx || [ -x /usr/sbin/nginx ]; } && [ -f /etc/nginx/fastcgi_params ] && [ -f /etc/nginx/mime.types ] \
        || need nginx-light "nginx (/usr/sbin/nginx, /etc/nginx/fastcgi_params)"

    # C libraries.
    have_lib fcgi /usr/include/fcgiapp.h                     || need libfcgi-dev "fcgiapp.h (libfcgi)"
    have_libpq                                               || need libpq-dev "libpq-fe.h and pg_config (libpq)"
    have_lib libsodium /usr/include/sodium.h                 || need libsodium-dev "sodium.h (libsodium)"
    have_lib libxml-2.0 /usr/include/libxml2/libxml/xmlwriter.h || need libxml2-dev "libxml/xmlwriter.h (libxml2)"
    have_lib cmocka /usr/include/cmocka.h                    || need libcmocka-dev "cmocka.h (cmocka)"
    # openmonth: QR codes of tickets; zbarimg decodes them in the browser test
    have_lib libqrencode /usr/include/qrencode.h             || need libqrencode-dev "qrencode.h (libqrencode)"

    # ---- fuzzing (make fuzz-short in make test, make fuzz): clang and libFuzzer's runtime.
    # On bookworm libclang_rt.fuzzer comes in libclang-rt-14-dev, which clang only recommends
    # (libclang-common-14-dev -> Recommends), so it is named here: --no-install-recommends.
    have clang || need clang "clang (libFuzzer harnesses, tests/fuzz/)"
    have_fuzzer_rt || need libclang-rt-14-dev "libclang_rt.fuzzer (libFuzzer runtime for clang 14)"

    # PostgreSQL 15 server binaries: each instance runs its own cluster from these.
    local b
    for b in postgres initdb pg_ctl psql; do
        [ -x "$pgbin/$b" ] || { need postgresql-15 "$pgbin/$b (PostgreSQL 15 server)"; break; }
    done
    # PgBouncer: make pgbouncer (tests/pgbouncer/run.sh) runs its own pooler in front of an
    # instance (README "Scaling out"). Only the binary is used, never the packaged service.
    { have pgbouncer || [ -x /usr/sbin/pgbouncer ]; } || need pgbouncer "pgbouncer (connection pooler, make pgbouncer)"
    # PostgreSQL is built against the system time zone database; instances use Asia/Shanghai.
    [ -f /usr/share/zoneinfo/Asia/Shanghai ] || need tzdata "/usr/share/zoneinfo/Asia/Shanghai (tzdata)"

    # Browser tests and load tests.
    [ -x /usr/bin/chromium ] || need chromium "/usr/bin/chromium"
    # A Chinese font, so the browser lays pages out (and screenshots show them) as people see them.
    [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need fonts-wqy-microhei "a CJK font (fonts-wqy-microhei)"
    have wrk || need wrk "wrk"
    have zbarimg || need zbar-tools "zbarimg (openmonth: decodes ticket QR codes in tests)"

    # Node runs the browser tests. The image ships its own node; only when there is no node at all
    # do we take Debian's (Debian's npm depends on Debian's nodejs and would fight another node).
    if ! have node; then
        need nodejs "node"
        need npm "npm"
    elif ! have npm; then
        echo "deps.sh: node is installed ($(command -v node)) but npm is not; install npm for that node" >&2
        exit 1
    fi
}

# Locale: initdb wants C.UTF-8, which glibc on Debian 12 ships in libc-bin (always present).
# instance.sh falls back to the C locale when it is missing, so this is a note, not a failure.
locale_note() {
    if have locale && ! locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
        say "note: locale C.UTF-8 not available; instances will use --locale=C (encoding stays UTF8)"
    fi
}

# apt-get install without letting package scripts start services: postgresql-15 would start a
# "main" cluster on port 5432 and nginx a server on port 80; gongkai never uses either.
# /usr/sbin/policy-rc.d exiting 101 tells invoke-rc.d (and deb-systemd-invoke) "do not start".
# An existing policy-rc.d (Docker images often have one) is put back afterwards.
policy_backup=""
policy_installed=0
restore_policy() {
    if [ "$policy_installed" = 1 ]; then
        if [ -n "$policy_backup" ]; then
            mv -f "$policy_backup" /usr/sbin/policy-rc.d
        else
            rm -f /usr/sbin/policy-rc.d
        fi
        policy_installed=0
    fi
}

apt_install() {
    local pkgs=("$@") pkg
    local had_nginx=0 had_pg=0 had_pgbouncer=0
    [ -x /usr/sbin/nginx ] && had_nginx=1
    [ -x /usr/sbin/pgbouncer ] && had_pgbouncer=1
    [ -d /etc/postgresql/15 ] && had_pg=1

    trap restore_policy EXIT
    if [ -e /usr/sbin/policy-rc.d ]; then
        policy_backup=$(mktemp /usr/sbin/.policy-rc.d.gongkai.XXXXXX)
        cp -p /usr/sbin/policy-rc.d "$policy_backup"
    fi
    policy_installed=1
    printf '#!/bin/sh\n# temporary, from gongkai scripts/deps.sh: do not start services during install\nexit 101\n' \
        > /usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d

    say "deps.sh: installing: ${pkgs[*]}"
    if [ "$quiet" = 1 ]; then
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
    else
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${pkgs[@]}"
    fi
    restore_policy
    trap - EXIT

    # Keep the services we just brought in from starting at the next boot either.
    for pkg in "${pkgs[@]}"; do
        case $pkg in
            postgresql-15)
                # The package creates a "main" cluster; mark it manual so nothing starts it.
                if [ "$had_pg" = 0 ] && [ -f /etc/postgresql/15/main/start.conf ]; then
                    echo manual > /etc/postgresql/15/main/start.conf
                fi
                if [ "$had_pg" = 0 ] && [ -d /run/systemd/system ] && have systemctl; then
                    systemctl disable --quiet postgresql.service 2>/dev/null || true
                fi ;;
            pgbouncer)
                # The package's service would listen on port 6432; make pgbouncer starts its own.
                if [ "$had_pgbouncer" = 0 ] && [ -d /run/systemd/system ] && have systemctl; then
                    systemctl disable --quiet pgbouncer.service 2>/dev/null || true
                fi ;;
            nginx-light)
                if [ "$had_nginx" = 0 ] && [ -d /run/systemd/system ] && have systemctl; then
                    systemctl disable --quiet nginx.service 2>/dev/null || true
                fi ;;
        esac
    done
}

check_all
if [ "${#missing_pkgs[@]}" -gt 0 ]; then
    if [ "$check_only" = 1 ]; then
        echo "deps.sh: missing:" >&2
        printf '  - %s\n' "${missing_what[@]}" >&2
        echo "deps.sh: install with: sudo apt-get install -y --no-install-recommends ${missing_pkgs[*]}" >&2
        exit 1
    fi
    if [ "$EUID" != 0 ]; then
        echo "deps.sh: missing:" >&2
        printf '  - %s\n' "${missing_what[@]}" >&2
        echo "deps.sh: run this, then try again:" >&2
        echo "sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing_pkgs[*]}" >&2
        exit 1
    fi
    say "deps.sh: missing:"
    [ "$quiet" = 1 ] || printf '  - %s\n' "${missing_what[@]}"
    apt_install "${missing_pkgs[@]}"
    check_all
    if [ "${#missing_pkgs[@]}" -gt 0 ]; then
        echo "deps.sh: still missing after install:" >&2
        printf '  - %s\n' "${missing_what[@]}" >&2
        exit 1
    fi
fi
locale_note

# (Re)install when node_modules is missing or older than the lock file (a
# package was added since).
if [ "$browser" = 1 ] && { [ ! -f "$repo/tests/node_modules/.package-lock.json" ] ||
        [ "$repo/tests/package-lock.json" -nt "$repo/tests/node_modules/.package-lock.json" ]; }; then
    if [ -f "$repo/tests/package-lock.json" ]; then
        say "deps.sh: installing the browser test packages (npm ci in tests/)"
        # playwright-core drives the system chromium; never download browsers.
        if [ "$quiet" = 1 ]; then
            PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm --prefix "$repo/tests" ci --no-audit --no-fund --loglevel=error >/dev/null
        else
            PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm --prefix "$repo/tests" ci --no-audit --no-fund
        fi
        if [ ! -d "$repo/tests/node_modules/playwright-core" ]; then
            echo "deps.sh: npm ci in tests/ did not install playwright-core (is it in tests/package.json?)" >&2
            exit 1
        fi
    else
        echo "deps.sh: tests/package-lock.json not found; skipping the browser test packages" >&2
    fi
fi

say "deps.sh: all build and test dependencies are present"
