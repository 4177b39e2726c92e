# gongkai: build, run and test. `make run` and `make test` are the two
# commands of the README; both install what is missing first.

CC       ?= cc
WARN     := -std=c17 -Wall -Wextra -Werror -Wmissing-prototypes \
            -Wstrict-prototypes -Wold-style-definition -Wformat=2 \
            -Wformat-security -Wshadow -Wpointer-arith -Wcast-qual \
            -Wwrite-strings -Wundef -Wimplicit-fallthrough -Wvla
INC      := -Ifcgi -Ibuild/gen $(shell pkg-config --cflags libpq libsodium libxml-2.0 2>/dev/null)
DEFS     := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS   ?= -O2 -g
LDFLAGS  += -Wl,-z,relro,-z,now,-z,noexecstack
# openmonth: -lqrencode (QR codes of tickets)
LIBS     := -lfcgi -lpq -lsodium -lxml2 -lqrencode
SAN      := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=all

SRC      := $(sort $(wildcard fcgi/*.c))
GEN_SRC  := build/gen/sql_gen.c build/gen/schema_gen.c
OBJ      := $(SRC:fcgi/%.c=build/obj/%.o) $(GEN_SRC:build/gen/%.c=build/obj/%.o)
SAN_OBJ  := $(SRC:fcgi/%.c=build/san/%.o) $(GEN_SRC:build/gen/%.c=build/san/%.o)
DEP      := $(OBJ:.o=.d) $(SAN_OBJ:.o=.d) \
            $(SAN_OBJ:build/san/%.o=build/fuzz-clang/obj/%.d)

UNIT     := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT:tests/unit/%.c=build/unit/%)
# Objects a unit test may link (everything but main and the worker runtime).
UNIT_LIB := $(filter-out build/san/main.o build/san/server.o,$(SAN_OBJ))

export GONGKAI_VAR GONGKAI_PORT GONGKAI_DEMO

.PHONY: all deps run up down test unit integration browser bench clean \
        format format-check analyze valgrind sanitize fuzz fuzz-replay \
        fuzz-build fuzz-short faults soak screenshots

all: bin/gongkai

deps:
	@scripts/deps.sh --quiet

# Generated C from sql/ and schema/ (rerun every build; files are replaced
# only when their content changes).
build/gen/sql_gen.h build/gen/sql_gen.c build/gen/schema_gen.c &: $(wildcard sql/*.sql schema/*.sql) scripts/embed-sql.sh
	@scripts/embed-sql.sh build/gen

build/obj/%.o: fcgi/%.c build/gen/sql_gen.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(DEFS) $(HARDEN) $(CFLAGS) $(INC) -MMD -MP -c $< -o $@

build/obj/%.o: build/gen/%.c build/gen/sql_gen.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(INC) -c $< -o $@

build/san/%.o: fcgi/%.c build/gen/sql_gen.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(DEFS) $(SAN) $(INC) -MMD -MP -c $< -o $@

build/san/%.o: build/gen/%.c build/gen/sql_gen.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(DEFS) $(SAN) $(INC) -c $< -o $@

bin/gongkai: $(OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LIBS)

# The same program under AddressSanitizer and UBSan: the integration and
# browser tests run against this one.
build/gongkai-san: $(SAN_OBJ)
	$(CC) $(SAN) $(LDFLAGS) -o $@ $(SAN_OBJ) $(LIBS)

sanitize: build/gongkai-san

build/unit/%: tests/unit/%.c tests/unit/unit.h $(UNIT_LIB)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(DEFS) $(SAN) $(INC) -Wno-missing-prototypes -o $@ $< \
	    $(UNIT_LIB) $(LIBS) -lcmocka

# ---- fuzzing (tests/fuzz/): make test replays the seed corpus and every
# past crash input with the gcc sanitizer build (fuzz-replay), then fuzzes
# each harness FUZZ_SECONDS with clang + libFuzzer (fuzz-short, two at a
# time); `make fuzz` fuzzes longer. tests/fuzz/run.sh does the runs.
FUZZ     := urlencoded multipart cookies sess query ticket policies
FUZZ_BIN := $(FUZZ:%=build/fuzz/replay_%)
# The clang build: the same objects as UNIT_LIB, with ASan+UBSan and
# libFuzzer's coverage hooks, each harness linked with libFuzzer's main.
FUZZ_SAN := -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_LIB := $(UNIT_LIB:build/san/%=build/fuzz-clang/obj/%)
FUZZ_SECONDS ?= 300
# Keep the clang objects between runs (make would delete the generated
# ones as intermediate files).
.SECONDARY: $(FUZZ_LIB)

build/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(UNIT_LIB)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(DEFS) $(SAN) $(INC) -Itests/fuzz -o $@ \
	    tests/fuzz/fuzz_$*.c tests/fuzz/replay.c $(UNIT_LIB) $(LIBS)

build/fuzz-clang/obj/%.o: fcgi/%.c build/gen/sql_gen.h
	@mkdir -p $(@D)
	clang $(DEFS) $(INC) $(FUZZ_SAN) \
	    -fsanitize=address,undefined,fuzzer-no-link -MMD -MP -c $< -o $@

build/fuzz-clang/obj/%.o: build/gen/%.c build/gen/sql_gen.h
	@mkdir -p $(@D)
	clang $(DEFS) $(INC) $(FUZZ_SAN) \
	    -fsanitize=address,undefined,fuzzer-no-link -c $< -o $@

build/fuzz-clang/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_LIB)
	clang $(DEFS) $(INC) -Itests/fuzz $(FUZZ_SAN) \
	    -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_LIB) $(LIBS)

fuzz-replay: $(FUZZ_BIN)
	@set -e; for n in $(FUZZ); do \
	    ASAN_OPTIONS=detect_leaks=1 build/fuzz/replay_$$n \
	        tests/fuzz/corpus/$$n tests/fuzz/regression; done

fuzz-build: $(FUZZ:%=build/fuzz-clang/fuzz_%)

# 30 seconds a harness in make test; a crash fails it.
fuzz-short: fuzz-build
	@FUZZ_SECONDS=30 FUZZ_JOBS=2 tests/fuzz/run.sh fuzz

fuzz: deps fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=2 tests/fuzz/run.sh fuzz

# ---- running an instance (CONTRACT.md, API.md "Instances") ----

run: deps all
	@scripts/instance.sh run

up: deps all
	@scripts/instance.sh up

down:
	@scripts/instance.sh down

# ---- tests ----

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; \
	    ASAN_OPTIONS=detect_leaks=1 $$t; done

test: deps
	@scripts/deps.sh --browser --quiet
	$(MAKE) all sanitize
	$(MAKE) unit fuzz-replay
	$(MAKE) fuzz-short
	@tests/run.sh
	@tests/pgbouncer/run.sh

integration: all sanitize
	@tests/run.sh integration

browser: all sanitize
	@tests/run.sh browser

bench: deps all
	@tests/bench/run.sh

# Acknowledged means durable: load while PostgreSQL and workers are killed.
faults: deps all
	@tests/faults/run.sh

# failover: primary + synchronous standby, workers on a two-host DSN; stop the
# primary under load, promote the standby, no acknowledged write lost.
.PHONY: failover
failover: deps all
	@tests/failover/run.sh

# pgbouncer: the workers through PgBouncer (session pooling) capped below its
# clients; pages, a write, the cap held, reconnect after a PgBouncer restart.
# 20 to 30 s on the 2-core machine; make test runs it too.
.PHONY: pgbouncer
pgbouncer: deps all
	@tests/pgbouncer/run.sh

# docs/screenshots: main pages, citizen and staff, normal and large text.
screenshots: deps all
	@scripts/deps.sh --browser --quiet
	@tests/screenshots/run.sh

# Minutes of mixed load: memory growth, errors, p99 per route.
soak: deps all
	@tests/soak/run.sh

valgrind: $(UNIT_BIN:build/unit/%=build/unit-plain/%)
	@set -e; for t in $^; do valgrind -q --leak-check=full \
	    --error-exitcode=1 $$t; done

build/unit-plain/%: tests/unit/%.c tests/unit/unit.h $(filter-out build/obj/main.o build/obj/server.o,$(OBJ))
	@mkdir -p $(@D)
	$(CC) $(WARN) $(DEFS) -O0 -g $(INC) -Wno-missing-prototypes -o $@ $< \
	    $(filter-out build/obj/main.o build/obj/server.o,$(OBJ)) $(LIBS) -lcmocka

FORMATTED := fcgi/*.c fcgi/*.h tests/unit/*.c tests/fuzz/*.[ch] tests/bench/*.[ch]

format:
	clang-format -i $(FORMATTED)

format-check:
	@clang-format --dry-run --Werror $(FORMATTED)

# varFuncNullUB: the html writer's attribute lists end with NULL, which is
# ((void *)0) with glibc, and __attribute__((sentinel)) checks every call.
analyze: build/gen/sql_gen.h
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --suppress=varFuncNullUB \
	    --inline-suppr -Ifcgi -Ibuild/gen fcgi build/gen

clean:
	rm -rf build bin

-include $(DEP)
