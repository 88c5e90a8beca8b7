# trang: a C host for Lua plugins that analyse Vietnamese news.
#
#   make          build ./trang (installs missing Debian packages first when root)
#   make run      build, ingest data/, run the analyses, print the results
#   make test     build, then every test (C units, end-to-end on the real binary)
#   make bench    speed and memory figures (slow; not part of make test)
#   make clean    remove build products

CC      ?= cc
PKGS    := lua5.4 sqlite3 libutf8proc libuv jansson libxxhash libedit
CFLAGS  ?= -O2 -g
# Messages are cut to fit their buffers on purpose, hence -Wno-format-truncation
# (a gcc option: asked only of compilers that know it, so clang builds too).
NO_TRUNC := $(shell $(CC) -Werror -Wno-format-truncation -E -x c /dev/null >/dev/null 2>&1 && echo -Wno-format-truncation)
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter $(NO_TRUNC)
BUILD   ?= build
DB      ?= trang.db
BIN     ?= trang

# Debian packages that provide the pkg-config modules above, plus what tests and
# benchmarks use. Checked on every build; installed when missing and we are root.
DEB_BUILD := pkg-config liblua5.4-dev libsqlite3-dev libutf8proc-dev libuv1-dev \
             libjansson-dev libxxhash-dev libedit-dev libjemalloc-dev
DEB_TEST  := libcmocka-dev unicode-data python3 sqlite3 bsdutils tzdata lua-check
DEB_BENCH := libicu-dev g++ time

HOST_SRC  := $(sort $(wildcard host/*.c))
HOST_OBJ  := $(HOST_SRC:host/%.c=$(BUILD)/host/%.o)
LIB_OBJ   := $(filter-out $(BUILD)/host/main.o,$(HOST_OBJ))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/replay/replay_%)

.PHONY: all deps deps-test run test lint unit e2e asan check-valgrind fuzz stress bench clean
.DELETE_ON_ERROR:

all: $(BIN)

# deps: the stamp is remade when the Makefile changes; the script checks each
# package with dpkg and installs only what is missing.
deps: $(BUILD)/.deps-build
deps-test: $(BUILD)/.deps-test

$(BUILD)/.deps-build: Makefile .ci/deps.sh
	@mkdir -p $(BUILD)
	@sh .ci/deps.sh $(DEB_BUILD)
	@touch $@

$(BUILD)/.deps-test: Makefile .ci/deps.sh
	@mkdir -p $(BUILD)
	@sh .ci/deps.sh $(DEB_BUILD) $(DEB_TEST)
	@touch $@

$(BUILD)/.deps-bench: Makefile .ci/deps.sh
	@mkdir -p $(BUILD)
	@sh .ci/deps.sh $(DEB_BUILD) $(DEB_TEST) $(DEB_BENCH)
	@touch $@

# pkg-config is only asked once the packages are there.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread

# trang itself runs on jemalloc: the plugins' Lua makes and drops small
# objects by the million, where glibc's malloc spent a third of the stats
# plugin's time (README, Performance). Only the binary: the unit tests keep
# glibc's for valgrind, and `make asan` sets MALLOC_LIBS= for its own.
MALLOC_LIBS ?= $(shell pkg-config --libs jemalloc 2>/dev/null)

$(BIN): $(HOST_OBJ)
	$(CC) $(CFLAGS) -o $@ $(HOST_OBJ) $(MALLOC_LIBS) $(PKG_LIBS) $(LDFLAGS)

$(BUILD)/host/%.o: host/%.c | $(BUILD)/.deps-build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -c -o $@ $<

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB_OBJ) tests/unit/testutil.h | $(BUILD)/.deps-test
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Ihost -o $@ $< $(LIB_OBJ) $(PKG_LIBS) -lcmocka

run: $(BIN)
	@rm -f $(DB) $(DB)-wal $(DB)-shm
	./$(BIN) --db $(DB) ingest data/
	./$(BIN) --db $(DB) stats
	@echo; echo '$$ trang search --limit 3 "dien dam"   # folded: finds "điện đàm"'
	@./$(BIN) --db $(DB) search --limit 3 "dien dam"
	@echo '$$ trang kwic --width 30 --limit 8 Putin'
	@./$(BIN) --db $(DB) kwic --width 30 --limit 8 Putin
	@./$(BIN) --db $(DB) plugin run duplicates >/dev/null
	@echo; echo '$$ trang plugin run timeline'
	@./$(BIN) --db $(DB) plugin run timeline
	@echo; echo '$$ trang plugin run stats'
	@./$(BIN) --db $(DB) plugin run stats
	@echo; echo '$$ trang plugin run summary corpus'
	@./$(BIN) --db $(DB) plugin run summary corpus
	@echo; echo '$$ trang plugin run entities --top 5'
	@./$(BIN) --db $(DB) plugin run entities --top 5
	@echo; echo '$$ trang report --out report.html'
	@./$(BIN) --db $(DB) report --out report.html

test: lint unit e2e asan

# The shipped Lua (plugins, scripts, the Lua half of the API) is luacheck-clean.
lint: | $(BUILD)/.deps-test
	@luacheck --no-color -q plugins scripts host/lua

# The C unit tests under valgrind: any error or definite leak fails.
VALGRIND := TRANG_UNDER_VALGRIND=1 valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
check-valgrind: $(BIN) $(UNIT_BIN) | $(BUILD)/.deps-test
	@sh .ci/deps.sh valgrind
	@set -e; for t in $(UNIT_BIN); do echo "== valgrind $$t"; $(VALGRIND) $$t >/dev/null; done

# libFuzzer targets (tests/fuzz), each run FUZZ_SECONDS (default 60).
fuzz: | $(BUILD)/.deps-test
	@sh .ci/deps.sh clang libclang-rt-14-dev
	@sh tests/fuzz/run.sh

# Hostile inputs too big for make test: a 100 MB line, a million tiny files.
stress: $(BIN) | $(BUILD)/.deps-bench
	@TRANG=$(abspath $(BIN)) sh tests/stress/run.sh

# The whole suite again with AddressSanitizer and UBSan in build/asan; any
# report fails the run (the sanitizers abort, and the tests check statuses).
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan: | $(BUILD)/.deps-test
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan BIN=$(BUILD)/asan/trang CFLAGS="-O1 -g $(SAN)" \
		LDFLAGS="$(SAN)" MALLOC_LIBS= unit e2e

unit: $(BIN) $(UNIT_BIN) $(REPLAY_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done
	@set -e; for r in $(REPLAY_BIN); do n=$${r##*/replay_}; echo "== $$r"; \
		$$r $$(find tests/fuzz/regressions/$$n -type f 2>/dev/null) data/*.txt; done

# Each fuzz target, driven by tests/fuzz/replay.c over the kept inputs.
$(BUILD)/replay/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(LIB_OBJ) | $(BUILD)/.deps-test
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Ihost -Itests/fuzz -o $@ $< tests/fuzz/replay.c $(LIB_OBJ) $(PKG_LIBS) $(LDFLAGS)

e2e: $(BIN) | $(BUILD)/.deps-test
	@TRANG=$(abspath $(BIN)) sh tests/e2e/run.sh

# Benchmark programs: ICU is used by the NFC peer only.
BENCH_BIN := $(BUILD)/bench/bench_text $(BUILD)/bench/bench_search $(BUILD)/bench/bench_extract \
             $(BUILD)/bench/bench_hooks $(BUILD)/bench/bench_serve $(BUILD)/bench/bench_fts_floor

$(BUILD)/bench/icu_nfc.o: tests/bench/icu_nfc.cpp | $(BUILD)/.deps-bench
	@mkdir -p $(dir $@)
	g++ -O2 $(shell pkg-config --cflags icu-uc 2>/dev/null) -c -o $@ $<

$(BUILD)/bench/bench_text: tests/bench/bench_text.c $(BUILD)/bench/icu_nfc.o $(LIB_OBJ) | $(BUILD)/.deps-bench
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Ihost -c -o $@.o $<
	g++ -o $@ $@.o $(BUILD)/bench/icu_nfc.o $(LIB_OBJ) $(PKG_LIBS) $(shell pkg-config --libs icu-uc 2>/dev/null)

$(BUILD)/bench/bench_%: tests/bench/bench_%.c $(LIB_OBJ) | $(BUILD)/.deps-bench
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Ihost -o $@ $< $(LIB_OBJ) $(PKG_LIBS)

bench: $(BIN) $(BENCH_BIN) | $(BUILD)/.deps-bench
	@BENCH_BIN_DIR=$(abspath $(BUILD)/bench) TRANG=$(abspath $(BIN)) sh tests/bench/run.sh

clean:
	rm -rf $(BUILD) $(BIN)

-include $(HOST_OBJ:.o=.d)
